package buildplan

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"dagger/ecs-bluegreen/imagebuild"
)

// TestImageFromLayoutRuns builds the real app for this machine, assembles the
// image, writes the layout tar, reads the image back from it, extracts the
// root filesystem and runs /app from it: the page and /healthz must answer.
func TestImageFromLayoutRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app")
	}
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skipf("the image is linux/amd64 or linux/arm64; this machine is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	work := t.TempDir()
	binary, _ := os.ReadFile(buildApp(t, "runs1"))
	labels, _ := Labels("app", "runs1", "")
	p := Platform{"linux", runtime.GOARCH}
	created, _ := SourceDate(0)
	img, err := imagebuild.Build(ImageSpec(p, binary, []byte("certs\n"), labels, created, DefaultPort))
	if err != nil {
		t.Fatal(err)
	}
	var tarball bytes.Buffer
	digest, err := imagebuild.WriteLayout(&tarball, img)
	if err != nil {
		t.Fatal(err)
	}

	back := readLayoutImage(t, tarball.Bytes(), digest)
	cf, _ := back.ConfigFile()
	if cf.Config.User != "65532:65532" || strings.Join(cf.Config.Entrypoint, " ") != BinaryPath || cf.Config.Labels["org.opencontainers.image.revision"] != "runs1" {
		t.Fatalf("config = %+v", cf.Config)
	}
	root := filepath.Join(work, "rootfs")
	extract(t, back, root)
	for _, e := range RootFS() {
		if _, err := os.Stat(filepath.Join(root, e.Path)); err != nil {
			t.Errorf("image lacks %s: %v", e.Path, err)
		}
	}

	port := freePort(t)
	app := exec.Command(filepath.Join(root, "app"))
	app.Env = []string{"PORT=" + port}
	if err := app.Start(); err != nil {
		t.Fatalf("the binary from the image does not start: %v", err)
	}
	t.Cleanup(func() { _ = app.Process.Kill(); _ = app.Wait() })
	for _, path := range []string{"/healthz", "/"} {
		body := get(t, "http://127.0.0.1:"+port+path)
		if path == "/" && !strings.Contains(body, "runs1") {
			t.Errorf("page does not show the stamped version:\n%s", body)
		}
	}
}

// TestAppImageDigestDependsOnlyOnTheInputs builds the real app from two
// copies of its source in different directories, as two machines would, and
// assembles both images: the layout tars must be identical. A different
// version or platform must give another digest. The digests are logged.
func TestAppImageDigestDependsOnlyOnTheInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app four times")
	}
	image := func(dir, version, arch string) ([]byte, v1.Hash) {
		binary, err := os.ReadFile(buildAppIn(t, dir, version, arch))
		if err != nil {
			t.Fatal(err)
		}
		labels, _ := Labels("ecs-bluegreen app", version, "")
		created, _ := SourceDate(0)
		img, err := imagebuild.Build(ImageSpec(Platform{"linux", arch}, binary, []byte("certs\n"), labels, created, DefaultPort))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		d, err := imagebuild.WriteLayout(&buf, img)
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes(), d
	}
	var copies []string
	for range 2 {
		dir := t.TempDir()
		if err := os.CopyFS(filepath.Join(dir, "app"), os.DirFS("../../app")); err != nil {
			t.Fatal(err)
		}
		gomod, _ := os.ReadFile("../../go.mod")
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, dir)
	}
	a, da := image(copies[0], "abc1234", "amd64")
	b, db := image(copies[1], "abc1234", "amd64")
	t.Logf("linux/amd64 abc1234: %s (build in %s) and %s (build in %s)", da, copies[0], db, copies[1])
	if da != db || !bytes.Equal(a, b) {
		t.Fatalf("the same source in two directories gave %s and %s", da, db)
	}
	_, dv := image(copies[1], "def5678", "amd64")
	_, dp := image(copies[0], "abc1234", "arm64")
	t.Logf("version def5678: %s; linux/arm64: %s", dv, dp)
	if dv == da || dp == da || dv == dp {
		t.Fatalf("version or platform did not change the digest: %s %s %s", da, dv, dp)
	}
}

