package bundle

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFindingsCarryTheLineAndColumnOfTheKey checks positions against the
// corpus files: the offending key itself, a key of an appspec written in
// another case, a list item found by container name, an item a required
// member is missing from, a key holding dots' neighbours, and the place a
// file stops parsing.
func TestFindingsCarryTheLineAndColumnOfTheKey(t *testing.T) {
	cases := []struct {
		set, file, rule string
		line, col       int
	}{
		{"invalid-container-port-too-big", FileTaskDef, "port-range", 36, 11},             // "containerPort": 70000
		{"invalid-awslogs-create-group-yes", FileTaskDef, "awslogs-options", 24, 11},      // options."awslogs-create-group"
		{"invalid-secret-without-valuefrom", FileTaskDef, "sdk-required", 28, 9},          // the secrets[0] object lacking valueFrom
		{"invalid-taskdef-not-json", FileTaskDef, "taskdef-json", 3, 3},                   // the member after a missing comma
		{"invalid-appspec-bad-yaml", FileAppSpec, "appspec-syntax", 3, 1},                 // YAML's error line
		{"invalid-appspec-lambda-type", FileAppSpec, "appspec-resources", 4, 7},           // Type under Resources[0].TargetService
		{"invalid-appspec-key-twice-any-case", FileAppSpec, "appspec-shape", 10, 11},      // the second containerPort
		{"invalid-imagedetail-wrong-case", FileImageDetail, "imagedetail-json", 2, 3},     // the object ImageURI is missing from
		{"invalid-appspec-port-not-mapped", FileAppSpec, "appspec-container-port", 9, 11}, // ContainerPort
		{"invalid-dir-two-appspecs-one-wrong", "appspec-linear.yaml", "appspec-container-port", 8, 11},
	}
	for _, tc := range cases {
		t.Run(tc.set, func(t *testing.T) {
			files := readSet(t, "testdata/corpus/"+tc.set)
			rep := Check(files, CheckOptions{Policy: PolicyStrict})
			for _, f := range rep.Findings {
				if f.Rule == tc.rule && f.File == tc.file {
					if f.Line != tc.line || f.Column != tc.col {
						t.Fatalf("%s at %d:%d; want %d:%d", f.String(), f.Line, f.Column, tc.line, tc.col)
					}
					return
				}
			}
			t.Fatalf("no [%s] finding in %s; got:\n%s", tc.rule, tc.file, findingLines(rep))
		})
	}
}

// TestAppSpecKeysInAnotherCaseAreLocated: the finding names the canonical
// key (LoadBalancerInfo); the file writes loadBalancerInfo.
func TestAppSpecKeysInAnotherCaseAreLocated(t *testing.T) {
	files := readSet(t, "testdata/corpus/valid-appspec-json-lowercase-keys")
	rep := Check(files, CheckOptions{})
	if len(rep.Findings) != 0 {
		t.Fatalf("valid set has findings:\n%s", findingLines(rep))
	}
	for name, data := range files {
		if kind, _ := ArtifactKind(name, data); kind != FileAppSpec {
			continue
		}
		root := parsePositions(data)
		line, col := position(root.Content[0], "Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort")
		if line != 11 || col != 13 { // "containerPort": 7000
			t.Fatalf("ContainerPort located at %d:%d in %s; want 11:13", line, col, name)
		}
	}
}

func readSet(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.Name() == "expect.txt" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}
