package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// fakeStack answers what a hook-mode stack reports: its declared
// transforms and its events, newest first, two to a page.
type fakeStack struct {
	transforms []string
	events     []cfntypes.StackEvent
}

func (f fakeStack) GetTemplateSummary(context.Context, *cloudformation.GetTemplateSummaryInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateSummaryOutput, error) {
	return &cloudformation.GetTemplateSummaryOutput{DeclaredTransforms: f.transforms}, nil
}

func (f fakeStack) DescribeStackEvents(_ context.Context, in *cloudformation.DescribeStackEventsInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	start := 0
	if in.NextToken != nil {
		start = int(aws.ToString(in.NextToken)[0] - '0')
	}
	end := min(start+2, len(f.events))
	out := &cloudformation.DescribeStackEventsOutput{StackEvents: f.events[start:end]}
	if end < len(f.events) {
		out.NextToken = aws.String(string(rune('0' + end)))
	}
	return out, nil
}

func event(typ, reason string) cfntypes.StackEvent {
	return cfntypes.StackEvent{ResourceType: aws.String(typ), ResourceStatusReason: aws.String(reason), LogicalResourceId: aws.String("x")}
}

// hookStack is a hook-mode stack whose latest update started d-SCRIPTED1;
// an older update started d-OLDHOOK01, and an unrelated resource's reason
// happens to contain an id-like word.
var hookStack = fakeStack{
	transforms: []string{"AWS::Serverless-2016-10-31", HookTransform},
	events: []cfntypes.StackEvent{
		event("AWS::CloudFormation::Stack", "User Initiated"),
		event("AWS::Lambda::Function", "code d-NOTADEPLY updated"),
		event("AWS::ECS::TaskSet", "Resource creation Initiated"),
		event(hookResourceType, "CodeDeploy deployment d-SCRIPTED1 is in progress"),
		event(hookResourceType, "CodeDeploy deployment d-OLDHOOK01 succeeded"),
	},
}

func TestHookDeploymentIsTheLatestTheHookStarted(t *testing.T) {
	if hook, err := IsHookStack(context.Background(), hookStack, "webapp-service"); err != nil || !hook {
		t.Fatalf("IsHookStack = %t, %v", hook, err)
	}
	if hook, _ := IsHookStack(context.Background(), fakeStack{}, "webapp-service"); hook {
		t.Fatal("a stack without the transform was taken for hook mode")
	}
	id, err := HookDeployment(context.Background(), hookStack, "webapp-service")
	if err != nil || id != "d-SCRIPTED1" {
		t.Fatalf("HookDeployment = %q, %v; want d-SCRIPTED1 from the hook's newest event", id, err)
	}
	if _, err := HookDeployment(context.Background(), fakeStack{events: hookStack.events[:3]}, "webapp-service"); err == nil || !strings.Contains(err.Error(), "hook mode") {
		t.Fatalf("no hook event: %v", err)
	}
}

// In hook mode a rollback is a stack update with the previous image: the
// release before the hook's latest deployment is found in the hook's group
// history and the deploy-infra line restoring its image is printed.
func TestHookRollbackPrintsTheStackUpdateWithThePreviousImage(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = arns[2]
	s.history = []pastDeployment{
		{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[0], Created: -3 * time.Hour},
		{ID: "d-FAILED002", Status: "Failed", TaskDef: arns[1], Created: -2 * time.Hour},
	}
	how, err := HookRollback(context.Background(), s.client(1), e.ecs, "webapp-service", s.id, nil)
	t.Logf("%s", how)
	if err != nil {
		t.Fatalf("HookRollback: %v", err)
	}
	want := "dagger call $AWS deploy-infra --stacks webapp-service --cdk-context image=registry.example/webapp@sha256:" + strings.Repeat("0", 63) + "1"
	for _, w := range []string{want, "d-FIRST0001", "hook mode"} {
		if !strings.Contains(how, w) {
			t.Errorf("explanation lacks %q", w)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.created) != 0 || len(s.stops) != 0 {
		t.Fatalf("hook-mode rollback changed something: created %v, stops %v", s.created, s.stops)
	}
}

// The newest release that succeeded has a revision that cannot be read:
// the advice is refused, naming it, instead of taking the release before it
// for the current one (and printing the image two releases back).
func TestHookRollbackRefusesAnUnreadableNewestRelease(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = arns[2]
	s.history = []pastDeployment{
		{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[0], Created: -3 * time.Hour},
		{ID: "d-SECOND002", Status: "Succeeded", TaskDef: arns[1], Created: -2 * time.Hour},
		{ID: "d-NEWEST003", Status: "Succeeded", S3: &s3Revision{Bucket: pipelineBucket, Key: "webapp/gone", BundleType: "YAML"}, Created: time.Minute},
	}
	how, err := HookRollback(context.Background(), s.client(1), e.ecs, "webapp-service", s.id, nil)
	if err == nil {
		t.Fatalf("HookRollback advised, skipping the newest release d-NEWEST003:\n%s", how)
	}
	for _, want := range []string{"d-NEWEST003", "newest release that succeeded", "hook mode"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal lacks %q: %v", want, err)
		}
	}
}

func TestHookRollbackOfAnUpdateInFlightSaysToCancelIt(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress", TaskSets: true, Green: 0})
	how, err := HookRollback(context.Background(), s.client(1), nil, "webapp-service", s.id, nil)
	if err != nil || !strings.Contains(how, "cancel-update-stack --stack-name webapp-service") {
		t.Fatalf("HookRollback = %q, %v; want the advice to cancel the stack update", how, err)
	}
	if len(s.stopCalls()) != 0 {
		t.Fatalf("the hook's deployment was stopped directly: %+v", s.stopCalls())
	}
}
