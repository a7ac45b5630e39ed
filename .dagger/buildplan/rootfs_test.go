package buildplan

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/imagebuild"
	"dagger/ecs-bluegreen/sbom"
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
	return buildPackage(t, dir, DefaultPackage, version, Platform{"linux", arch})
}

// buildPackage compiles main package pkg of the module in dir for p as the
// builder container does: the same go build arguments (GoBuildArgs), the
// builder's environment (BuilderEnv) and the platform's (GoEnv).
func buildPackage(t *testing.T, dir, pkg, version string, p Platform) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "app")
	args := GoBuildArgs(version, pkg, bin)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	for _, e := range append(append([]EnvVar{}, BuilderEnv...), p.GoEnv()...) {
		cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s in %s: %v\n%s", pkg, dir, err, out)
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

func TestSBOMFilesNameTheCABundlePackage(t *testing.T) {
	status := []byte("Package: ca-certificates\nVersion: 20230311+deb12u1\nArchitecture: all\n")
	files, err := SBOMFiles([]byte("certs"), status, []byte("ID=debian\nVERSION_ID=\"12\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]*sbom.OSPackage{}
	for _, f := range files {
		paths[f.Path] = f.Package
	}
	if len(files) != len(RootFS())-1 {
		t.Fatalf("files %v: want every root file but the binary", paths)
	}
	if p := paths[CACertPath]; p == nil || p.Name != CAPackage || p.Version != "20230311+deb12u1" || p.Distro != "debian" {
		t.Errorf("CA bundle package %+v", p)
	}
	if _, ok := paths["/etc/passwd"]; !ok {
		t.Error("passwd not listed")
	}
	if files, err := SBOMFiles([]byte("certs"), nil, nil); err != nil || files[0].Package != nil {
		t.Errorf("a builder without dpkg: %v %+v", err, files)
	}
	if _, err := SBOMFiles([]byte("certs"), []byte("Package: bash\nVersion: 1\n"), []byte("ID=debian\n")); err == nil || !strings.Contains(err.Error(), CAPackage) {
		t.Errorf("a dpkg database without the CA package: %v", err)
	}
}

// TestAppImageHasTmpAndTheArm64Variant: the spec of each platform's image
// holds /tmp (1777) and declares v8 for arm64 only.
func TestAppImageHasTmpAndTheArm64Variant(t *testing.T) {
	created, _ := SourceDate(0)
	for arch, variant := range map[string]string{"amd64": "", "arm64": "v8"} {
		spec := ImageSpec(Platform{"linux", arch}, []byte("bin"), []byte("certs"), nil, created, DefaultPort)
		if spec.Variant != variant {
			t.Errorf("%s: variant %q, want %q", arch, spec.Variant, variant)
		}
		var tmp bool
		for _, d := range spec.Dirs {
			tmp = tmp || (d.Path == "/tmp" && d.Mode == 0o777|fs.ModeSticky)
		}
		if !tmp {
			t.Errorf("%s: no /tmp with mode 1777 in %+v", arch, spec.Dirs)
		}
		img, err := imagebuild.Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		if cf, _ := img.ConfigFile(); cf.Variant != variant {
			t.Errorf("%s: config variant %q", arch, cf.Variant)
		}
	}
}

// TestSBOMFilesReadARealDpkgDatabase reads this machine's package records
// the way the builder image's are read, when it is Debian-based and has the
// CA package: the bundle's package is found with a version and a purl.
func TestSBOMFilesReadARealDpkgDatabase(t *testing.T) {
	status, err := os.ReadFile("/" + BuilderRecords[0])
	if err != nil {
		t.Skipf("no dpkg database here: %v", err)
	}
	osRelease, err := os.ReadFile("/" + BuilderRecords[1])
	if err != nil || !strings.Contains(string(status), "Package: "+CAPackage+"\n") {
		t.Skip("no os-release or no CA package installed here")
	}
	files, err := SBOMFiles([]byte("certs"), status, osRelease)
	if err != nil {
		t.Fatal(err)
	}
	p := files[0].Package
	if files[0].Path != CACertPath || p == nil || p.Version == "" || p.Distro == "" || !strings.HasPrefix(p.PURL(), "pkg:deb/"+p.Distro+"/ca-certificates@") {
		t.Fatalf("CA bundle %s from %+v", files[0].Path, p)
	}
	t.Logf("CA bundle from %s", p.PURL())
}
