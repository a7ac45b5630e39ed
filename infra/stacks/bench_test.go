package stacks

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkSynthAll synthesizes the whole app (all four stacks, default
// configuration) and reports the peak resident set of the test process
// (the Node.js jsii kernel is a child process and not included).
func BenchmarkSynthAll(b *testing.B) {
	ctx := committedContext(b)
	ctx["account"], ctx["region"] = "123456789012", "us-east-1"
	for b.Loop() {
		// synthConfig synthesizes the app and renders all four templates.
		if _, err := synthConfig(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
	if kb := vmHWM(); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "peakRSS-MiB")
	}
}

// vmHWM reads the peak resident set size (kB) from /proc/self/status.
func vmHWM() int {
	raw, err := os.ReadFile("/proc/self/status")
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
