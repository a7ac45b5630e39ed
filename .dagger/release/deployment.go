package release

import (
	"context"
	"fmt"

	"dagger/ecs-bluegreen/deploy"
)

// DeploymentRef is the deployment status, rollback or continue acts on.
type DeploymentRef struct {
	// ID is a CodeDeploy deployment id, or a service deployment ARN.
	ID string
	// Native is true for an ECS service deployment (ecs mode).
	Native bool
}

// ResolveDeployment reads what the user gave: a service deployment ARN is
// taken as it is, any other id as a CodeDeploy deployment; with none, load
// reads the stack and, in ecs mode, the service's current service deployment
// is the one (a CodeDeploy stack has no "current" to default to).
func ResolveDeployment(ctx context.Context, id string, load func(context.Context) (*Plan, error)) (DeploymentRef, error) {
	switch {
	case deploy.CheckServiceDeploymentARN(id) == nil:
		return DeploymentRef{ID: id, Native: true}, nil
	case id != "":
		return DeploymentRef{ID: id}, nil
	}
	plan, err := load(ctx)
	if err != nil {
		return DeploymentRef{}, err
	}
	if !plan.Native() {
		return DeploymentRef{}, fmt.Errorf("stack %s deploys with CodeDeploy: pass --deployment-id (e.g. d-ABCDEF123)", plan.Target.Stack)
	}
	arn, err := plan.ServiceDeployment("")
	return DeploymentRef{ID: arn, Native: true}, err
}
