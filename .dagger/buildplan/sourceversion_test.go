package buildplan

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSourceVersionRefusesOrMarksADirtyTree runs scripts/source-version on a
// scratch repository: a clean app source gives the commit (full, or 12
// digits with --short) and passes Version; a changed or untracked app file
// is refused naming it, or marked <commit>-dirty with ALLOW_DIRTY=1; edits
// outside the app source (docs, infra) do not count.
func TestSourceVersionRefusesOrMarksADirtyTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(rel, content string) {
		p := filepath.Join(repo, filepath.FromSlash(rel))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("go.mod", "module example.com/app\n")
	write("app/main.go", "package main\n")
	write("README.md", "docs\n")
	write("infra/stack.go", "package infra\n")
	git("add", ".")
	git("commit", "-qm", "first")
	head := git("rev-parse", "HEAD")

	run := func(env []string, args ...string) (string, string, error) {
		cmd := exec.Command("bash", append([]string{"../../scripts/source-version"}, append(args, repo)...)...)
		cmd.Env = append(append(os.Environ(), "ALLOW_DIRTY="), env...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return strings.TrimSpace(stdout.String()), stderr.String(), err
	}
	if out, errOut, err := run(nil); err != nil || out != head {
		t.Fatalf("clean tree: %q %v\n%s", out, err, errOut)
	}
	if out, _, err := run(nil, "--short"); err != nil || out != head[:12] {
		t.Fatalf("--short: %q %v", out, err)
	}
	if v, err := Version(head, ""); err != nil || v != head {
		t.Fatalf("the printed version is refused: %v", err)
	}

	write("README.md", "more docs\n")
	write("infra/stack.go", "package infra // edited\n")
	if out, errOut, err := run(nil); err != nil || out != head {
		t.Fatalf("edits outside the app source counted: %q %v\n%s", out, err, errOut)
	}

	for _, dirty := range []struct{ path, content string }{{"app/main.go", "package main // edited\n"}, {"app/new.go", "package main\n"}} {
		git("checkout", "-q", "--", "app")
		_ = os.Remove(filepath.Join(repo, "app/new.go"))
		write(dirty.path, dirty.content)
		out, errOut, err := run(nil)
		if err == nil || out != "" || !strings.Contains(errOut, dirty.path) || !strings.Contains(errOut, head) {
			t.Errorf("%s changed: printed %q, %v\n%s", dirty.path, out, err, errOut)
		}
		out, _, err = run([]string{"ALLOW_DIRTY=1"})
		if err != nil || out != head+"-dirty" {
			t.Errorf("%s changed, ALLOW_DIRTY=1: %q %v", dirty.path, out, err)
		}
		if v, err := Version(out, ""); err != nil || v != head+"-dirty" {
			t.Errorf("the marked version is refused: %v", err)
		}
	}
}
