package buildplan

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// craneStandIn writes a crane onto a fresh PATH directory that prints
// answers[args] for exactly those arguments (joined by spaces) and fails
// like a registry without the manifest for anything else. Every call is
// appended to the returned log.
func craneStandIn(t *testing.T, dir string, answers map[string]string) (bin, log string) {
	t.Helper()
	bin, log = filepath.Join(dir, "bin"), filepath.Join(dir, "crane.log")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + quote(log) + "\ncase \"$*\" in\n")
	for _, k := range keys {
		b.WriteString(quote(k) + ") printf '%s\\n' " + quote(answers[k]) + " ;;\n")
	}
	b.WriteString("*) echo \"MANIFEST_UNKNOWN: manifest unknown ($*)\" >&2; exit 1 ;;\nesac\n")
	if err := os.WriteFile(filepath.Join(bin, "crane"), []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, log
}

// builderImageScript runs scripts/builder-image on file with the stand-in
// crane in bin first on PATH.
func builderImageScript(t *testing.T, file, bin string, args ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	cmd := exec.Command("bash", append([]string{filepath.Join("..", "..", "scripts", "builder-image")}, args...)...)
	cmd.Env = append(os.Environ(), "BUILDER_IMAGE_FILE="+file, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// goimageCopy writes goimage.go, with the pin replaced when tag is not
// empty, into dir and returns its path.
func goimageCopy(t *testing.T, dir, tag, digest string) string {
	t.Helper()
	src, err := os.ReadFile("goimage.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if tag != "" {
		s = strings.Replace(s, `"`+DefaultGoImageTag+`"`, `"`+tag+`"`, 1)
		s = strings.Replace(s, `DefaultGoImageDigest = "`+DefaultGoImageDigest+`"`, `DefaultGoImageDigest = "`+digest+`"`, 1)
		if constant(t, []byte(s), "DefaultGoImageTag") != tag || constant(t, []byte(s), "DefaultGoImageDigest") != digest {
			t.Fatal("could not rewrite the pin in the copy of goimage.go")
		}
	}
	file := filepath.Join(dir, "goimage.go")
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// imageConfig is a golang image's config as crane config prints it.
func imageConfig(goVersion string) string {
	env := `"PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","GOTOOLCHAIN=local","GOPATH=/go"`
	if goVersion != "" {
		env = `"PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","GOLANG_VERSION=` + goVersion + `","GOTOOLCHAIN=local","GOPATH=/go"`
	}
	return `{"architecture":"amd64","config":{"Env":[` + env + `],"Cmd":["bash"],"WorkingDir":"/go"},"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`
}

// TestBuilderImageScriptChecksThePin runs scripts/builder-image --check
// against the real pin with a stand-in crane: it passes only when the
// pinned digest is in the tag's repository and its linux/amd64 image is
// the tag's Go release; a moved tag is a note, not a failure.
func TestBuilderImageScriptChecksThePin(t *testing.T) {
	if DefaultGoImageDigest == "" {
		t.Fatal("no digest is pinned: --check has nothing to check")
	}
	goVersion, full, err := TagGoVersion(DefaultGoImageTag)
	if err != nil || !full {
		t.Fatalf("the pinned tag names no Go patch release: %v", err)
	}
	pinned := DefaultGoImageTag + "@" + DefaultGoImageDigest
	moved := "sha256:" + strings.Repeat("5e", 32)
	manifest := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`
	answers := func(tagDigest, config string, withManifest bool) map[string]string {
		a := map[string]string{
			"digest " + DefaultGoImageTag:             tagDigest,
			"config --platform linux/amd64 " + pinned: config,
		}
		if withManifest {
			a["manifest "+pinned] = manifest
		}
		return a
	}
	for _, c := range []struct {
		name    string
		answers map[string]string
		ok      bool
		say     []string
	}{
		{"all agree", answers(DefaultGoImageDigest, imageConfig(goVersion), true), true,
			[]string{"ok: " + pinned + " is Go " + goVersion, "still points at the pinned digest"}},
		{"the tag moved", answers(moved, imageConfig(goVersion), true), true,
			[]string{"ok: " + pinned, "has moved since the pin (now " + moved + ")", "scripts/builder-image --update"}},
		{"the digest is not in the repository", answers(DefaultGoImageDigest, imageConfig(goVersion), false), false,
			[]string{"cannot read the pinned manifest " + pinned + " from registry ", "not in the tag's repository"}},
		{"another Go release", answers(DefaultGoImageDigest, imageConfig(goVersion+"1"), true), false,
			[]string{`GOLANG_VERSION is "` + goVersion + `1"`, "is not Go " + goVersion}},
		{"no GOLANG_VERSION", answers(DefaultGoImageDigest, imageConfig(""), true), false,
			[]string{`GOLANG_VERSION is ""`}},
		{"no linux/amd64 image", map[string]string{"digest " + DefaultGoImageTag: DefaultGoImageDigest, "manifest " + pinned: manifest}, false,
			[]string{"cannot read the linux/amd64 image config of " + pinned}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			file := goimageCopy(t, dir, "", "")
			bin, _ := craneStandIn(t, dir, c.answers)
			out, err := builderImageScript(t, file, bin, "--check")
			if (err == nil) != c.ok {
				t.Fatalf("exit %v, want success %v\n%s", err, c.ok, out)
			}
			for _, s := range c.say {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
		})
	}

	// Without a pinned digest there is nothing to verify: that fails too.
	dir := t.TempDir()
	bin, log := craneStandIn(t, dir, nil)
	out, err := builderImageScript(t, goimageCopy(t, dir, "registry.example/golang:1.26.8-bookworm", ""), bin, "--check")
	if err == nil || !strings.Contains(out, "no DefaultGoImageDigest") {
		t.Fatalf("--check without a pin: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(log); len(b) != 0 {
		t.Errorf("--check without a pin called crane: %s", b)
	}
}

// TestBuilderImageScriptMovesThePin runs scripts/builder-image --update on
// a copy of goimage.go with a stand-in crane on PATH: tag and digest are
// written together and still pass the checks; a tag without a patch
// release, a bad digest or an image of another Go release changes nothing.
func TestBuilderImageScriptMovesThePin(t *testing.T) {
	dir := t.TempDir()
	file := goimageCopy(t, dir, "", "")
	const next = "registry.example/golang:1.27.0-bookworm"
	first, rebuilt := "sha256:"+strings.Repeat("4f", 32), "sha256:"+strings.Repeat("6a", 32)
	answers := map[string]string{
		"digest " + next: first,
		"config --platform linux/amd64 " + next + "@" + first:                              imageConfig("1.27.0"),
		"digest registry.example/golang:1.28.0-bookworm":                                   "not-a-digest",
		"digest registry.example/golang:1.28.1-bookworm":                                   rebuilt,
		"config --platform linux/amd64 registry.example/golang:1.28.1-bookworm@" + rebuilt: imageConfig("1.28.0"),
	}
	bin, log := craneStandIn(t, dir, answers)
	if out, err := builderImageScript(t, file, bin, "--update", next); err != nil {
		t.Fatalf("update: %v\n%s", err, out)
	}
	moved, _ := os.ReadFile(file)
	tag, pin := constant(t, moved, "DefaultGoImageTag"), constant(t, moved, "DefaultGoImageDigest")
	if tag != next || pin != first {
		t.Fatalf("after the update: tag %q digest %q", tag, pin)
	}
	if err := CheckDefaultGoImage(tag, pin); err != nil {
		t.Fatal(err)
	}
	if err := CheckBuilderGo(tag, pin, map[string][]byte{"go.mod": []byte("module example.com/app\n\ngo 1.27\n")}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct{ tag, say string }{
		{"registry.example/golang:1.28-bookworm", "names no Go patch release"},
		{"registry.example/golang:1.28.0-bookworm", "not a sha256 digest"},
		{"registry.example/golang:1.28.1-bookworm", `GOLANG_VERSION is "1.28.0", the tag names Go 1.28.1`},
		{"registry.example/golang:1.29.0-bookworm", "could not resolve registry.example/golang:1.29.0-bookworm"},
	} {
		if out, err := builderImageScript(t, file, bin, "--update", c.tag); err == nil || !strings.Contains(out, c.say) {
			t.Errorf("--update %s: %v, want a refusal saying %q\n%s", c.tag, err, c.say, out)
		}
		if again, _ := os.ReadFile(file); string(again) != string(moved) {
			t.Fatalf("the refused --update %s changed the file", c.tag)
		}
	}
	if b, _ := os.ReadFile(log); strings.Contains(string(b), "1.28-bookworm") {
		t.Errorf("a tag without a patch release was resolved anyway:\n%s", b)
	}

	// Without a tag, --update follows a rebuild of the same Go release.
	answers["digest "+next] = rebuilt
	answers["config --platform linux/amd64 "+next+"@"+rebuilt] = imageConfig("1.27.0")
	bin, _ = craneStandIn(t, dir, answers)
	if out, err := builderImageScript(t, file, bin, "--update"); err != nil {
		t.Fatalf("update without a tag: %v\n%s", err, out)
	}
	again, _ := os.ReadFile(file)
	if tag, pin := constant(t, again, "DefaultGoImageTag"), constant(t, again, "DefaultGoImageDigest"); tag != next || pin != rebuilt {
		t.Fatalf("after the update without a tag: tag %q digest %q", tag, pin)
	}
}

// constant reads a string constant's value from Go source.
func constant(t *testing.T, src []byte, name string) string {
	t.Helper()
	for _, line := range strings.Split(string(src), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == name {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	t.Fatalf("no constant %s", name)
	return ""
}
