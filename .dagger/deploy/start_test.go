package deploy

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

func TestStartCreatesDeploymentWithInlineAppSpec(t *testing.T) {
	e := newMoto(t)
	e.codeDeployGroup(t, "webapp", "webapp-dg", "webapp-cluster", "webapp")
	content := appSpecFor("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:7")

	id, err := Start(context.Background(), e.cd, Request{Application: "webapp", DeploymentGroup: "webapp-dg", AppSpecContent: content, Description: "release 1a2b3c"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if got := e.deployments(t, "webapp", "webapp-dg"); len(got) != 1 || got[0] != id {
		t.Fatalf("deployments = %v, want [%s]", got, id)
	}
	info := e.rawDeployment(t, id)
	gotContent, gotSHA := appSpecOf(t, info)
	if gotContent != content || gotSHA != SHA256Hex(content) {
		t.Fatalf("stored AppSpec = %q (sha %s), want the content sent with its SHA-256 %s", gotContent, gotSHA, SHA256Hex(content))
	}
	if d, _ := info["description"].(string); !strings.HasPrefix(d, "[ecs-bluegreen release r-") || !strings.HasSuffix(d, "] release 1a2b3c") {
		t.Errorf("description = %v", info["description"])
	}
}

func TestStartNamesMissingGroup(t *testing.T) {
	e := newMoto(t)
	e.codeDeployGroup(t, "webapp", "webapp-dg", "webapp-cluster", "webapp")
	_, err := Start(context.Background(), e.cd, Request{Application: "webapp", DeploymentGroup: "nope", AppSpecContent: appSpecFor("arn:x")})
	if err == nil || !strings.Contains(err.Error(), `deployment group "nope"`) || !strings.Contains(err.Error(), "DeploymentGroupDoesNotExist") {
		t.Fatalf("err = %v", err)
	}
}

func TestStartValidatesBeforeCalling(t *testing.T) {
	e := newMoto(t)
	e.codeDeployGroup(t, "webapp", "webapp-dg", "webapp-cluster", "webapp")
	good := appSpecFor("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:7")
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"no application", Request{DeploymentGroup: "webapp-dg", AppSpecContent: good}, "application name is empty"},
		{"no group", Request{Application: "webapp", AppSpecContent: good}, "deployment group name is empty"},
		{"long application", Request{Application: strings.Repeat("a", 101), DeploymentGroup: "webapp-dg", AppSpecContent: good}, "is 101 characters; CodeDeploy accepts 1 to 100"},
		{"no appspec", Request{Application: "webapp", DeploymentGroup: "webapp-dg", AppSpecContent: "  \n"}, "AppSpec content is empty"},
		{"placeholder", Request{Application: "webapp", DeploymentGroup: "webapp-dg", AppSpecContent: appSpecFor("<TASK_DEFINITION>")}, "still holds the <TASK_DEFINITION> placeholder"},
		{"sha not hex", Request{Application: "webapp", DeploymentGroup: "webapp-dg", AppSpecContent: good, AppSpecSHA256: "XYZ"}, `AppSpec SHA-256 "XYZ" is not 64 lowercase hex`},
		{"sha mismatch", Request{Application: "webapp", DeploymentGroup: "webapp-dg", AppSpecContent: good, AppSpecSHA256: SHA256Hex(good + " ")}, "does not match the content (its SHA-256 is " + SHA256Hex(good) + ")"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Start(context.Background(), e.cd, c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	if got := e.deployments(t, "webapp", "webapp-dg"); len(got) != 0 {
		t.Fatalf("invalid requests created deployments %v", got)
	}
	// A correct explicit hash is accepted as is.
	if _, err := Start(context.Background(), e.cd, Request{Application: "webapp", DeploymentGroup: "webapp-dg", AppSpecContent: good, AppSpecSHA256: SHA256Hex(good)}); err != nil {
		t.Fatalf("Start with a matching hash: %v", err)
	}
}

func TestRegisterReturnsNewRevisionARN(t *testing.T) {
	e := newMoto(t)
	ctx := context.Background()
	img := "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("ab", 32)
	first, err := Register(ctx, e.ecs, taskDef("webapp", img))
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	second, err := Register(ctx, e.ecs, taskDef("webapp", img))
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if !strings.HasSuffix(first, ":task-definition/webapp:1") || !strings.HasSuffix(second, ":task-definition/webapp:2") {
		t.Fatalf("ARNs = %s, %s; want revisions 1 and 2 of webapp", first, second)
	}
}

func TestRegisterRejectsPlaceholdersBeforeCalling(t *testing.T) {
	e := newMoto(t)
	ctx := context.Background()
	noFamily := taskDef("", "img")
	noContainers := taskDef("webapp", "img")
	noContainers.ContainerDefinitions = nil
	cases := []struct {
		name string
		in   *ecs.RegisterTaskDefinitionInput
		want string
	}{
		{"nil", nil, "nil input"},
		{"no family", noFamily, "family is empty"},
		{"no containers", noContainers, "has no containerDefinitions"},
		{"placeholder image", taskDef("webapp", "<IMAGE1_NAME>"), `container "webapp" image "<IMAGE1_NAME>" is still a placeholder`},
		{"empty image", taskDef("webapp", ""), `container "webapp" has an empty image`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Register(ctx, e.ecs, c.in); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	out, err := e.ecs.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("webapp")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TaskDefinitionArns) != 0 {
		t.Fatalf("rejected inputs registered %v", out.TaskDefinitionArns)
	}
}
