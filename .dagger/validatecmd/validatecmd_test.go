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
		!strings.HasSuffix(f.Field, "AssignPublicIp") || f.Doc == "" {
		t.Fatalf("unexpected report: %+v", rep)
	}
}

// TestRunListsIgnoredFilesAndSniffsContent names a task definition file by
// a name AWS does not use: given as a file it is read by its content; in a
// directory it is skipped.
func TestRunListsIgnoredFilesAndSniffsContent(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(corpus + "invalid-family-with-dot/taskdef.json")
	if err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(dir, "prod-task.json")
	if err := os.WriteFile(odd, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, odd); code != ExitFindings || !strings.Contains(out, "prod-task.json: family must be 1-255 letters") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if code, _, errOut := run(t, dir); code != ExitUsage || !strings.Contains(errOut, "no deployment artifacts") {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
}

func TestValidateUsageErrorsWrapErrUsage(t *testing.T) {
	_, _, err := Validate(map[string][]byte{"README.md": []byte("# hi")}, Options{})
	if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "README.md") {
		t.Fatalf("err = %v", err)
	}
}
