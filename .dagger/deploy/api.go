package deploy

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// TaskDefinitionRegistrar registers task definitions and, to recognise a
// revision it registered when the answer was lost, reads the family's newest
// revisions and their tags; it deregisters a revision it registered that
// nothing will ever run. *ecs.Client satisfies it.
type TaskDefinitionRegistrar interface {
	RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
	ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput, optFns ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// ServiceReader reads a service and a task definition, which is what a
// rollback needs to know what runs and what it goes back to; *ecs.Client
// satisfies it.
type ServiceReader interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// DeploymentCreator starts CodeDeploy deployments and, because
// CreateDeployment has no client token, finds the deployment a failed call
// may still have created (ListDeployments, GetDeployment);
// *codedeploy.Client satisfies it.
type DeploymentCreator interface {
	CreateDeployment(ctx context.Context, in *codedeploy.CreateDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.CreateDeploymentOutput, error)
	ListDeployments(ctx context.Context, in *codedeploy.ListDeploymentsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentsOutput, error)
	GetDeployment(ctx context.Context, in *codedeploy.GetDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
}

// GroupReader reads a deployment group's history and schedule;
// *codedeploy.Client satisfies it.
type GroupReader interface {
	ListDeployments(ctx context.Context, in *codedeploy.ListDeploymentsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentsOutput, error)
	GetDeployment(ctx context.Context, in *codedeploy.GetDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
	BatchGetDeployments(ctx context.Context, in *codedeploy.BatchGetDeploymentsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.BatchGetDeploymentsOutput, error)
	GetDeploymentGroup(ctx context.Context, in *codedeploy.GetDeploymentGroupInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentGroupOutput, error)
	GetDeploymentConfig(ctx context.Context, in *codedeploy.GetDeploymentConfigInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentConfigOutput, error)
}

// DeploymentReader reads a deployment and its ECS targets (lifecycle events,
// task sets and traffic weights); *codedeploy.Client satisfies it.
type DeploymentReader interface {
	GetDeployment(ctx context.Context, in *codedeploy.GetDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
	ListDeploymentTargets(ctx context.Context, in *codedeploy.ListDeploymentTargetsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentTargetsOutput, error)
	BatchGetDeploymentTargets(ctx context.Context, in *codedeploy.BatchGetDeploymentTargetsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.BatchGetDeploymentTargetsOutput, error)
}

// DeploymentWatcher follows a deployment and can stop it; it is what Wait
// needs. *codedeploy.Client satisfies it.
type DeploymentWatcher interface {
	DeploymentReader
	StopDeployment(ctx context.Context, in *codedeploy.StopDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.StopDeploymentOutput, error)
}

// CodeDeployAPI is every CodeDeploy call this package makes; it is what
// Rollback needs. *codedeploy.Client satisfies it.
type CodeDeployAPI interface {
	DeploymentCreator
	DeploymentWatcher
	GroupReader
}

// Compile-time proof that the SDK clients fit the interfaces.
var (
	_ TaskDefinitionRegistrar = (*ecs.Client)(nil)
	_ ServiceReader           = (*ecs.Client)(nil)
	_ CodeDeployAPI           = (*codedeploy.Client)(nil)
)
