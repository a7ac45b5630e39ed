package buildplan

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDefaultGoImagePinIsConsistent fails when the tag and the digest kept
// together disagree in form (see CheckDefaultGoImage).
func TestDefaultGoImagePinIsConsistent(t *testing.T) {
	if err := CheckDefaultGoImage(DefaultGoImageTag, DefaultGoImageDigest); err != nil {
		t.Fatal(err)
	}
	g, err := ParseGoImage("")
	if err != nil || g.Ref != DefaultGoImage() || g.Pinned != (DefaultGoImageDigest != "") {
		t.Fatalf("the empty --go-image resolves to %+v, %v; want the default %s", g, err, DefaultGoImage())
	}
}

func TestCheckDefaultGoImageRefusesMismatchedForms(t *testing.T) {
	hex := strings.Repeat("0a", 32)
	good := [][2]string{
		{"registry.example/library/golang:1.26-bookworm", ""},
		{"registry.example/library/golang:1.26-bookworm", "sha256:" + hex},
		{"localhost:5000/golang:1.26", "sha256:" + hex},
	}
	for _, c := range good {
		if err := CheckDefaultGoImage(c[0], c[1]); err != nil {
			t.Errorf("CheckDefaultGoImage(%q, %q): %v", c[0], c[1], err)
		}
	}
	bad := [][2]string{
		{"public.ecr.aws/docker/library/golang", ""},                           // no tag
		{"localhost:5000/golang", ""},                                          // a port is no tag
		{"golang:1.26@sha256:" + hex, ""},                                      // digest inside the tag
		{"golang:1.26", "sha256:" + strings.ToUpper(hex)},                      // upper-case hex
		{"golang:1.26", "sha256:" + hex[:63]},                                  // short
		{"golang:1.26", hex},                                                   // no algorithm
		{"golang:1.26", "sha512:" + hex + hex},                                 // another algorithm
		{"golang:1.26", "sha256:" + hex + " "},                                 // trailing space
		{"Golang:1.26", "sha256:" + hex},                                       // not a reference
		{"golang:1.26", "sha256:" + hex + "@sha256:" + hex},                    // two digests
		{"registry.example/library/golang:1.26-bookworm ", "sha256:" + hex},    // space in the tag
		{"registry.example/library/golang:1.26:bookworm", "sha256:" + hex},     // two tags
		{"registry.example/library/golang:1.26-bookworm", "sha256:" + hex[1:]}, // 63 digits
	}
	for _, c := range bad {
		if err := CheckDefaultGoImage(c[0], c[1]); err == nil {
			t.Errorf("CheckDefaultGoImage(%q, %q) accepted", c[0], c[1])
		}
	}
}

// TestDefaultGoImageIsNamedOnce walks the project and fails when any file
// but goimage.go repeats the default builder reference or its digest: a
// second copy would not move with the pin.
func TestDefaultGoImageIsNamedOnce(t *testing.T) {
	root := filepath.Join("..", "..")
	needles := []string{DefaultGoImageTag}
	if DefaultGoImageDigest != "" {
		needles = append(needles, strings.TrimPrefix(DefaultGoImageDigest, "sha256:"))
	}
	self, _ := filepath.Abs("goimage.go")
	skipDirs := map[string]bool{".git": true, "node_modules": true, "cdk.out": true, "dist": true, "bin": true, ".cache": true, "dagger-schema": true}
	var checked int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skipDirs[d.Name()] || (d.Name() == "dagger" && filepath.Base(filepath.Dir(path)) == "internal") {
				return filepath.SkipDir
			}
			return nil
		}
		abs, _ := filepath.Abs(path)
		if abs == self || d.Name() == "dagger.gen.go" || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > 2<<20 {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, n := range needles {
			if strings.Contains(string(data), n) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s repeats the default builder %q: refer to buildplan.DefaultGoImage (or, in docs, to buildplan/goimage.go)", rel, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d files checked: the walk did not reach the project", checked)
	}
}

// Since --go-image has no +default, an empty value means the pinned default:
// a module function that hands the raw argument to Container.From pulls
// the image "" and fails on the engine. Every use goes through GoImageOr
// (or a GoImage already resolved from it).
func TestModuleFunctionsResolveTheBuilderImage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("module sources: %v %v", files, err)
	}
	raw := regexp.MustCompile(`From\(\s*goImage\s*\)`)
	for _, f := range files {
		if strings.HasSuffix(f, ".gen.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := raw.FindIndex(src); loc != nil {
			t.Errorf("%s: Container.From(goImage) takes the raw argument; use buildplan.GoImageOr(goImage)", filepath.Base(f))
		}
	}
}
