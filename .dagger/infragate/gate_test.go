package infragate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

// What moto 5.2.1 does with change sets (measured): CREATE and UPDATE change
// sets, Add and Modify actions without replacement or property details, no
// pages, FAILED "didn't contain changes" for an empty one, ExecuteChangeSet
// with stack events, a REVIEW_IN_PROGRESS placeholder stack left behind when
// a first change set is deleted, and ValidationError (not ChangeSetNotFound)
// for a missing change set. It drops stack outputs on execution. The
// classification of replacements and property changes is tested on
// DescribeChangeSet documents in the changeset package.

const (
	queueV1 = `{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"jobs","VisibilityTimeout":30}}}}`
	queueV2 = `{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"jobs","VisibilityTimeout":60}},
		"Logs":{"Type":"AWS::Logs::LogGroup","Properties":{"LogGroupName":"/shop/jobs","RetentionInDays":14}}}}`
)

// serviceStack creates, directly, a stack standing for a deployed codedeploy
// service stack: its outputs name the CodeDeploy application and group.
func serviceStack(t *testing.T, cfn *cloudformation.Client, stack, app, group string) {
	t.Helper()
	tpl := fmt.Sprintf(`{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"jobs","VisibilityTimeout":30}}},
		"Outputs":{"DeploymentMode":{"Value":"codedeploy"},"CodeDeployApplication":{"Value":%q},"DeploymentGroup":{"Value":%q},
		"ClusterName":{"Value":"shop-cluster"},"ServiceName":{"Value":"shop"}}}`, app, group)
	if _, err := cfn.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String(stack), TemplateBody: aws.String(tpl)}); err != nil {
		t.Fatal(err)
	}
}

func prepare(t *testing.T, cfn *cloudformation.Client, stack, name, template string, kind types.ChangeSetType) {
	t.Helper()
	if _, err := cfn.CreateChangeSet(context.Background(), &cloudformation.CreateChangeSetInput{
		StackName: aws.String(stack), ChangeSetName: aws.String(name), ChangeSetType: kind, TemplateBody: aws.String(template),
	}); err != nil {
		t.Fatalf("CreateChangeSet: %v", err)
	}
}

func status(t *testing.T, cfn *cloudformation.Client, stack string) string {
	t.Helper()
	out, err := cfn.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		return "absent"
	}
	return string(out.Stacks[0].StackStatus)
}

func TestRunExecutesAReviewedChangeSetAndFollowsEvents(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	prepare(t, cfn, "shop-jobs", "gate-1", queueV1, types.ChangeSetTypeCreate)
	var out bytes.Buffer
	report, err := Run(context.Background(), Clients{CloudFormation: cfn}, Request{Stack: "shop-jobs", ChangeSet: "gate-1", Options: Options{Out: &out, Clock: newInstantClock()}})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if report.Decision.Action != changeset.Execute || len(report.Findings) != 1 || report.Findings[0].Verdict != changeset.Safe {
		t.Fatalf("report %+v", report)
	}
	if got := status(t, cfn, "shop-jobs"); got != "CREATE_COMPLETE" {
		t.Fatalf("stack is %s", got)
	}
	text := out.String()
	for _, want := range []string{"safe", "Jobs", "AWS::SQS::Queue", "decision: execute", "executing change set gate-1", "shop-jobs shop-jobs CREATE_COMPLETE"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "REVIEW_IN_PROGRESS") {
		t.Errorf("events from before the execution were printed:\n%s", text)
	}
}

func TestRunRefusesWhileACodeDeployDeploymentIsInProgress(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	cfn, cd := cloudformation.NewFromConfig(cfg), codedeploy.NewFromConfig(cfg)
	ctx := context.Background()
	serviceStack(t, cfn, "shop-service", "shop", "shop-dg")
	id := runningDeployment(t, cd, "shop", "shop-dg")
	prepare(t, cfn, "shop-service", "gate-2", queueV2, types.ChangeSetTypeUpdate)
	clients := Clients{CloudFormation: cfn, CodeDeploy: cd}

	var out bytes.Buffer
	report, err := Run(ctx, clients, Request{Stack: "shop-service", ChangeSet: "gate-2", Options: Options{Out: &out, Clock: newInstantClock()}})
	var refusal *changeset.RefusalError
	if !errors.As(err, &refusal) {
		t.Fatalf("want a refusal, got %v\n%s", err, out.String())
	}
	for _, want := range []string{"deployment-in-progress", "--allow deployment-in-progress:shop-service", "the change set was deleted"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q lacks %q", err, want)
		}
	}
	if !strings.Contains(out.String(), "CodeDeploy deployment "+id+" of shop/shop-dg is not finished") {
		t.Errorf("review does not name the deployment %s:\n%s", id, out.String())
	}
	if report.Mode != changeset.ModeCodeDeploy {
		t.Errorf("mode %q", report.Mode)
	}
	if _, err := cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("shop-service"), ChangeSetName: aws.String("gate-2")}); err == nil {
		t.Error("the refused change set was not deleted")
	}
	if got := status(t, cfn, "shop-service"); got != "CREATE_COMPLETE" {
		t.Errorf("refused stack is %s, want it untouched", got)
	}

	// Allowing the class skips the check and lets the update run.
	prepare(t, cfn, "shop-service", "gate-3", queueV2, types.ChangeSetTypeUpdate)
	out.Reset()
	report, err = Run(ctx, clients, Request{Stack: "shop-service", ChangeSet: "gate-3", Options: Options{Out: &out, Clock: newInstantClock(), Allow: []changeset.Allowance{{Class: changeset.DeploymentInProgress, Stack: "shop-service"}}}})
	if err != nil || report.Decision.Action != changeset.Execute {
		t.Fatalf("allowed run: %v %+v\n%s", err, report.Decision, out.String())
	}
	if got := status(t, cfn, "shop-service"); got != "UPDATE_COMPLETE" {
		t.Errorf("allowed update left the stack %s", got)
	}
}

