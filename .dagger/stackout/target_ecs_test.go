package stackout

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	ruleArn  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/webapp-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
	testRule = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/webapp-alb/50dc6c495c0c9188/0467ef3c8400ae65/1c8a3b5e6d7f9a0b"
	blueTG   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/webapp-blue/6d0ecf831eec9f09"
	greenTG  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/webapp-green/7e1fd0942ffd0a1a"
)

// ecsOutputs is what a deployed <app>-service stack in ecs mode outputs.
func ecsOutputs() map[string]string {
	o := validOutputs()
	delete(o, KeyCodeDeployApplication)
	delete(o, KeyDeploymentGroup)
	o[KeyDeploymentMode] = ModeECS
	o[KeyDeploymentStrategy] = "CANARY"
	o[KeyProductionListenerRule] = ruleArn
	o[KeyTestListenerRule] = testRule
	o[KeyBlueTargetGroup] = blueTG
	o[KeyGreenTargetGroup] = greenTG
	return o
}

func TestFromOutputsECSMode(t *testing.T) {
	got, err := FromOutputs("webapp-service", ecsOutputs())
	if err != nil {
		t.Fatal(err)
	}
	want := ECSTarget{Strategy: "CANARY", ProductionListenerRule: ruleArn, TestListenerRule: testRule, BlueTargetGroup: blueTG, GreenTargetGroup: greenTG}
	if got.DeploymentMode != ModeECS || got.ECS != want || got.DeploymentGroup != "" || got.ServiceName != "webapp" {
		t.Fatalf("got %+v", got)
	}
	// The other modes carry no ECS part.
	if cd, err := FromOutputs("webapp-service", validOutputs()); err != nil || cd.ECS != (ECSTarget{}) {
		t.Fatalf("codedeploy mode: %+v, %v", cd.ECS, err)
	}
}

func TestFromOutputsECSModeNamesEveryMissingKey(t *testing.T) {
	o := ecsOutputs()
	delete(o, KeyTestListenerRule)
	delete(o, KeyGreenTargetGroup)
	delete(o, KeyTaskRoleArn)
	_, err := FromOutputs("webapp-service", o)
	if err == nil {
		t.Fatal("missing outputs accepted")
	}
	for _, want := range []string{"GreenTargetGroup, TaskRoleArn, TestListenerRule", "deploy-infra"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), KeyDeploymentGroup) {
		t.Errorf("ecs mode asks for CodeDeploy outputs: %v", err)
	}
}

func TestFromOutputsECSModeRejectsBadValues(t *testing.T) {
	assertRejected(t, ecsOutputs, []struct{ key, value string }{
		{KeyDeploymentStrategy, "ROLLING"},
		{KeyProductionListenerRule, "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/webapp-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"},
		{KeyTestListenerRule, "rule"},
		{KeyBlueTargetGroup, "webapp-blue"},
		{KeyGreenTargetGroup, blueTG},
	})
}

// TestContractMatchesInfra reads the output keys the CDK stacks declare and
// checks that this package knows exactly those: the two sides of the
// contract live in different Go modules and cannot share the constants.
func TestContractMatchesInfra(t *testing.T) {
	files, err := filepath.Glob("../../infra/stacks/outputs*.go")
	if err != nil || len(files) < 2 {
		t.Fatalf("infra output files: %v %v", files, err)
	}
	decl := regexp.MustCompile(`(?m)^\s*Out\w+\s*=\s*"(\w+)"`)
	var infra []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			infra = append(infra, m[1])
		}
	}
	ours := slices.Concat(requiredKeys, codeDeployKeys, ecsKeys)
	slices.Sort(infra)
	slices.Sort(ours)
	if !slices.Equal(infra, ours) {
		t.Fatalf("infra declares %v\nstackout knows  %v", infra, ours)
	}
}
