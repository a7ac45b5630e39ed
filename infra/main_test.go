package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/internal/testtool"
)

// buildApp compiles the CDK app the way cdk.json's "go run ." does.
func buildApp(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "infra")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// run starts the app like the CDK CLI: context in CDK_CONTEXT_JSON, output
// directory in CDK_OUTDIR.
func run(t *testing.T, bin, contextJSON, outdir string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"CDK_CONTEXT_JSON="+contextJSON,
		"CDK_OUTDIR="+outdir,
		"CDK_DEFAULT_ACCOUNT=", "CDK_DEFAULT_REGION=",
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
	)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stderr.String(), err
}

func TestMainRefusesBadConfig(t *testing.T) {
	testtool.Require(t, "node")
	bin := buildApp(t)
	out := t.TempDir()
	stderr, err := run(t, bin, `{"appName":"Web_App","natGateways":7,"cpu":256,"memory":4096,"deploymentMode":"rolling"}`, out)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit status 1, got %v\n%s", err, stderr)
	}
	for _, want := range []string{`appName "Web_App"`, `natGateways "7"`, `cpu/memory "256/4096"`, `deploymentMode "rolling"`, "4 problem(s)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("nothing may be synthesized on bad config, found %d files", len(entries))
	}
}

func TestMainSynthesizesAllStacks(t *testing.T) {
	testtool.Require(t, "node")
	bin := buildApp(t)
	out := t.TempDir()
	if stderr, err := run(t, bin, `{"appName":"demo","account":"123456789012","region":"us-east-1",`+
		`"availability-zones:account=123456789012:region=us-east-1":["us-east-1a","us-east-1b","us-east-1c"]}`, out); err != nil {
		t.Fatalf("synth failed: %v\n%s", err, stderr)
	}
	for _, stack := range []string{"demo-ecr", "demo-network", "demo-service", "demo-pipeline"} {
		if _, err := os.Stat(filepath.Join(out, stack+".template.json")); err != nil {
			t.Errorf("%s not synthesized: %v", stack, err)
		}
	}
}
