package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusFiles reads one corpus set's artifact files.
func corpusFiles(t *testing.T, name string) map[string][]byte {
	t.Helper()
	dir := filepath.Join("testdata/corpus", name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.Name() != "expect.txt" {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[e.Name()] = data
		}
	}
	return files
}

func TestRulesAreDocumented(t *testing.T) {
	ownFormat := map[string]bool{"release-json": true, "release-consistency": true} // this module's own file
	for _, r := range Rules() {
		if r.Summary == "" {
			t.Errorf("rule %s has no summary", r.Name)
		}
		if r.Class != ClassAWS && r.Class != ClassPolicy {
			t.Errorf("rule %s has class %q", r.Name, r.Class)
		}
		if !ownFormat[r.Name] && !strings.HasPrefix(r.Doc, "https://docs.aws.amazon.com/") {
			t.Errorf("rule %s cites no AWS documentation page: %q", r.Name, r.Doc)
		}
	}
}

func TestModeInference(t *testing.T) {
	cases := []struct {
		set, want, why string
	}{
		{"valid-fargate-pipeline", "pipeline", "is a placeholder"},
		{"valid-appspec-yml-only", "pipeline", "TaskDefinition is the placeholder <TASK_DEFINITION>"},
		{"valid-fargate-direct-full", "direct", "not a placeholder"},
		{"valid-ec2-none-taskdef-only", "direct", "no placeholders"},
	}
	for _, tc := range cases {
		rep := Check(corpusFiles(t, tc.set), CheckOptions{})
		if string(rep.Mode) != tc.want || !strings.Contains(rep.ModeReason, tc.why) {
			t.Errorf("%s: mode %s (%s); want %s (%s)", tc.set, rep.Mode, rep.ModeReason, tc.want, tc.why)
		}
	}
	files := corpusFiles(t, "valid-fargate-pipeline")
	delete(files, FileTaskDef)
	delete(files, FileAppSpec)
	if rep := Check(files, CheckOptions{}); rep.Mode != ModePipeline || !strings.Contains(rep.ModeReason, "imageDetail.json is present") {
		t.Errorf("imageDetail.json alone: mode %s (%s)", rep.Mode, rep.ModeReason)
	}
	if rep := Check(files, CheckOptions{Mode: ModeDirect}); rep.Mode != ModeDirect || rep.ModeReason != "" {
		t.Errorf("given mode: %s (%q)", rep.Mode, rep.ModeReason)
	}
}

func TestPolicyDecidesSeverity(t *testing.T) {
	files := corpusFiles(t, "valid-taskdef-only-with-warnings")
	for policy, want := range map[Policy][2]int{PolicyStrict: {2, 0}, PolicyWarn: {0, 2}, "": {0, 2}, PolicyOff: {0, 0}} {
		rep := Check(files, CheckOptions{Policy: policy})
		if got := [2]int{rep.Errors(), rep.Warnings()}; got != want {
			t.Errorf("policy %q: errors, warnings = %v; want %v", policy, got, want)
		}
	}
	if _, err := ParsePolicy("lax"); err == nil || !strings.Contains(err.Error(), `"strict", "warn" or "off"`) {
		t.Errorf("ParsePolicy(lax) = %v", err)
	}
}

// TestCheckReportsEveryProblem puts several defects in one set and expects
// each, in file order.
func TestCheckReportsEveryProblem(t *testing.T) {
	files := corpusFiles(t, "valid-fargate-pipeline")
	files[FileTaskDef] = bytes.Replace(files[FileTaskDef], []byte(`"family": "orders-api"`), []byte(`"family": "orders.api"`), 1)
	files[FileTaskDef] = bytes.Replace(files[FileTaskDef], []byte(`"interval": 15`), []byte(`"interval": 500`), 1)
	files[FileAppSpec] = bytes.Replace(files[FileAppSpec], []byte("version: 0.0"), []byte("version: 1"), 1)
	rep := Check(files, CheckOptions{})
	var rules []string
	for _, f := range rep.Findings {
		rules = append(rules, f.File+":"+f.Rule)
	}
	want := "appspec.yaml:appspec-version taskdef.json:family-format taskdef.json:health-check"
	if got := strings.Join(rules, " "); got != want {
		t.Fatalf("findings %s; want %s", got, want)
	}
}

func TestArtifactKind(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"dist/appspec.yml", "", FileAppSpec},
		{"appspec.json", "", FileAppSpec},
		{"task-definition.json", "", FileTaskDef},
		{"prod.json", `{"family": "x", "containerDefinitions": []}`, FileTaskDef},
		{"deploy.yaml", "version: 0.0\nresources:\n", FileAppSpec},
		{"image.json", `{"ImageURI": "x"}`, FileImageDetail},
		{"images.json", `[{"name": "a", "imageUri": "b"}]`, FileImageDefinitions},
		{"README.md", "# hello", ""},
	}
	for _, tc := range cases {
		if got, _ := ArtifactKind(tc.name, []byte(tc.data)); got != tc.want {
			t.Errorf("ArtifactKind(%s) = %q; want %q", tc.name, got, tc.want)
		}
	}
}

// TestClassifyByContent: files are taken for what they hold whatever their
// names; what is none of them says why.
func TestClassifyByContent(t *testing.T) {
	cases := []struct{ name, data, kind, platform string }{
		{"taskdef-prod.json", `{"family": "x", "containerDefinitions": []}`, FileTaskDef, ""},
		{"appspec-bg.yml", "version: 0.0\nResources:\n  - TargetService: {}\n", FileAppSpec, PlatformECS},
		{"deploy.json", `{"version": 0.0, "Resources": []}`, FileAppSpec, PlatformECS},
		{"appspec.yml", "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /opt/app\n", FileAppSpec, PlatformServer},
		{"lambda.yaml", "version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties: {Name: f, Alias: live, CurrentVersion: 1, TargetVersion: 2}\n", FileAppSpec, PlatformLambda},
		{"docker-compose.yml", "version: \"3.8\"\nservices:\n  web:\n    image: nginx\n", "", ""},
		{"package.json", `{"name": "web", "version": "1.0.0"}`, "", ""},
		{"out.json", `{"ImageURI": "r/x@sha256:1"}`, FileImageDetail, ""},
		{"images.json", `[{"name": "web", "imageUri": "r/x:1"}]`, FileImageDefinitions, ""},
		{"summary.json", `{"mode": "direct", "taskFamily": "x", "files": {}}`, FileRelease, ""},
		{"taskdef-broken.json", `{"family": `, FileTaskDef, ""},
		{"notes.yaml", "a: [", "", ""},
	}
	for _, tc := range cases {
		c := Classify(tc.name, []byte(tc.data))
		if c.Kind != tc.kind || c.Platform != tc.platform || (c.Kind == "" && c.Why == "") {
			t.Errorf("Classify(%s) = %+v; want kind %q platform %q", tc.name, c, tc.kind, tc.platform)
		}
	}
}
