package infragate

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"

	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

var motoWhere = Location{Region: moto.Region, Account: moto.Account}

// TestAMissingChangeSetOrStackIsAnErrorNamingWhere: a change set prepared
// in another region (or not at all) is never "no changes".
func TestAMissingChangeSetOrStackIsAnErrorNamingWhere(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	ctx := context.Background()
	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("shop-jobs"), TemplateBody: aws.String(queueV1)}); err != nil {
		t.Fatal(err)
	}
	for _, stack := range []string{"shop-jobs", "shop-elsewhere"} {
		var out bytes.Buffer
		report, err := Run(ctx, Clients{CloudFormation: cfn}, Request{Stack: stack, ChangeSet: "gate-lost", Options: Options{Out: &out, Where: motoWhere, Clock: newInstantClock()}})
		var missing *NotFoundError
		if !errors.As(err, &missing) {
			t.Fatalf("%s: want a not-found error, got %v (report %+v)", stack, err, report.Decision)
		}
		for _, want := range []string{"change set gate-lost", "stack " + stack, "region us-east-1, account 123456789012", "--region"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not name %q", stack, err, want)
			}
		}
		if report.Decision.Action == changeset.NoChanges || strings.Contains(out.String(), "no changes") {
			t.Errorf("%s: a missing change set read as no changes", stack)
		}
	}
}

// failingDelete is a CloudFormation client whose DeleteChangeSet fails.
type failingDelete struct {
	*cloudformation.Client
}

func (failingDelete) DeleteChangeSet(context.Context, *cloudformation.DeleteChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error) {
	return nil, errors.New("AccessDenied: not authorized to perform cloudformation:DeleteChangeSet")
}

// TestARefusalSurvivesAFailedDelete: the refusal stays the error, and says
// that the change set is still there, naming it.
func TestARefusalSurvivesAFailedDelete(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	cfn, cd := cloudformation.NewFromConfig(cfg), codedeploy.NewFromConfig(cfg)
	ctx := context.Background()
	serviceStack(t, cfn, "shop-service", "shop", "shop-dg")
	runningDeployment(t, cd, "shop", "shop-dg")
	prepare(t, cfn, "shop-service", "gate-stuck", queueV2, types.ChangeSetTypeUpdate)
	var out bytes.Buffer
	_, err := Run(ctx, Clients{CloudFormation: failingDelete{cfn}, CodeDeploy: cd}, Request{Stack: "shop-service", ChangeSet: "gate-stuck", Options: Options{Out: &out, Clock: newInstantClock()}})
	var refusal *changeset.RefusalError
	if !errors.As(err, &refusal) || refusal.DeleteErr == nil {
		t.Fatalf("want a refusal with the delete failure, got %v", err)
	}
	for _, want := range []string{"deployment-in-progress", "change set gate-stuck of stack shop-service could NOT be deleted", "cloudformation:DeleteChangeSet", "--allow deployment-in-progress:shop-service"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "the change set was deleted") {
		t.Errorf("the refusal claims a deletion that failed: %v", err)
	}
}

// secondPageFails reads the first page of a change set from moto, claims a
// second one, and fails reading it.
type secondPageFails struct {
	*cloudformation.Client
}

func (s secondPageFails) DescribeChangeSet(ctx context.Context, in *cloudformation.DescribeChangeSetInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error) {
	if in.NextToken != nil {
		return nil, errors.New("Throttling: Rate exceeded")
	}
	out, err := s.Client.DescribeChangeSet(ctx, in, opts...)
	if err == nil {
		out.NextToken = aws.String("page-2")
	}
	return out, err
}

// TestAChangeSetWhoseReadingFailsIsDeleted: a change set that could not be
// read in full must not stay behind to be executed unreviewed.
func TestAChangeSetWhoseReadingFailsIsDeleted(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	ctx := context.Background()
	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("shop-jobs"), TemplateBody: aws.String(queueV1)}); err != nil {
		t.Fatal(err)
	}
	prepare(t, cfn, "shop-jobs", "gate-half", queueV2, types.ChangeSetTypeUpdate)
	var out bytes.Buffer
	_, err := Run(ctx, Clients{CloudFormation: secondPageFails{cfn}}, Request{Stack: "shop-jobs", ChangeSet: "gate-half", Options: Options{Out: &out, Clock: newInstantClock()}})
	if err == nil || !strings.Contains(err.Error(), "Rate exceeded") || !strings.Contains(err.Error(), "unreviewed change set gate-half was deleted") {
		t.Fatalf("error %v", err)
	}
	if _, err := cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("shop-jobs"), ChangeSetName: aws.String("gate-half")}); err == nil {
		t.Error("the half-read change set was left behind")
	}
	if got := status(t, cfn, "shop-jobs"); got != "CREATE_COMPLETE" {
		t.Errorf("stack %s", got)
	}
}
