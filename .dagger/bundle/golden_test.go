package bundle

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden renders both modes and compares every artifact with its golden
// file; run `go test -run TestGolden -update` after an intended change.
func TestGolden(t *testing.T) {
	for _, mode := range []Mode{ModePipeline, ModeDirect} {
		t.Run(string(mode), func(t *testing.T) {
			files := mustRender(t, validInput(t, mode)).Files()
			if len(files) != 4 {
				t.Fatalf("got %d files, want 4", len(files))
			}
			for name, got := range files {
				path := filepath.Join("testdata", "golden", string(mode), name)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s (run with -update if intended)\n--- got\n%s\n--- want\n%s", name, path, got, want)
				}
			}
		})
	}
}

// TestGoldenFilesValidate checks the committed golden files with
// ValidateFiles, so they stay examples of valid bundles.
func TestGoldenFilesValidate(t *testing.T) {
	for _, mode := range []Mode{ModePipeline, ModeDirect} {
		files := map[string][]byte{}
		for _, name := range []string{FileImageDetail, FileTaskDef, FileAppSpec, FileRelease} {
			data, err := os.ReadFile(filepath.Join("testdata", "golden", string(mode), name))
			if err != nil {
				t.Fatal(err)
			}
			files[name] = data
		}
		if err := ValidateFiles(files, mode); err != nil {
			t.Errorf("%s golden files: %v", mode, err)
		}
		other := ModeDirect
		if mode == ModeDirect {
			other = ModePipeline
		}
		if err := ValidateFiles(files, other); err == nil {
			t.Errorf("%s golden files passed validation as %s", mode, other)
		}
	}
}

// TestRenderIsDeterministic renders the same input twice (maps included) and
// expects identical bytes.
func TestRenderIsDeterministic(t *testing.T) {
	for _, mode := range []Mode{ModePipeline, ModeDirect} {
		a := mustRender(t, validInput(t, mode)).Files()
		for i := 0; i < 20; i++ {
			b := mustRender(t, validInput(t, mode)).Files()
			for name := range a {
				if !bytes.Equal(a[name], b[name]) {
					t.Fatalf("%s %s differs between two renders", mode, name)
				}
			}
		}
	}
}
