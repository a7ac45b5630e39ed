package validatecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/bundle"
)

const corpus = "../bundle/testdata/corpus/"

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunExitCodes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"valid pipeline set", []string{corpus + "valid-fargate-pipeline"}, ExitOK, "0 errors, 0 warnings", ""},
		{"valid set with warnings", []string{corpus + "valid-taskdef-only-with-warnings"}, ExitOK, "0 errors, 2 warnings", ""},
		{"warnings are errors under strict", []string{"--policy", "strict", corpus + "valid-taskdef-only-with-warnings"}, ExitFindings, "ERROR   ", ""},
		{"policy off hides them", []string{"--policy=off", corpus + "valid-taskdef-only-with-warnings"}, ExitOK, "0 errors, 0 warnings", ""},
		{"invalid set", []string{corpus + "invalid-container-port-too-big"}, ExitFindings,
			"containerDefinitions[xray].portMappings[0].containerPort must be 0–65535, got 70000 [port-range, aws]", ""},
		{"single file", []string{corpus + "invalid-appspec-version-0-1/appspec.yaml"}, ExitFindings, "version must be 0.0, got 0.1", ""},
		{"mode given", []string{"--mode", "direct", corpus + "invalid-direct-mode-placeholder-image"}, ExitFindings, "must be a real image in direct mode", ""},
		{"bad mode", []string{"--mode", "blue", corpus + "valid-fargate-pipeline"}, ExitUsage, "", `mode "blue" is not accepted`},
		{"bad policy", []string{"--policy", "lax", corpus + "valid-fargate-pipeline"}, ExitUsage, "", `policy "lax" is not accepted`},
		{"bad format", []string{"--format", "xml", corpus + "valid-fargate-pipeline"}, ExitUsage, "", `--format "xml" is not accepted`},
		{"unknown flag", []string{"--fast", corpus}, ExitUsage, "", "flag provided but not defined"},
		{"no path", nil, ExitUsage, "", "give at least one PATH"},
		{"missing path", []string{"does-not-exist"}, ExitUsage, "", `PATH "does-not-exist"`},
		{"no artifacts", []string{"."}, ExitUsage, "", "no deployment artifacts"},
		{"rules", []string{"--rules"}, ExitOK, "port-range", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
				t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout with %q, stderr with %q", code, out, errOut, tc.code, tc.out, tc.err)
			}
		})
	}
}

