package stacks

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/internal/testtool"
)

// ignoredLint lists the cfn-lint findings accepted on CDK output, each with
// the reason. A finding is ignored when its rule matches and its message
// contains the substring.
var ignoredLint = []struct{ rule, contains, reason string }{
	{"W3005", "", "CDK adds explicit DependsOn next to Ref/GetAtt; redundant, harmless"},
	{"W6001", "", "the contract outputs re-export network and repository ids so the release needs one DescribeStacks"},
	{"W3010", "", "environment-bound stacks pin their zones from cdk.context.json by design, so a synth is reproducible"},
	{"E1001", "'Hooks'", "cfn-lint does not model the AWS::CodeDeployBlueGreen transform's Hooks section; TestServiceHookMode checks it"},
}

type lintFinding struct {
	Rule     struct{ Id string } `json:"Rule"`
	Level    string              `json:"Level"`
	Message  string              `json:"Message"`
	Filename string              `json:"Filename"`
}

func TestCfnLint(t *testing.T) {
	bin := testtool.Require(t, "cfn-lint")
	for _, sc := range scenarioNames {
		t.Run(sc, func(t *testing.T) {
			s := synth(t, sc)
			dir := t.TempDir()
			var files []string
			for part, tpl := range s.json {
				raw, err := json.MarshalIndent(tpl, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				f := filepath.Join(dir, part+".template.json")
				if err := os.WriteFile(f, raw, 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			cmd := exec.Command(bin, append([]string{"--format", "json", "--"}, files...)...)
			out, err := cmd.Output()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatalf("cfn-lint did not run: %v", err)
			}
			var findings []lintFinding
			if err := json.Unmarshal(out, &findings); err != nil {
				t.Fatalf("cfn-lint output: %v\n%s", err, out)
			}
			for _, f := range findings {
				if ignored(f) {
					continue
				}
				t.Errorf("%s %s %s: %s", f.Rule.Id, f.Level, filepath.Base(f.Filename), f.Message)
			}
			// Exit codes are a bitmask: 2 error, 4 warning, 8 informational.
			if exit != nil && exit.ExitCode()&2 != 0 {
				for _, f := range findings {
					if strings.HasPrefix(f.Rule.Id, "E") && !ignored(f) {
						t.Errorf("cfn-lint errors (exit %d)", exit.ExitCode())
						break
					}
				}
			}
		})
	}
}

func ignored(f lintFinding) bool {
	for _, ig := range ignoredLint {
		if f.Rule.Id == ig.rule && strings.Contains(f.Message, ig.contains) {
			return true
		}
	}
	return false
}