func TestDryRunDeletesAFirstChangeSetAndItsPlaceholderStack(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	prepare(t, cfn, "shop-jobs", "gate-dry", queueV1, types.ChangeSetTypeCreate)
	var out bytes.Buffer
	report, err := Run(context.Background(), Clients{CloudFormation: cfn}, Request{Stack: "shop-jobs", ChangeSet: "gate-dry", Options: Options{DryRun: true, Out: &out, Clock: newInstantClock()}})
	if err != nil || report.Decision.Action != changeset.DryRun {
		t.Fatalf("%v %+v", err, report.Decision)
	}
	if !strings.Contains(out.String(), "decision: dry run; an execution would proceed") {
		t.Errorf("output:\n%s", out.String())
	}
	if got := status(t, cfn, "shop-jobs"); got != "absent" && got != "DELETE_COMPLETE" {
		t.Errorf("dry run left the stack %s", got)
	}
}

func TestAnEmptyChangeSetIsNoChangeAndIsDeleted(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	if _, err := cfn.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String("shop-jobs"), TemplateBody: aws.String(queueV1)}); err != nil {
		t.Fatal(err)
	}
	prepare(t, cfn, "shop-jobs", "gate-same", queueV1, types.ChangeSetTypeUpdate)
	var out bytes.Buffer
	report, err := Run(context.Background(), Clients{CloudFormation: cfn}, Request{Stack: "shop-jobs", ChangeSet: "gate-same", Options: Options{Out: &out, Clock: newInstantClock()}})
	if err != nil || report.Decision.Action != changeset.NoChanges {
		t.Fatalf("%v %+v", err, report.Decision)
	}
	if !strings.Contains(out.String(), "no changes") {
		t.Errorf("output:\n%s", out.String())
	}
	if _, err := cfn.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{StackName: aws.String("shop-jobs"), ChangeSetName: aws.String("gate-same")}); err == nil {
		t.Error("the empty change set was not deleted")
	}
	if got := status(t, cfn, "shop-jobs"); got != "CREATE_COMPLETE" {
		t.Errorf("stack is %s", got)
	}
}

// runningDeployment creates a CodeDeploy application, deployment group and
// deployment in moto, where a deployment stays Created (unfinished) for
// good, and returns the deployment's id.
func runningDeployment(t *testing.T, cd *codedeploy.Client, app, group string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := cd.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String(app), ComputePlatform: cdtypes.ComputePlatformEcs}); err != nil {
		t.Fatal(err)
	}
	if _, err := cd.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName: aws.String(app), DeploymentGroupName: aws.String(group),
		ServiceRoleArn: aws.String("arn:aws:iam::" + moto.Account + ":role/codedeploy"),
		EcsServices:    []cdtypes.ECSService{{ClusterName: aws.String("shop-cluster"), ServiceName: aws.String("shop")}},
	}); err != nil {
		t.Fatal(err)
	}
	dep, err := cd.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{
		ApplicationName: aws.String(app), DeploymentGroupName: aws.String(group),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String("version: 0.0\nResources: []\n")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(dep.DeploymentId)
}

// TestAFailedLiveCheckFailsClosedAndLeavesNoChangeSet: when the gate cannot
// tell whether a deployment is running, it refuses to guess, names the way
// out, and deletes the unreviewed change set.
func TestAFailedLiveCheckFailsClosedAndLeavesNoChangeSet(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	// A CodeDeploy endpoint that denies the call, as a role without
	// codedeploy:ListDeployments would be.
	deny := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"AccessDeniedException","message":"not authorized to perform codedeploy:ListDeployments"}`)
	}))
	defer deny.Close()
	denied, err := awsenv.Config(context.Background(), awsenv.Credentials{AccessKeyID: "AKIDGATETEST", SecretAccessKey: "gate-test-secret"}, "us-east-1", deny.URL, awsenv.WithMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	cd := codedeploy.NewFromConfig(denied)
	serviceStack(t, cfn, "shop-service", "shop", "shop-dg")
	prepare(t, cfn, "shop-service", "gate-ghost", queueV2, types.ChangeSetTypeUpdate)
	var out bytes.Buffer
	_, err = Run(context.Background(), Clients{CloudFormation: cfn, CodeDeploy: cd}, Request{
		Stack: "shop-service", ChangeSet: "gate-ghost", Options: Options{Out: &out, Clock: newInstantClock()},
	})
	if err == nil || !strings.Contains(err.Error(), "codedeploy:ListDeployments") || !strings.Contains(err.Error(), "--allow deployment-in-progress:shop-service to skip") {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(err.Error(), "gate-test-secret") || strings.Contains(out.String(), "gate-test-secret") {
		t.Fatal("the secret key leaked")
	}
	if _, err := cfn.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{
		StackName: aws.String("shop-service"), ChangeSetName: aws.String("gate-ghost"),
	}); err == nil {
		t.Error("the unreviewed change set was left behind")
	}
	if got := status(t, cfn, "shop-service"); got != "CREATE_COMPLETE" {
		t.Errorf("stack %s", got)
	}
}
