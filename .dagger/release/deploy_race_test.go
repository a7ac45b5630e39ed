package release

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
)

// takenGroup is a group another deployment takes between the busy check and
// CreateDeployment, which CodeDeploy then refuses.
type takenGroup struct{ deploy.CodeDeployAPI }

func (takenGroup) CreateDeployment(context.Context, *codedeploy.CreateDeploymentInput, ...func(*codedeploy.Options)) (*codedeploy.CreateDeploymentOutput, error) {
	return nil, &cdtypes.DeploymentLimitExceededException{Message: aws.String("The Deployment Group 'webapp' already has an active Deployment 'd-PIPELINE1'")}
}

func TestDeployDeregistersTheRevisionWhenTheGroupIsTakenFirst(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	p, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Deploy(ctx, w.ecs, takenGroup{w.cd}, DeployRequest{Options: Options{Mode: bundle.ModeDirect}, ImageURI: imageURI, NoWait: true})
	t.Logf("error: %v", err)
	if err == nil || out.TaskDefinitionArn == "" {
		t.Fatalf("err = %v, revision %q; want a refused deployment after registering", err, out.TaskDefinitionArn)
	}
	if !strings.Contains(err.Error(), "deregistered") || !strings.Contains(err.Error(), out.TaskDefinitionArn) {
		t.Errorf("error does not say the revision was deregistered: %v", err)
	}
	td, err := w.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(out.TaskDefinitionArn)})
	if err != nil {
		t.Fatal(err)
	}
	if td.TaskDefinition.Status != ecstypes.TaskDefinitionStatusInactive {
		t.Fatalf("revision %s is %s; a revision nothing will run must be deregistered", out.TaskDefinitionArn, td.TaskDefinition.Status)
	}
}
