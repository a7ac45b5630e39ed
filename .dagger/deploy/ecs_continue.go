package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// ServiceDeploymentContinuer reads a service deployment and acts on its
// paused lifecycle hooks; *ecs.Client satisfies it.
type ServiceDeploymentContinuer interface {
	DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
	ContinueServiceDeployment(ctx context.Context, in *ecs.ContinueServiceDeploymentInput, optFns ...func(*ecs.Options)) (*ecs.ContinueServiceDeploymentOutput, error)
}

var _ ServiceDeploymentContinuer = (*ecs.Client)(nil)

// ContinueService acts on the PAUSE hooks holding service deployment arn:
// with rollback false every hook awaiting action is continued (the
// deployment goes on to its next stage), with rollback true the first one is
// answered ROLLBACK (ECS rolls the deployment back). It returns what it did,
// one line per hook. A deployment no hook holds is refused, with its state.
func ContinueService(ctx context.Context, api ServiceDeploymentContinuer, arn string, rollback bool) (string, error) {
	if err := CheckServiceDeploymentARN(arn); err != nil {
		return "", err
	}
	out, err := api.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil {
		return "", fmt.Errorf("reading service deployment %s: %w", arn, err)
	}
	if len(out.ServiceDeployments) == 0 {
		return "", fmt.Errorf("service deployment %s not found", arn)
	}
	r := ServiceReport(out.ServiceDeployments[0])
	if len(r.Awaiting) == 0 {
		return "", fmt.Errorf("service deployment %s is not waiting at a PAUSE hook (status %s, stage %s): nothing to continue", arn, r.Status, r.Stage)
	}
	action, hooks := ecstypes.DeploymentLifecycleHookActionContinue, r.Awaiting
	if rollback {
		// One answer is enough: the rollback ends every pause.
		action, hooks = ecstypes.DeploymentLifecycleHookActionRollback, hooks[:1]
	}
	var did []string
	for _, id := range hooks {
		if _, err := api.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{
			ServiceDeploymentArn: aws.String(arn), HookId: aws.String(id), Action: action,
		}); err != nil {
			return strings.Join(did, "\n"), fmt.Errorf("ContinueServiceDeployment %s on hook %s of %s: %w", action, id, arn, err)
		}
		did = append(did, fmt.Sprintf("hook %s of service deployment %s: %s sent (stage %s)", id, arn, action, r.Stage))
	}
	if note := repeatsPerStep(out.ServiceDeployments[0]); note != "" && !rollback {
		did = append(did, note)
	}
	return strings.Join(did, "\n") + "\n", nil
}

// repeatsPerStep says when the pause just answered comes back: ECS runs the
// PRE_PRODUCTION_TRAFFIC_SHIFT hooks before every production traffic step of
// a linear or canary deployment, so one continue moves one step.
func repeatsPerStep(d ecstypes.ServiceDeployment) string {
	if d.LifecycleStage != ecsdeploy.StagePreProductionTrafficShift || d.DeploymentConfiguration == nil {
		return ""
	}
	switch s := d.DeploymentConfiguration.Strategy; s {
	case ecstypes.DeploymentStrategyLinear, ecstypes.DeploymentStrategyCanary:
		done, _ := ecsdeploy.Weights(d)
		return fmt.Sprintf("this pause comes back before every production traffic step of a %s deployment (production now %.4g%% on the new revision): continue it again at each step, or answer `continue --rollback`", s, done)
	}
	return ""
}
