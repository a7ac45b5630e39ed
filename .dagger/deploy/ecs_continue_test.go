package deploy

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// pausedDeployment answers one service deployment and records continues.
type pausedDeployment struct {
	d    ecstypes.ServiceDeployment
	sent []ecstypes.DeploymentLifecycleHookAction
}

func (p *pausedDeployment) DescribeServiceDeployments(context.Context, *ecs.DescribeServiceDeploymentsInput, ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	return &ecs.DescribeServiceDeploymentsOutput{ServiceDeployments: []ecstypes.ServiceDeployment{p.d}}, nil
}

func (p *pausedDeployment) ContinueServiceDeployment(_ context.Context, in *ecs.ContinueServiceDeploymentInput, _ ...func(*ecs.Options)) (*ecs.ContinueServiceDeploymentOutput, error) {
	p.sent = append(p.sent, in.Action)
	return &ecs.ContinueServiceDeploymentOutput{}, nil
}

func TestContinueSaysAPerStepPauseComesBack(t *testing.T) {
	const arn = "arn:aws:ecs:us-east-1:123456789012:service-deployment/web/webapp/AbCdEf0123456789"
	paused := func(stage ecstypes.ServiceDeploymentLifecycleStage, strategy ecstypes.DeploymentStrategy, weight float64) *pausedDeployment {
		return &pausedDeployment{d: ecstypes.ServiceDeployment{
			ServiceDeploymentArn:    aws.String(arn),
			Status:                  ecstypes.ServiceDeploymentStatusInProgress,
			LifecycleStage:          stage,
			DeploymentConfiguration: &ecstypes.DeploymentConfiguration{Strategy: strategy},
			TargetServiceRevision:   &ecstypes.ServiceRevisionSummary{RequestedProductionTrafficWeight: aws.Float64(weight)},
			LifecycleHookDetails: []ecstypes.DeploymentLifecycleHookDetail{{
				HookId: aws.String("b7c1e0de-0000-4000-8000-000000000001"), Status: ecstypes.DeploymentLifecycleHookStatusAwaitingAction,
			}},
		}}
	}
	for _, c := range []struct {
		name     string
		api      *pausedDeployment
		rollback bool
		repeats  bool
	}{
		{"linear step", paused(ecsdeploy.StagePreProductionTrafficShift, ecstypes.DeploymentStrategyLinear, 20), false, true},
		{"canary step", paused(ecsdeploy.StagePreProductionTrafficShift, ecstypes.DeploymentStrategyCanary, 5), false, true},
		{"blue/green shifts once", paused(ecsdeploy.StagePreProductionTrafficShift, ecstypes.DeploymentStrategyBlueGreen, 0), false, false},
		{"another stage", paused(ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift, ecstypes.DeploymentStrategyLinear, 0), false, false},
		{"a rollback ends every pause", paused(ecsdeploy.StagePreProductionTrafficShift, ecstypes.DeploymentStrategyLinear, 20), true, false},
	} {
		out, err := ContinueService(context.Background(), c.api, arn, c.rollback)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := strings.Contains(out, "comes back before every production traffic step"); got != c.repeats {
			t.Errorf("%s: says the pause repeats = %t, want %t:\n%s", c.name, got, c.repeats, out)
		}
		if len(c.api.sent) != 1 {
			t.Errorf("%s: %d answers sent, want one", c.name, len(c.api.sent))
		}
	}
}
