package buildplan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDefaultGoImageBuildsTheProject holds the pinned builder against the
// repository's own go.mod files: its tag names a Go release, to the patch
// when a digest is pinned, and no go line the builder compiles is newer.
func TestDefaultGoImageBuildsTheProject(t *testing.T) {
	mods := map[string][]byte{}
	for _, rel := range BuilderGoModules {
		b, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(rel)))
		if err != nil {
			t.Fatalf("%s is compiled by the builder but cannot be read: %v", rel, err)
		}
		mods[rel] = b
	}
	if err := CheckBuilderGo(DefaultGoImageTag, DefaultGoImageDigest, mods); err != nil {
		t.Fatal(err)
	}
}

// The deployment check function is built from .dagger/go.mod in the
// builder (hookAsset builds lambdabuild.Package there), so that go.mod must
// be among the checked ones, as the app's must.
func TestBuilderGoModulesNameTheBuiltModules(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "cmd", "ecs-lifecycle-hook")); err != nil {
		t.Fatalf("the deployment check function moved: %v", err)
	}
	for _, want := range []string{"go.mod", ".dagger/go.mod"} {
		if !slices.Contains(BuilderGoModules, want) {
			t.Errorf("BuilderGoModules = %v lacks %s", BuilderGoModules, want)
		}
	}
}

func TestTagGoVersion(t *testing.T) {
	for tag, want := range map[string]struct {
		v    string
		full bool
	}{
		"registry.example/docker/library/golang:1.26.8-bookworm": {"1.26.8", true},
		"golang:1.26.8":                         {"1.26.8", true},
		"golang:1.27.0-alpine3.22":              {"1.27.0", true},
		"localhost:5000/golang:1.26.10":         {"1.26.10", true},
		"registry.example/golang:1.26-bookworm": {"1.26", false},
	} {
		v, full, err := TagGoVersion(tag)
		if err != nil || v != want.v || full != want.full {
			t.Errorf("TagGoVersion(%q) = %q, %v, %v; want %q, %v", tag, v, full, err, want.v, want.full)
		}
	}
	for _, tag := range []string{
		"golang:latest", "golang:bookworm", "golang:1-bookworm", "golang:1.26rc1-bookworm",
		"golang", "registry.example/go:1.26.8-bookworm", "registry.example/golang-custom:1.26.8",
		"golang:1.26.8-bookworm@sha256:" + strings.Repeat("a", 64), "golang:v1.26.8", "golang:1.26.8-",
	} {
		if v, _, err := TagGoVersion(tag); err == nil {
			t.Errorf("TagGoVersion(%q) = %q, want an error", tag, v)
		}
	}
}

func TestCheckBuilderGo(t *testing.T) {
	digest := "sha256:" + strings.Repeat("4f", 32)
	mod := func(goLine string) []byte {
		return []byte("module example.com/app\n\ngo " + goLine + "\n\ntoolchain go1.99.0\n")
	}
	cases := []struct {
		name, tag, digest string
		mods              map[string][]byte
		wantErr           string // "" when the check passes
	}{
		{"older and equal go lines", "golang:1.26.8-bookworm", digest,
			map[string][]byte{"go.mod": mod("1.26"), ".dagger/go.mod": mod("1.26.8"), "infra/go.mod": mod("1.25.3")}, ""},
		{"a release candidate line of the same minor", "golang:1.26.8-bookworm", digest,
			map[string][]byte{"go.mod": mod("1.26rc2")}, ""},
		{"unpinned minor tag, same minor with a patch", "golang:1.26-bookworm", "",
			map[string][]byte{"go.mod": mod("1.26.3")}, ""},
		{"a newer patch than the builder", "golang:1.26.8-bookworm", digest,
			map[string][]byte{"go.mod": mod("1.26"), ".dagger/go.mod": mod("1.26.9")}, ".dagger/go.mod needs go 1.26.9"},
		{"a newer minor than the builder", "golang:1.26.8-bookworm", digest,
			map[string][]byte{"go.mod": mod("1.27")}, "go.mod needs go 1.27"},
		{"unpinned minor tag, newer minor", "golang:1.26-bookworm", "",
			map[string][]byte{"infra/go.mod": mod("1.27.0")}, "infra/go.mod needs go 1.27.0"},
		{"a pinned digest beside a minor tag", "golang:1.26-bookworm", digest,
			map[string][]byte{"go.mod": mod("1.26")}, "no patch release"},
		{"a tag naming no Go version", "golang:bookworm", digest,
			map[string][]byte{"go.mod": mod("1.26")}, "names no Go version"},
		{"another image", "registry.example/builder:1.26.8", digest,
			map[string][]byte{"go.mod": mod("1.26")}, "not a golang image tag"},
		{"no go line", "golang:1.26.8-bookworm", digest,
			map[string][]byte{"go.mod": []byte("module example.com/app\n")}, "go.mod has no go line"},
		{"an unparsable go.mod", "golang:1.26.8-bookworm", digest,
			map[string][]byte{"go.mod": []byte("module example.com/app\ngo 1.26\ngo 1.27\n")}, "go.mod:"},
	}
	for _, c := range cases {
		err := CheckBuilderGo(c.tag, c.digest, c.mods)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.wantErr != "" && err == nil:
			t.Errorf("%s: accepted", c.name)
		case c.wantErr != "" && !strings.Contains(err.Error(), c.wantErr):
			t.Errorf("%s: error %q does not say %q", c.name, err, c.wantErr)
		}
	}
	// Every disagreeing file is named, not only the first.
	err := CheckBuilderGo("golang:1.26.8", digest, map[string][]byte{"go.mod": mod("1.27"), "infra/go.mod": mod("1.26.9"), ".dagger/go.mod": mod("1.26.1")})
	if err == nil || !strings.Contains(err.Error(), "go.mod needs go 1.27") || !strings.Contains(err.Error(), "infra/go.mod needs go 1.26.9") || strings.Contains(err.Error(), ".dagger/go.mod") {
		t.Errorf("two newer go lines: %v", err)
	}
}
