// Package testtool decides what a test does when an external tool it needs is
// missing: skip with a reason on a developer machine, fail under CI=true so a
// missing install step can never pass as a green run.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true), where every external
// tool must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require returns the absolute path of the named executable. When it is not on
// PATH the test is skipped with a one-line reason, or fails under CI.
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

// CacheDir is the project's cache directory, where pinned tools are
// installed once per machine and kept across runs: $ECS_BLUEGREEN_CACHE,
// else $XDG_CACHE_HOME/ecs-bluegreen or ~/.cache/ecs-bluegreen.
func CacheDir() (string, error) {
	if dir := os.Getenv("ECS_BLUEGREEN_CACHE"); dir != "" {
		return dir, nil
	}
	user, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(user, "ecs-bluegreen"), nil
}
