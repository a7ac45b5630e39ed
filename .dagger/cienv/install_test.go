package cienv

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/internal/testtool"
)

// fakeDagger is the binary inside the stand-in release archive.
const fakeDagger = "#!/bin/sh\necho \"dagger v" + pinnedDagger + " (stand-in)\"\n"

// releaseArchive is a dagger_v<version>_linux_<arch>.tar.gz holding one file.
func releaseArchive(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// installPhase runs the buildspec's install phase in a scratch checkout with
// the release downloads served from files on loopback.
func installPhase(t *testing.T, files map[string][]byte, env ...string) (out string, bin string, err error) {
	t.Helper()
	bash := testtool.Require(t, "bash")
	for _, tool := range []string{"curl", "sha256sum", "tar", "awk"} {
		testtool.Require(t, tool)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	b, err := LoadBuildspec(buildspecPath)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	script, err := os.ReadFile("../../buildspec/install-dagger.sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(work, "buildspec"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "buildspec", "install-dagger.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	// CodeBuild runs a phase's commands in one shell and stops at the first failure.
	cmd := exec.Command(bash, "-e", "-c", strings.Join(b.Phases["install"].Commands, "\n"))
	cmd.Dir = work
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + work,
		"DAGGER_VERSION=" + b.Env.Variables["DAGGER_VERSION"],
		"DAGGER_RELEASES=" + srv.URL + "/releases",
	}, env...)
	o, err := cmd.CombinedOutput()
	return string(o), filepath.Join(work, "bin", "dagger"), err
}

func TestInstallVerifiesTheReleaseArchive(t *testing.T) {
	arch := runtime.GOARCH
	name := "dagger_v" + pinnedDagger + "_linux_" + arch + ".tar.gz"
	dir := "/releases/v" + pinnedDagger + "/"
	archive := releaseArchive(t, "dagger", fakeDagger)
	good := []byte(sum(string(archive)) + "  " + name + "\n" + strings.Repeat("0", 64) + "  dagger_v" + pinnedDagger + "_darwin_arm64.tar.gz\n")

	out, bin, err := installPhase(t, map[string][]byte{dir + name: archive, dir + "checksums.txt": good})
	if err != nil {
		t.Fatalf("install failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "dagger v"+pinnedDagger+" (stand-in)") || !strings.Contains(out, "verified") {
		t.Errorf("the installed CLI did not run:\n%s", out)
	}
	if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("./bin/dagger not installed executable: %v", err)
	}
	// A pin equal to the published checksum passes.
	if out, _, err := installPhase(t, map[string][]byte{dir + name: archive, dir + "checksums.txt": good}, "DAGGER_SHA256="+sum(string(archive))); err != nil {
		t.Fatalf("matching pin refused: %v\n%s", err, out)
	}

	tampered := releaseArchive(t, "dagger", "#!/bin/sh\necho owned\n")
	cases := []struct {
		name  string
		files map[string][]byte
		env   []string
		want  string
	}{
		{"archive does not match the published checksum", map[string][]byte{dir + name: tampered, dir + "checksums.txt": good}, nil, "refusing to install it"},
		{"no checksum published for the archive", map[string][]byte{dir + name: archive, dir + "checksums.txt": []byte(sum("x") + "  other.tar.gz\n")}, nil, "lists no SHA-256 for " + name},
		{"no checksums file", map[string][]byte{dir + name: archive}, nil, "could not download"},
		{"no archive", map[string][]byte{dir + "checksums.txt": good}, nil, "could not download"},
		{"pin differs from the published checksum", map[string][]byte{dir + name: archive, dir + "checksums.txt": good}, []string{"DAGGER_SHA256=" + sum("other")}, "differs from the pinned DAGGER_SHA256"},
		{"archive without the binary", map[string][]byte{dir + name: releaseArchive(t, "README", "x"), dir + "checksums.txt": []byte(sum(string(releaseArchive(t, "README", "x"))) + "  " + name + "\n")}, nil, "holds no dagger binary"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, bin, err := installPhase(t, c.files, c.env...)
			if err == nil {
				t.Fatalf("install succeeded:\n%s", out)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output lacks %q:\n%s", c.want, out)
			}
			if strings.Contains(out, "owned") {
				t.Error("the unverified binary ran")
			}
			if _, err := os.Stat(bin); err == nil {
				t.Error("a dagger binary was installed although verification failed")
			}
		})
	}
}
