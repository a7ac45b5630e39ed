package stacks

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// BenchmarkSynthAll synthesizes the whole app (all four stacks, default
// configuration) and reports the peak resident set of the test process
// (the Node.js jsii kernel is a child process and not included).
func BenchmarkSynthAll(b *testing.B) {
	ctx := committedContext(b)
	ctx["account"], ctx["region"] = "123456789012", "us-east-1"
	for b.Loop() {
		s, err := synthConfig(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		awscdk.NewApp(&awscdk.AppProps{Context: &ctx}).Synth(nil)
		_ = s
	}
	if kb := vmHWM(); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "peakRSS-MiB")
	}
	_ = jsii.String
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
