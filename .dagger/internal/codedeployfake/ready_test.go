package codedeployfake_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// readyGroup adds a group on the seeded service that waits for a person
// before rerouting (STOP_DEPLOYMENT, 30 minutes), shifts linearly and
// terminates the original task set at once.
func (w *world) readyGroup(t *testing.T) {
	t.Helper()
	g, err := w.cd.GetDeploymentGroup(context.Background(), &codedeploy.GetDeploymentGroupInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp-dg")})
	if err != nil {
		t.Fatal(err)
	}
	info := g.DeploymentGroupInfo
	_, err = w.cd.CreateDeploymentGroup(context.Background(), &codedeploy.CreateDeploymentGroupInput{
		ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp-ready"), ServiceRoleArn: info.ServiceRoleArn,
		DeploymentConfigName: aws.String("CodeDeployDefault.ECSLinear10PercentEvery1Minutes"),
		EcsServices:          info.EcsServices, LoadBalancerInfo: info.LoadBalancerInfo,
		BlueGreenDeploymentConfiguration: &cdtypes.BlueGreenDeploymentConfiguration{
			DeploymentReadyOption: &cdtypes.DeploymentReadyOption{ActionOnTimeout: cdtypes.DeploymentReadyActionStopDeployment, WaitTimeInMinutes: 30},
		},
	})
	if err != nil {
		t.Fatalf("CreateDeploymentGroup: %v", err)
	}
}

func (w *world) createIn(t *testing.T, group, taskDef string) string {
	t.Helper()
	out, err := w.cd.CreateDeployment(context.Background(), &codedeploy.CreateDeploymentInput{
		ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String(group),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent, AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(`{"Resources":[{"TargetService":{"Type":"AWS::ECS::Service","Properties":{"TaskDefinition":"` + taskDef + `"}}}]}`)}},
	})
	if err != nil {
		t.Fatalf("CreateDeployment: %v", err)
	}
	return aws.ToString(out.DeploymentId)
}

func TestReadyWaitHoldsUntilContinuedThenShiftsLinearly(t *testing.T) {
	w := newWorld(t)
	w.readyGroup(t)
	id := w.createIn(t, "webapp-ready", w.v2)
	w.clock.Advance(5 * time.Minute)
	if d := w.get(t, id); d.Status != cdtypes.DeploymentStatusReady {
		t.Fatalf("after the test traffic events status = %s, want Ready", d.Status)
	}
	if wt := w.prodWeights(t); wt["webapp-blue"] != 100 {
		t.Fatalf("production moved before anybody continued: %v", wt)
	}
	ctx := context.Background()
	_, err := w.cd.ContinueDeployment(ctx, &codedeploy.ContinueDeploymentInput{DeploymentId: aws.String(id), DeploymentWaitType: cdtypes.DeploymentWaitTypeTerminationWait})
	var notReady *cdtypes.DeploymentIsNotInReadyStateException
	if !errors.As(err, &notReady) {
		t.Fatalf("TERMINATION_WAIT on a Ready deployment: %v, want DeploymentIsNotInReadyStateException", err)
	}
	if _, err := w.cd.ContinueDeployment(ctx, &codedeploy.ContinueDeploymentInput{DeploymentId: aws.String(id), DeploymentWaitType: cdtypes.DeploymentWaitTypeReadyWait}); err != nil {
		t.Fatalf("ContinueDeployment READY_WAIT: %v", err)
	}
	// BeforeAllowTraffic (10 s), then 10 % a minute: 3.5 minutes in, 40 %.
	w.clock.Advance(10*time.Second + 3*time.Minute + 30*time.Second)
	if wt := w.prodWeights(t); wt["webapp-green"] != 40 || wt["webapp-blue"] != 60 {
		t.Fatalf("linear shift 3.5 minutes in: weights %v, want green 40 blue 60", wt)
	}
	w.clock.Advance(6 * time.Minute) // the last step, then AfterAllowTraffic
	if d := w.get(t, id); d.Status != cdtypes.DeploymentStatusSucceeded {
		t.Fatalf("after the linear shift status = %s, want Succeeded (no termination wait)", d.Status)
	}
	if wt := w.prodWeights(t); wt["webapp-green"] != 100 {
		t.Fatalf("after the linear shift weights %v, want all on green", wt)
	}
}

func TestReadyWaitTimesOutStopped(t *testing.T) {
	w := newWorld(t)
	w.readyGroup(t)
	id := w.createIn(t, "webapp-ready", w.v2)
	w.clock.Advance(2*time.Minute + 30*time.Minute)
	d := w.get(t, id)
	if d.Status != cdtypes.DeploymentStatusStopped || d.ErrorInformation == nil || d.ErrorInformation.Code != "TIMEOUT" || d.CompleteTime == nil {
		t.Fatalf("after the ready wait status = %s, error %+v, complete %v; want Stopped with TIMEOUT", d.Status, d.ErrorInformation, d.CompleteTime)
	}
	if tg := w.target(t, id); tg.Status != cdtypes.TargetStatusFailed {
		t.Fatalf("target status = %s, want Failed", tg.Status)
	}
}

func TestRefusesWhatCodeDeployRefuses(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	check := func(name string, err error, want any) {
		t.Helper()
		if err == nil || !errors.As(err, want) {
			t.Errorf("%s: %v, want %T", name, err, want)
		}
	}
	_, err := w.cd.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("nope"), DeploymentGroupName: aws.String("webapp-dg")})
	check("unknown application", err, new(*cdtypes.ApplicationDoesNotExistException))
	_, err = w.cd.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("nope")})
	check("unknown group", err, new(*cdtypes.DeploymentGroupDoesNotExistException))
	_, err = w.cd.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp-dg")})
	check("no revision", err, new(*cdtypes.RevisionRequiredException))
	_, err = w.cd.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("webapp")})
	check("application twice", err, new(*cdtypes.ApplicationAlreadyExistsException))
	_, err = w.cd.GetDeploymentConfig(ctx, &codedeploy.GetDeploymentConfigInput{DeploymentConfigName: aws.String("nope")})
	check("unknown configuration", err, new(*cdtypes.DeploymentConfigDoesNotExistException))
	_, err = w.cd.BatchGetDeployments(ctx, &codedeploy.BatchGetDeploymentsInput{DeploymentIds: make([]string, 26)})
	check("26 ids", err, new(*cdtypes.BatchLimitExceededException))
	cfg, err := w.cd.GetDeploymentConfig(ctx, &codedeploy.GetDeploymentConfigInput{DeploymentConfigName: aws.String("webapp-canary-10-percent-10-minutes")})
	if err != nil || cfg.DeploymentConfigInfo.TrafficRoutingConfig.TimeBasedCanary.CanaryInterval != 10 {
		t.Errorf("the seeded canary configuration: %+v, %v", cfg, err)
	}
}
