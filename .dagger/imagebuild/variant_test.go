package imagebuild

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestVariantSelectsTheArm64Manifest builds an index of amd64 and arm64/v8
// images and selects a child the way `crane digest --platform` does
// (v1.Platform.Satisfies): linux/arm64/v8 and linux/arm64 find the arm64
// image, linux/amd64 the other.
func TestVariantSelectsTheArm64Manifest(t *testing.T) {
	arm := testSpec("arm64")
	arm.Variant = "v8"
	amd, _ := Build(testSpec("amd64"))
	armImg, err := Build(arm)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := armImg.ConfigFile()
	if cf.Variant != "v8" {
		t.Fatalf("config variant %q", cf.Variant)
	}
	idx, err := Index(amd, armImg)
	if err != nil {
		t.Fatal(err)
	}
	manifests, _ := Platforms(idx)
	armDigest, _ := armImg.Digest()
	for spec, want := range map[string]string{"linux/arm64/v8": "arm64", "linux/arm64": "arm64", "linux/amd64": "amd64"} {
		p, err := v1.ParsePlatform(spec)
		if err != nil {
			t.Fatal(err)
		}
		var found []v1.Descriptor
		for _, m := range manifests {
			if m.Platform != nil && m.Platform.Satisfies(*p) {
				found = append(found, m)
			}
		}
		if len(found) != 1 || found[0].Platform.Architecture != want {
			t.Errorf("--platform %s selects %+v, want the %s image", spec, found, want)
		}
		if want == "arm64" && len(found) == 1 && found[0].Digest != armDigest {
			t.Errorf("--platform %s selects %s, not the arm64 image %s", spec, found[0].Digest, armDigest)
		}
	}
	d, _ := Describe(armImg)
	if d.Platform == nil || d.Platform.String() != "linux/arm64/v8" {
		t.Errorf("descriptor platform %v", d.Platform)
	}
}

// TestDirectoriesKeepTheirMode checks an empty /tmp with mode 1777 is in the
// layer as a directory owned by root, sticky bit included, and that bad
// directories are refused naming the problem.
func TestDirectoriesKeepTheirMode(t *testing.T) {
	s := testSpec("amd64")
	s.Dirs = []Dir{{Path: "/tmp", Mode: 0o777 | fs.ModeSticky}, {Path: "/var/cache/app", Mode: 0o700}}
	img, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	rc, _ := layers[0].Uncompressed()
	defer rc.Close()
	tr := tar.NewReader(rc)
	got := map[string]*tar.Header{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h
	}
	tmp := got["tmp/"]
	if tmp == nil || tmp.Typeflag != tar.TypeDir || tmp.Mode != 0o1777 || tmp.Uid != 0 || tmp.Gid != 0 {
		t.Fatalf("tmp/ entry %+v", tmp)
	}
	if fi := tmp.FileInfo(); fi.Mode()&fs.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
		t.Errorf("tmp/ reads back as %v", fi.Mode())
	}
	if h := got["var/"]; h == nil || h.Mode != 0o755 {
		t.Errorf("parent var/ %+v", h)
	}
	if h := got["var/cache/app/"]; h == nil || h.Mode != 0o700 {
		t.Errorf("var/cache/app/ %+v", h)
	}
	a, _ := layoutBytes(t, s)
	b, _ := layoutBytes(t, s)
	if !bytes.Equal(a, b) {
		t.Error("the same spec with directories gave different bytes")
	}

	cases := map[string]func(*Spec){
		`"tmp"`:                   func(s *Spec) { s.Dirs = []Dir{{Path: "tmp", Mode: 0o777}} },
		"also as a file":          func(s *Spec) { s.Dirs = []Dir{{Path: "/app", Mode: 0o755}} },
		"the sticky bit only":     func(s *Spec) { s.Dirs = []Dir{{Path: "/tmp", Mode: fs.ModeSetuid | 0o777}} },
		`directory path "/"`:      func(s *Spec) { s.Dirs = []Dir{{Path: "/", Mode: 0o755}} },
		`directory path "/tmp/."`: func(s *Spec) { s.Dirs = []Dir{{Path: "/tmp/.", Mode: 0o755}} },
	}
	for want, change := range cases {
		s := testSpec("amd64")
		change(&s)
		if _, err := Build(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error mentioning %q, got %v", want, err)
		}
	}
}
