package buildplan

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestImageStaysWithinBinaryPlus3MB builds the real app binary the way the
// image does and packs the root filesystem into a gzipped layer, as an OCI
// image stores it: the layer must stay under binary size + 3 MB.
// buildApp compiles the real app for this machine's architecture, the way
// the image build does, and returns the binary's path.
func buildApp(t *testing.T, version string) string {
	t.Helper()
	return buildAppIn(t, "../..", version, runtime.GOARCH)
}

// buildAppIn compiles the app of the module in dir for linux/arch.
func buildAppIn(t *testing.T, dir, version, arch string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "app")
	args := GoBuildArgs(version, "./app", bin)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestImageStaysWithinBinaryPlus3MB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app")
	}
	certs := CACertPath
	if _, err := os.Stat(certs); err != nil {
		t.Skipf("no CA bundle at %s on this machine to measure with", certs)
	}
	bin := buildApp(t, "measure")
	binInfo, _ := os.Stat(bin)

	var layer bytes.Buffer
	gz := gzip.NewWriter(&layer)
	tw := tar.NewWriter(gz)
	var unpacked int64
	for _, e := range RootFS() {
		data := []byte(e.Content)
		if e.From != "" {
			src := e.From
			if e.From == BuilderBinary {
				src = bin
			}
			var err error
			if data, err = os.ReadFile(src); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.WriteHeader(&tar.Header{Name: e.Path[1:], Mode: int64(e.Mode), Size: int64(len(data)), Uid: 0, Gid: 0}); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(data)
		unpacked += int64(len(data))
	}
	_ = tw.Close()
	_ = gz.Close()

	limit := binInfo.Size() + 3<<20
	t.Logf("binary %d bytes; image content %d bytes unpacked, %d bytes as a gzipped layer; limit %d", binInfo.Size(), unpacked, layer.Len(), limit)
	if unpacked >= limit || int64(layer.Len()) >= limit {
		t.Fatalf("image (%d unpacked, %d packed) exceeds binary + 3 MB (%d)", unpacked, layer.Len(), limit)
	}
}
