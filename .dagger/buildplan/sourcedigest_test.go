package buildplan

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/provenance"
)

// buildIgnore reads the +ignore list of the app functions' source argument
// from build.go: what the engine leaves out before the build sees the source.
func buildIgnore(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("../build.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`// \+ignore=\[(.*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("build.go has no +ignore list")
	}
	var out []string
	for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllSubmatch(m[1], -1) {
		out = append(out, string(q[1]))
	}
	return out
}

// TestSourceDigestRecomputesFromACheckout lays out a project holding, beside
// the app, a file under every pattern the build leaves out, and checks that
// scripts/source-digest run on the whole checkout prints the digest the
// module computes over the source the build sees (the app files only).
func TestSourceDigestRecomputesFromACheckout(t *testing.T) {
	for _, tool := range []string{"bash", "find", "sha256sum", "sort", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	kept := map[string]string{
		"go.mod":                    "module example.com/app\n",
		"app/main.go":               "package main\n",
		"app/static/style.css":      "body{}\n",
		"app/static/Zeta file.js":   "x\n",
		"app/internal/a/handler.go": "package a\n",
	}
	checkout, built := t.TempDir(), t.TempDir()
	write := func(root, rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for rel, c := range kept {
		write(checkout, rel, c)
		write(built, rel, c)
	}
	for _, pattern := range append(buildIgnore(t), AppSourceExclude...) {
		switch {
		case pattern == "**/*.md":
			write(checkout, "README.md", "docs")
			write(checkout, "app/static/NOTES.md", "docs")
		case strings.HasPrefix(pattern, "**/"):
			write(checkout, strings.TrimPrefix(pattern, "**/")+"/x", "left out")
			write(checkout, "app/sub/"+strings.TrimPrefix(pattern, "**/")+"/x", "left out")
		default:
			write(checkout, pattern+"/x", "left out")
		}
	}

	want, err := provenance.SourceDigest(built)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "../../scripts/source-digest", checkout).CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/source-digest: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != want {
		t.Fatalf("scripts/source-digest prints %s, the module computes %s", got, want)
	}

	// Any content or name change changes it; an empty directory does not.
	write(built, "app/static/style.css", "body{color:red}\n")
	changed, _ := provenance.SourceDigest(built)
	if changed == want {
		t.Error("a changed file kept the digest")
	}
	if err := os.MkdirAll(filepath.Join(built, "app/empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if again, _ := provenance.SourceDigest(built); again != changed {
		t.Error("an empty directory changed the digest")
	}
}
