package stacks

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkSynthAll synthesizes the whole app (all four stacks, default
// configuration) and reports the peak resident set of the test process
// and of the Node.js jsii kernel it drives.
func BenchmarkSynthAll(b *testing.B) {
	ctx := committedContext(b)
	ctx["account"], ctx["region"] = "123456789012", "us-east-1"
	for b.Loop() {
		// synthConfig synthesizes the app and renders all four templates.
		if _, err := synthConfig(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
	if kb := vmHWM("self"); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "peakRSS-MiB")
	}
	// The jsii kernel (node) is a child process and does most of the work.
	if kb := childrenHWM(); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "nodePeakRSS-MiB")
	}
}

// childrenHWM sums the peak resident set sizes (kB) of this process's
// descendants (jsii starts node, which starts the kernel's node).
func childrenHWM() int {
	return descendantsHWM("self")
}

func descendantsHWM(pid string) int {
	tasks, _ := filepath.Glob("/proc/" + pid + "/task/*/children")
	total := 0
	for _, f := range tasks {
		raw, _ := os.ReadFile(f)
		for _, child := range strings.Fields(string(raw)) {
			total += vmHWM(child) + descendantsHWM(child)
		}
	}
	return total
}

// vmHWM reads the peak resident set size (kB) of a process from
// /proc/<pid>/status.
func vmHWM(pid string) int {
	raw, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}
