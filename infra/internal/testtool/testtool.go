// Package testtool decides what a test does when an external tool it needs is
// missing: skip with a reason on a developer machine, fail under CI=true so a
// missing install step can never pass as a green run.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// Require returns the path of the named executable, or skips the test (fails
// it under CI) when it is not on PATH.
func Require(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	Missing(t, name+" not found on PATH")
	return ""
}

// Missing skips the test with reason, or fails it under CI.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if InCI() {
		t.Fatalf("required tool missing under CI=true: %s", reason)
	}
	t.Skipf("skipping: %s (install it to run this test)", reason)
}
