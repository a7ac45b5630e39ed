package release

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
)

// revisions lists the task family's revisions in the emulator.
func (w *world) revisions(t *testing.T) []string {
	t.Helper()
	out, err := w.ecs.ListTaskDefinitions(context.Background(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("webapp")})
	if err != nil {
		t.Fatal(err)
	}
	return out.TaskDefinitionArns
}

// A group busy with another deployment (the pipeline's, say) is refused
// before anything is registered, naming the deployment and how to follow it.
func TestDeployRefusesABusyGroupBeforeRegistering(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	busy, err := w.cd.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp"), Description: aws.String("pipeline run")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(busy.DeploymentId)
	p, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Deploy(ctx, w.ecs, w.cd, DeployRequest{Options: Options{Mode: bundle.ModeDirect}, ImageURI: imageURI, NoWait: true})
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "status --deployment-id "+id) {
		t.Fatalf("err = %v, want a refusal naming %s and how to follow it", err, id)
	}
	if revs := w.revisions(t); len(revs) != 1 {
		t.Fatalf("revisions = %v, want nothing registered", revs)
	}
}

// A timeout shorter than the group's own schedule (traffic routing plus the
// termination wait) is refused before anything is registered.
func TestDeployRefusesATimeoutShorterThanTheGroupSchedule(t *testing.T) {
	w := newWorldWith(t, "codedeploy", &cdtypes.BlueGreenDeploymentConfiguration{
		TerminateBlueInstancesOnDeploymentSuccess: &cdtypes.BlueInstanceTerminationOption{Action: cdtypes.InstanceActionTerminate, TerminationWaitTimeInMinutes: 60},
		DeploymentReadyOption:                     &cdtypes.DeploymentReadyOption{ActionOnTimeout: cdtypes.DeploymentReadyActionContinueDeployment},
	})
	ctx := context.Background()
	p, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Deploy(ctx, w.ecs, w.cd, DeployRequest{Options: Options{Mode: bundle.ModeDirect}, ImageURI: imageURI,
		Wait: deploy.Options{Timeout: 30 * time.Minute, PollInterval: 10 * time.Millisecond, ProgressEvery: 10 * time.Millisecond}})
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "30m") || !strings.Contains(err.Error(), "termination wait 1h0m") {
		t.Fatalf("err = %v, want a refusal naming the timeout and the schedule", err)
	}
	if revs := w.revisions(t); len(revs) != 1 {
		t.Fatalf("revisions = %v, want nothing registered", revs)
	}
}

// A rollback redeploys the earlier release with the settings it ran with:
// its hooks, platform version and capacity provider strategy come from the
// appspec of the deployment that served it; the network is today's.
func TestRollbackAppSpecKeepsTheServedReleaseSettings(t *testing.T) {
	w := newWorld(t, "codedeploy")
	p, err := Load(context.Background(), w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(p.TaskDefinition.TaskDefinitionArn)
	served := `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "` + arn + `"
        LoadBalancerInfo:
          ContainerName: "webapp"
          ContainerPort: 3000
        PlatformVersion: "1.4.0"
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: ["subnet-0123456789abcdef0"]
            SecurityGroups: ["sg-0123456789abcdef0"]
            AssignPublicIp: "DISABLED"
        CapacityProviderStrategy:
          - Base: 0
            CapacityProvider: "FARGATE_SPOT"
            Weight: 1
Hooks:
  - AfterAllowTestTraffic: "smoke-test"
`
	spec, err := p.AppSpecFor(Options{})(arn, served)
	t.Logf("rollback appspec:\n%s", spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`AfterAllowTestTraffic: "smoke-test"`, `PlatformVersion: "1.4.0"`, `CapacityProvider: "FARGATE_SPOT"`, w.subnets[0], w.sg} {
		if !strings.Contains(spec, want) {
			t.Errorf("rollback appspec lacks %q", want)
		}
	}
	if strings.Contains(spec, "subnet-0123456789abcdef0") {
		t.Error("rollback appspec took the old network instead of the service's")
	}
	if _, err := p.AppSpecFor(Options{})(arn, "Resources: ["); err == nil {
		t.Error("an unreadable served appspec was ignored")
	}
}

// Credentials that expire during the wait would leave the deployment
// unwatched and unstoppable: such a timeout is refused before registering.
func TestDeployRefusesATimeoutThatOutlivesTheCredentials(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	p, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Deploy(ctx, w.ecs, w.cd, DeployRequest{Options: Options{Mode: bundle.ModeDirect}, ImageURI: imageURI,
		CredentialsExpire: time.Now().Add(50 * time.Minute), Wait: deploy.Options{Timeout: time.Hour}})
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "--timeout 1h0m outlives the AWS credentials") {
		t.Fatalf("err = %v, want a refusal naming the timeout and the expiry", err)
	}
	if revs := w.revisions(t); len(revs) != 1 {
		t.Fatalf("revisions = %v, want nothing registered", revs)
	}
	list, err := w.cd.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp")})
	if err != nil || len(list.Deployments) != 0 {
		t.Fatalf("deployments = %v (%v), want none", list.Deployments, err)
	}
}