// readLayoutImage reads the image index.json names back from a layout tar.
func readLayoutImage(t *testing.T, b []byte, digest v1.Hash) v1.Image {
	t.Helper()
	idx, err := imagebuild.ReadLayout(bytes.NewReader(b), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	img, err := idx.Image(digest)
	if err != nil {
		t.Fatalf("layout does not hold %s: %v", digest, err)
	}
	return img
}

// extract writes the image's flattened root filesystem under root.
func extract(t *testing.T, img v1.Image, root string) {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(root, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			_ = os.MkdirAll(target, 0o755)
			continue
		}
		_ = os.MkdirAll(filepath.Dir(target), 0o755)
		data, _ := io.ReadAll(tr)
		// Owner write is added so the test can clean up; execute bits stay as built.
		if err := os.WriteFile(target, data, os.FileMode(h.Mode)|0o200); err != nil {
			t.Fatal(err)
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// get polls url until it answers 200 (the app needs a moment to listen).
func get(t *testing.T, url string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(b)
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestSourceDateAndPlatformList(t *testing.T) {
	d, err := SourceDate(0)
	if err != nil || !d.Equal(time.Unix(0, 0)) {
		t.Fatalf("SourceDate(0) = %v, %v", d, err)
	}
	d, _ = SourceDate(1767225600)
	if d.Format(time.RFC3339) != "2026-01-01T00:00:00Z" {
		t.Fatalf("SourceDate = %v", d)
	}
	if _, err := SourceDate(-1); err == nil || !strings.Contains(err.Error(), "-1") {
		t.Fatalf("negative epoch: %v", err)
	}
	ps, err := ParsePlatforms([]string{"linux/arm64", "amd64", "linux/aarch64"})
	if err != nil || fmt.Sprint(ps) != "[linux/amd64 linux/arm64]" {
		t.Fatalf("ParsePlatforms = %v, %v", ps, err)
	}
	if _, err := ParsePlatforms(nil); err == nil {
		t.Fatal("empty list accepted")
	}
	if _, err := ParsePlatforms([]string{"linux/amd64", "linux/s390x"}); err == nil || !strings.Contains(err.Error(), "linux/s390x") {
		t.Fatalf("bad platform: %v", err)
	}
}

func TestGoImageAndArchitecture(t *testing.T) {
	for ref, pinned := range map[string]bool{
		DefaultGoImageTag: false, // the tag alone follows the tag
		DefaultGoImage():  DefaultGoImageDigest != "",
		"":                DefaultGoImageDigest != "",
		"golang@sha256:" + strings.Repeat("a", 64):               true,
		"golang:1.26-bookworm@sha256:" + strings.Repeat("b", 64): true,
	} {
		g, err := ParseGoImage(ref)
		if err != nil || g.Pinned != pinned {
			t.Errorf("ParseGoImage(%q) = %+v, %v", ref, g, err)
		}
	}
	for _, bad := range []string{"golang@sha256:abc", "UPPER/Case:tag x"} {
		if _, err := ParseGoImage(bad); err == nil || !strings.Contains(err.Error(), "go image") {
			t.Errorf("ParseGoImage(%q) accepted or unclear: %v", bad, err)
		}
	}
	if DigestOf("golang:1@sha256:"+strings.Repeat("c", 64)) != "sha256:"+strings.Repeat("c", 64) || DigestOf("golang:1") != "" {
		t.Error("DigestOf")
	}
	arm := func(a string) error {
		if a != "ARM64" {
			return fmt.Errorf("runs on ARM64, not %s", a)
		}
		return nil
	}
	both, _ := ParsePlatforms([]string{"linux/amd64", "linux/arm64"})
	if err := CheckPlatforms(both, arm); err != nil {
		t.Errorf("index with arm64 refused: %v", err)
	}
	if err := CheckPlatforms(both[:1], arm); err == nil || !strings.Contains(err.Error(), "X86_64") {
		t.Errorf("amd64-only image accepted for ARM64: %v", err)
	}
	if p, err := PlatformFor(arm); err != nil || p.Arch != "arm64" {
		t.Errorf("PlatformFor = %v, %v", p, err)
	}
	if got, err := ReleasePlatforms(nil, false, arm); err != nil || fmt.Sprint(got) != "[linux/arm64]" {
		t.Errorf("default release platform for ARM64 = %v, %v", got, err)
	}
	if got, err := ReleasePlatforms(nil, true, arm); err != nil || got != nil {
		t.Errorf("prebuilt image: %v, %v", got, err)
	}
	if got, err := ReleasePlatforms([]string{"arm64", "linux/amd64"}, false, arm); err != nil || fmt.Sprint(got) != "[linux/amd64 linux/arm64]" {
		t.Errorf("index release = %v, %v", got, err)
	}
	if _, err := ReleasePlatforms([]string{"linux/amd64"}, true, arm); err == nil {
		t.Error("an amd64 image accepted for an ARM64 task definition")
	}
}
