// Package infragate is the change-set gate of deploy-infra and diff: it reads
// a prepared CloudFormation change set (every page, with property values),
// reads the live service behind the stack (its mode, and any CodeDeploy or
// ECS service deployment in progress), has the changeset package classify
// and decide, and then executes the change set, following the stack's events
// to the end, or deletes it.
package infragate

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// CloudFormationAPI is every CloudFormation call the gate makes;
// *cloudformation.Client satisfies it.
type CloudFormationAPI interface {
	DescribeChangeSet(ctx context.Context, in *cloudformation.DescribeChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error)
	ExecuteChangeSet(ctx context.Context, in *cloudformation.ExecuteChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error)
	DeleteChangeSet(ctx context.Context, in *cloudformation.DeleteChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error)
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
	DeleteStack(ctx context.Context, in *cloudformation.DeleteStackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
}

// CodeDeployLister lists a deployment group's deployments;
// *codedeploy.Client satisfies it.
type CodeDeployLister interface {
	ListDeployments(ctx context.Context, in *codedeploy.ListDeploymentsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentsOutput, error)
}

// ServiceDeploymentLister reads an ECS service's current service deployment
// and lists its unfinished ones; *ecs.Client satisfies it.
type ServiceDeploymentLister interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
}

// Compile-time proof that the SDK clients fit.
var (
	_ CloudFormationAPI       = (*cloudformation.Client)(nil)
	_ CodeDeployLister        = (*codedeploy.Client)(nil)
	_ ServiceDeploymentLister = (*ecs.Client)(nil)
)
