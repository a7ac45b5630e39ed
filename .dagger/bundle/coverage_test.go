package bundle

import (
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	"github.com/aws/smithy-go"
)

// schemaParams lists the task definition's parameters as the API schema
// has them: every member of RegisterTaskDefinition, and every member of the
// structures directly under it (container definitions, volumes, …).
func schemaParams() []string {
	var out []string
	req := schemas.RegisterTaskDefinitionRequest
	for _, name := range sortedKeys(req.Members()) {
		out = append(out, name)
		s := req.Member(name)
		if t := s.Type(); t == smithy.ShapeTypeList || t == smithy.ShapeTypeSet {
			s = s.ListMember()
		}
		if s.Type() != smithy.ShapeTypeStructure {
			continue
		}
		for _, sub := range sortedKeys(s.Members()) {
			out = append(out, name+"."+sub)
		}
	}
	return out
}

// appSpecParams are the ECS appspec's parameters, from the CodeDeploy
// AppSpec reference (resources and hooks sections).
var appSpecParams = []string{
	"version", "Resources", "Resources.Type",
	"Resources.Properties.TaskDefinition",
	"Resources.Properties.LoadBalancerInfo.ContainerName",
	"Resources.Properties.LoadBalancerInfo.ContainerPort",
	"Resources.Properties.PlatformVersion",
	"Resources.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets",
	"Resources.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups",
	"Resources.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
	"Resources.Properties.CapacityProviderStrategy.Base",
	"Resources.Properties.CapacityProviderStrategy.CapacityProvider",
	"Resources.Properties.CapacityProviderStrategy.Weight",
	"Hooks.BeforeInstall", "Hooks.AfterInstall", "Hooks.AfterAllowTestTraffic",
	"Hooks.BeforeAllowTraffic", "Hooks.AfterAllowTraffic",
}

// TestCoverageTableIsComplete: every parameter of the schema and of the
// appspec reference has exactly one row; every row names real parameters and
// real rules, and says what checks it or why nothing can.
func TestCoverageTableIsComplete(t *testing.T) {
	rows := map[string]Coverage{}
	for _, c := range coverage {
		key := c.Source + ": " + c.Parameter
		if _, dup := rows[key]; dup {
			t.Errorf("%s has two rows", key)
		}
		rows[key] = c
		if len(c.Rules) == 0 && c.Offline == "" {
			t.Errorf("%s: neither a rule nor a reason", key)
		}
		for _, name := range c.Rules {
			if ruleIndex[name] == nil {
				t.Errorf("%s: no rule named %s", key, name)
			}
		}
	}
	want := map[string]bool{}
	for _, p := range schemaParams() {
		want["task definition: "+p] = true
	}
	for _, p := range appSpecParams {
		want["appspec: "+p] = true
	}
	for key := range want {
		if _, ok := rows[key]; !ok {
			t.Errorf("%s has no row in the coverage table", key)
		}
	}
	for key := range rows {
		if !want[key] && !strings.HasPrefix(key, "task definition: containerDefinitions.portMappings.") {
			t.Errorf("%s is a row but not a parameter", key)
		}
	}
	for _, name := range append(auditAdded, auditExtended...) {
		if ruleIndex[strings.Split(name, ":")[0]] == nil {
			t.Errorf("added rule %s does not exist", name)
		}
	}
}

// TestAppSpecParamsAreDecoded: each appspec parameter of the table is a key
// the appspec decoder knows (an appspec using them all decodes cleanly).
func TestAppSpecParamsAreDecoded(t *testing.T) {
	spec := `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: <TASK_DEFINITION>
        LoadBalancerInfo: {ContainerName: web, ContainerPort: 80}
        PlatformVersion: LATEST
        NetworkConfiguration:
          AwsvpcConfiguration: {Subnets: [subnet-0123456789abcdef0], SecurityGroups: [sg-0123456789abcdef0], AssignPublicIp: DISABLED}
        CapacityProviderStrategy:
          - {Base: 1, CapacityProvider: FARGATE, Weight: 1}
Hooks:
  - BeforeInstall: a
  - AfterInstall: b
  - AfterAllowTestTraffic: c
  - BeforeAllowTraffic: d
  - AfterAllowTraffic: e
`
	if _, err := DecodeAppSpec([]byte(spec)); err != nil {
		t.Fatal(err)
	}
}

// TestCoverageDoc keeps COVERAGE.md generated from the table.
func TestCoverageDoc(t *testing.T) {
	want := CoverageMarkdown()
	if *update {
		if err := os.WriteFile("COVERAGE.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("COVERAGE.md")
	if err != nil || string(got) != want {
		t.Fatalf("COVERAGE.md is not generated from the coverage table (%v); run go test ./bundle -run TestCoverageDoc -update", err)
	}
	checked, offline, added := CoverageCounts()
	t.Logf("coverage: %d parameters checked, %d not checkable offline, %d rules added", checked, offline, added)
}
