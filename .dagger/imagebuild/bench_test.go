package imagebuild

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// BenchmarkBuildAndWriteLayout is what every build adds on top of `go build`:
// assembling a one-platform image around a real Go binary (the toolchain's
// gofmt) and writing its layout tar. It reports the tar's size.
func BenchmarkBuildAndWriteLayout(b *testing.B) {
	binary, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "bin", "gofmt"))
	if err != nil {
		b.Skipf("no gofmt binary to measure with: %v", err)
	}
	spec := Spec{
		OS: "linux", Architecture: "amd64", Created: time.Unix(0, 0),
		Files:  []File{{Path: "/app", Mode: 0o555, Data: binary}, {Path: "/etc/passwd", Mode: 0o444, Data: []byte("root:x:0:0::/:/sbin/nologin\n")}},
		Config: v1.Config{Entrypoint: []string{"/app"}},
	}
	var size int64
	b.ReportAllocs()
	for b.Loop() {
		img, err := Build(spec)
		if err != nil {
			b.Fatal(err)
		}
		w := &countingWriter{}
		if _, err := WriteLayout(w, img); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(len(binary)), "binary-bytes")
	b.ReportMetric(float64(size), "layout-bytes")
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)