// TestRunJSON decodes the JSON report and checks it carries every finding.
func TestRunJSON(t *testing.T) {
	// Under the default policy (warn) a public IP is a warning: exit 0.
	code, out, _ := run(t, "--format", "json", corpus+"invalid-public-ip-enabled")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Mode     string           `json:"mode"`
		Findings []bundle.Finding `json:"findings"`
		Errors   int              `json:"errors"`
		Warnings int              `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Mode != "direct" || len(rep.Findings) != 1 || rep.Errors != 0 || rep.Warnings != 1 {
		t.Fatalf("unexpected report: %+v", rep)
	}
	if f := rep.Findings[0]; f.Rule != "public-ip" || f.Class != bundle.ClassPolicy || f.Severity != bundle.SeverityWarning ||
		!strings.HasSuffix(f.Field, "AssignPublicIp") || f.Doc == "" || f.Line < 2 || f.Column < 2 {
		t.Fatalf("unexpected report: %+v", rep)
	}
}

// TestRunSniffsContentWhateverTheName names a task definition file by a
// name AWS does not use: given as a file or inside a directory, it is read
// by its content.
func TestRunSniffsContentWhateverTheName(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "prod-task.json")
	copyFile(t, corpus+"invalid-family-with-dot/taskdef.json", odd)
	for _, arg := range []string{odd, dir} {
		if code, out, _ := run(t, arg); code != ExitFindings || !strings.Contains(out, "prod-task.json:2:3: family must be 1-255 letters") {
			t.Fatalf("%s: exit %d:\n%s", arg, code, out)
		}
	}
}

func TestValidateUsageErrorsWrapErrUsage(t *testing.T) {
	_, _, err := Validate(map[string][]byte{"README.md": []byte("# hi")}, Options{})
	if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "README.md") {
		t.Fatalf("err = %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// dirOf builds a directory from corpus files: name in the directory → corpus path.
func dirOf(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, from := range files {
		copyFile(t, corpus+from, filepath.Join(dir, name))
	}
	return dir
}

// TestRunDirectoryTakesEveryFileForWhatItHolds: in a directory every
// *.json, *.yaml and *.yml is checked whatever its name, and "checked:" says
// what each was taken for.
func TestRunDirectoryTakesEveryFileForWhatItHolds(t *testing.T) {
	t.Run("appspec.yaml beside taskdef-prod.json", func(t *testing.T) {
		dir := dirOf(t, map[string]string{
			"appspec.yaml":      "invalid-appspec-port-not-mapped/appspec.yaml",
			"taskdef-prod.json": "invalid-appspec-port-not-mapped/taskdef.json",
		})
		code, out, _ := run(t, dir)
		if code != ExitFindings || !strings.Contains(out, "taskdef-prod.json (task definition)") ||
			!strings.Contains(out, "appspec.yaml (ECS appspec)") || !strings.Contains(out, "[appspec-container-port, aws]") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	t.Run("the only appspec is appspec-bg.yml", func(t *testing.T) {
		dir := dirOf(t, map[string]string{"appspec-bg.yml": "valid-fargate-pipeline/appspec.yaml"})
		code, out, errOut := run(t, dir)
		if code != ExitOK || !strings.Contains(out, "appspec-bg.yml (ECS appspec)") {
			t.Fatalf("exit %d:\n%s%s", code, out, errOut)
		}
	})
	t.Run("an EC2 appspec is taken for one", func(t *testing.T) {
		dir := dirOf(t, map[string]string{"appspec.yml": "invalid-dir-server-appspec/appspec.yml"})
		code, out, _ := run(t, dir)
		if code != ExitOK || !strings.Contains(out, "appspec.yml (EC2/on-premises appspec)") || !strings.Contains(out, "[appspec-not-ecs, policy]") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
}

// TestRunReportsFilesThatAreNoArtifact: a file that is no artifact is a
// warning (exit 0), an error under --strict, and never hidden, not even by
// --policy off.
func TestRunReportsFilesThatAreNoArtifact(t *testing.T) {
	dir := dirOf(t, map[string]string{
		"taskdef.json":     "valid-fargate-pipeline/taskdef.json",
		"appspec.yaml":     "valid-fargate-pipeline/appspec.yaml",
		"settings.json":    "invalid-dir-unrecognized-file/service-info.json",
		"compose.yml":      "invalid-dir-server-appspec/appspec.yml",
		"imageDetail.json": "valid-fargate-pipeline/imageDetail.json",
	})
	if err := os.WriteFile(filepath.Join(dir, "compose.yml"), []byte("services:\n  web:\n    image: nginx\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{nil, ExitOK, "WARNING " + filepath.ToSlash(filepath.Join(dir, "settings.json"))},
		{[]string{"--policy", "off"}, ExitOK, "WARNING " + filepath.ToSlash(filepath.Join(dir, "compose.yml"))},
		{[]string{"--strict"}, ExitFindings, "ERROR   " + filepath.ToSlash(filepath.Join(dir, "settings.json"))},
	}
	for _, tc := range cases {
		code, out, _ := run(t, append(tc.args, dir)...)
		if code != tc.code || !strings.Contains(out, tc.want) || !strings.Contains(out, "[unrecognized-file, policy]") ||
			!strings.Contains(out, "compose.yml (not a deployment artifact)") {
			t.Errorf("%v: exit %d:\n%s", tc.args, code, out)
		}
	}
}

// TestRunChecksEachTaskDefinitionAgainstTheAppSpec: two task definitions
// and one appspec are two sets; a finding only one of them has names it.
func TestRunChecksEachTaskDefinitionAgainstTheAppSpec(t *testing.T) {
	dir := dirOf(t, map[string]string{
		"appspec.yaml":         "invalid-dir-two-taskdefs-one-unmapped/appspec.yaml",
		"taskdef-prod.json":    "invalid-dir-two-taskdefs-one-unmapped/taskdef-prod.json",
		"taskdef-staging.json": "invalid-dir-two-taskdefs-one-unmapped/taskdef-staging.json",
	})
	code, out, _ := run(t, dir)
	staging := filepath.ToSlash(filepath.Join(dir, "taskdef-staging.json"))
	if code != ExitFindings || !strings.Contains(out, "set 2:") ||
		!strings.Contains(out, "(checked with "+staging+")") || strings.Count(out, "ERROR") != 1 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestRunSARIF decodes the SARIF log: version 2.1.0, the rules as the
// driver's rules, and each finding a result with its level and the file,
// line and column of the offending key.
func TestRunSARIF(t *testing.T) {
	dir := dirOf(t, map[string]string{
		"taskdef.json": "invalid-container-port-too-big/taskdef.json",
		"notes.json":   "invalid-dir-unrecognized-file/service-info.json",
	})
	code, out, errOut := run(t, "--format", "sarif", dir)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID      string `json:"id"`
						HelpURI string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string                `json:"ruleId"`
				RuleIndex int                   `json:"ruleIndex"`
				Level     string                `json:"level"`
				Message   struct{ Text string } `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif") || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "ecs-validate" {
		t.Fatalf("not a SARIF 2.1.0 log:\n%s", out)
	}
	run0 := log.Runs[0]
	if len(run0.Tool.Driver.Rules) != len(bundle.Rules()) {
		t.Fatalf("%d rules in the log; want %d", len(run0.Tool.Driver.Rules), len(bundle.Rules()))
	}
	type want struct {
		level, file string
		line, col   int
	}
	wants := map[string]want{
		"port-range":        {"error", "taskdef.json", 36, 11},
		"unrecognized-file": {"warning", "notes.json", 1, 1},
	}
	if len(run0.Results) != len(wants) {
		t.Fatalf("%d results; want %d:\n%s", len(run0.Results), len(wants), out)
	}
	for _, r := range run0.Results {
		w, ok := wants[r.RuleID]
		if !ok || r.Level != w.level || len(r.Locations) != 1 || run0.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID || r.Message.Text == "" {
			t.Fatalf("unexpected result %+v", r)
		}
		loc := r.Locations[0].PhysicalLocation
		if !strings.HasSuffix(loc.ArtifactLocation.URI, "/"+w.file) || !strings.HasPrefix(loc.ArtifactLocation.URI, "file:///") ||
			loc.Region.StartLine != w.line || loc.Region.StartColumn != w.col {
			t.Fatalf("%s at %+v; want %s:%d:%d", r.RuleID, loc, w.file, w.line, w.col)
		}
	}
}

// TestSARIFRelativePaths: a path given relative to the working directory
// (the repository root in CI) stays a relative URI, as code scanning wants.
func TestSARIFRelativePaths(t *testing.T) {
	code, out, _ := run(t, "--format", "sarif", corpus+"invalid-container-port-too-big")
	if code != ExitFindings || !strings.Contains(out, `"uri": "../bundle/testdata/corpus/invalid-container-port-too-big/taskdef.json"`) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
