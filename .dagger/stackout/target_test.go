package stackout

import (
	"reflect"
	"strings"
	"testing"
)

// validOutputs is what a deployed <app>-service stack in codedeploy mode outputs.
func validOutputs() map[string]string {
	return map[string]string{
		KeyClusterName:           "webapp-cluster",
		KeyServiceName:           "webapp",
		KeyCodeDeployApplication: "webapp-app",
		KeyDeploymentGroup:       "webapp-dg",
		KeyTaskFamily:            "webapp",
		KeyTaskDefinitionArn:     "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:3",
		KeyContainerName:         "webapp",
		KeyContainerPort:         "3000",
		KeyExecutionRoleArn:      "arn:aws:iam::123456789012:role/webapp-exec",
		KeyTaskRoleArn:           "arn:aws:iam::123456789012:role/webapp-task",
		KeyLogGroupName:          "/ecs/webapp",
		KeySubnets:               "subnet-0a1, subnet-0b2",
		KeySecurityGroups:        "sg-0c3",
		KeyRepositoryUri:         "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp",
		KeyProductionUrl:         "http://webapp-alb-1.us-east-1.elb.amazonaws.com",
		KeyTestUrl:               "http://webapp-alb-1.us-east-1.elb.amazonaws.com:8080",
		KeyDeploymentMode:        "codedeploy",
	}
}

func TestFromOutputs(t *testing.T) {
	got, err := FromOutputs("webapp-service", validOutputs())
	if err != nil {
		t.Fatal(err)
	}
	want := ReleaseTarget{
		Stack: "webapp-service", ClusterName: "webapp-cluster", ServiceName: "webapp",
		CodeDeployApplication: "webapp-app", DeploymentGroup: "webapp-dg", TaskFamily: "webapp",
		TaskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:3",
		ContainerName:     "webapp", ContainerPort: 3000,
		ExecutionRoleArn: "arn:aws:iam::123456789012:role/webapp-exec", TaskRoleArn: "arn:aws:iam::123456789012:role/webapp-task",
		LogGroupName: "/ecs/webapp", Subnets: []string{"subnet-0a1", "subnet-0b2"}, SecurityGroups: []string{"sg-0c3"},
		RepositoryUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp",
		ProductionUrl: "http://webapp-alb-1.us-east-1.elb.amazonaws.com", TestUrl: "http://webapp-alb-1.us-east-1.elb.amazonaws.com:8080",
		DeploymentMode: ModeCodeDeploy,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestFromOutputsNamesEveryMissingKey(t *testing.T) {
	o := validOutputs()
	delete(o, KeyTaskRoleArn)
	delete(o, KeyDeploymentGroup)
	o[KeySubnets] = "  "
	_, err := FromOutputs("webapp-service", o)
	if err == nil {
		t.Fatal("missing outputs accepted")
	}
	for _, want := range []string{"webapp-service", "DeploymentGroup", "Subnets", "TaskRoleArn", "deploy-infra"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestFromOutputsHookModeNeedsNoCodeDeploy(t *testing.T) {
	o := validOutputs()
	o[KeyDeploymentMode] = ModeHook
	delete(o, KeyCodeDeployApplication)
	delete(o, KeyDeploymentGroup)
	got, err := FromOutputs("webapp-service", o)
	if err != nil || got.DeploymentMode != ModeHook || got.DeploymentGroup != "" {
		t.Fatalf("hook mode: %+v, %v", got, err)
	}
	// The same outputs in codedeploy mode are incomplete.
	o[KeyDeploymentMode] = ModeCodeDeploy
	if _, err := FromOutputs("webapp-service", o); err == nil || !strings.Contains(err.Error(), "CodeDeployApplication") {
		t.Fatalf("codedeploy mode without CodeDeploy outputs: %v", err)
	}
}

func TestFromOutputsRejectsBadValues(t *testing.T) {
	cases := []struct{ key, value string }{
		{KeyDeploymentMode, "rolling"},
		{KeyContainerPort, "http"},
		{KeyContainerPort, "70000"},
		{KeyExecutionRoleArn, "webapp-exec"},
		{KeyTaskDefinitionArn, "webapp:3"},
		{KeySubnets, "subnet-1,vpc-2"},
		{KeySecurityGroups, "default"},
		{KeyRepositoryUri, "webapp"},
		{KeyRepositoryUri, "host/webapp:latest"},
		{KeyProductionUrl, "webapp.example.com"},
		{KeyTestUrl, "ftp://x"},
	}
	assertRejected(t, validOutputs, cases)
}

// assertRejected sets each case's output on a fresh copy of outputs() and
// expects FromOutputs to refuse it, naming the key, the value and what it
// expected.
func assertRejected(t *testing.T, outputs func() map[string]string, cases []struct{ key, value string }) {
	t.Helper()
	for _, c := range cases {
		o := outputs()
		o[c.key] = c.value
		_, err := FromOutputs("webapp-service", o)
		if err == nil {
			t.Errorf("%s=%q accepted", c.key, c.value)
			continue
		}
		if !strings.Contains(err.Error(), c.key) || !strings.Contains(err.Error(), c.value) || !strings.Contains(err.Error(), "expected") {
			t.Errorf("%s=%q: error %q should name the key, the value and what is expected", c.key, c.value, err)
		}
	}
}

func TestValidateStackName(t *testing.T) {
	for _, ok := range []string{"webapp-service", "A", "a" + strings.Repeat("b", 127)} {
		if err := ValidateStackName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1stack", "web_app", "web app", "a" + strings.Repeat("b", 128), "arn:aws:cloudformation"} {
		if err := ValidateStackName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckStatus(t *testing.T) {
	for _, ok := range []string{"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"} {
		if err := CheckStatus("webapp-service", ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for status, want := range map[string]string{
		"CREATE_IN_PROGRESS":          "wait",
		"UPDATE_IN_PROGRESS":          "wait",
		"UPDATE_ROLLBACK_IN_PROGRESS": "wait",
		"REVIEW_IN_PROGRESS":          "wait",
		"CREATE_FAILED":               "deploy-infra",
		"ROLLBACK_COMPLETE":           "deploy-infra",
		"UPDATE_ROLLBACK_FAILED":      "deploy-infra",
		"DELETE_COMPLETE":             "deploy-infra",
	} {
		err := CheckStatus("webapp-service", status)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), status) || !strings.Contains(err.Error(), "webapp-service") {
			t.Errorf("%s: %v (want a message naming the stack, the status and %q)", status, err, want)
		}
	}
}

func TestFromOutputsWithoutOutputsPointsAtHookMode(t *testing.T) {
	_, err := FromOutputs("webapp-service", map[string]string{})
	if err == nil || !strings.Contains(err.Error(), "hook mode") || !strings.Contains(err.Error(), "--cdk-context image=") {
		t.Fatalf("err = %v", err)
	}
}
