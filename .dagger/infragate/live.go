package infragate

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/stackout"
)

// unfinishedCodeDeploy are the CodeDeploy statuses of a deployment that has
// not ended: created or queued, shifting traffic, waiting for a manual
// reroute (Ready), or baking before the old tasks are terminated.
var unfinishedCodeDeploy = []cdtypes.DeploymentStatus{
	cdtypes.DeploymentStatusCreated, cdtypes.DeploymentStatusQueued, cdtypes.DeploymentStatusInProgress,
	cdtypes.DeploymentStatusReady, cdtypes.DeploymentStatusBaking,
}

// unfinishedECS are the service-deployment statuses that have not ended.
var unfinishedECS = []ecstypes.ServiceDeploymentStatus{
	ecstypes.ServiceDeploymentStatusPending, ecstypes.ServiceDeploymentStatusInProgress,
	ecstypes.ServiceDeploymentStatusStopRequested, ecstypes.ServiceDeploymentStatusRollbackRequested,
	ecstypes.ServiceDeploymentStatusRollbackInProgress,
}

// Clients are the readers the live-state checks use. CodeDeploy and ECS may
// be nil when the stack's mode never needs them.
type Clients struct {
	CloudFormation CloudFormationAPI
	CodeDeploy     CodeDeployLister
	ECS            ServiceDeploymentLister
	// ELB reads the listeners new or rewritten routes join; nil refuses
	// every such route (what serves the listener cannot be told).
	ELB ListenerReader
}

// ReadLive reads what the gate must know about the service behind a stack:
// its deployment mode (the DeploymentMode output), and every CodeDeploy or
// ECS service deployment in progress on it. A stack that does not exist yet,
// or has no service outputs, has no live service. checkDeployments false
// skips the deployment checks (the class is allowed).
func ReadLive(ctx context.Context, c Clients, stack string, checkDeployments bool) (changeset.Live, error) {
	outputs, err := stackOutputs(ctx, c.CloudFormation, stack)
	if err != nil || outputs == nil {
		return changeset.Live{}, err
	}
	live := changeset.Live{Mode: outputs[stackout.KeyDeploymentMode]}
	if !checkDeployments {
		return live, nil
	}
	skip := changeset.Allowance{Class: changeset.DeploymentInProgress, Stack: stack}
	app, group := outputs[stackout.KeyCodeDeployApplication], outputs[stackout.KeyDeploymentGroup]
	if app != "" && group != "" && c.CodeDeploy != nil {
		running, err := CodeDeployInProgress(ctx, c.CodeDeploy, app, group)
		if err != nil {
			return live, fmt.Errorf("%w; pass --allow %s to skip the check", err, skip)
		}
		live.InProgress = append(live.InProgress, running...)
	}
	cluster, service := outputs[stackout.KeyClusterName], outputs[stackout.KeyServiceName]
	if live.Mode == changeset.ModeECS && cluster != "" && service != "" && c.ECS != nil {
		running, err := ECSDeploymentInProgress(ctx, c.ECS, cluster, service)
		if err != nil {
			return live, fmt.Errorf("%w; pass --allow %s to skip the check", err, skip)
		}
		live.InProgress = append(live.InProgress, running...)
	}
	return live, nil
}

// stackOutputs returns a stack's outputs, or nil when the stack does not
// exist (or only exists as the placeholder a first change set creates).
func stackOutputs(ctx context.Context, api CloudFormationAPI, stack string) (map[string]string, error) {
	out, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		if IsNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("reading stack %s (cloudformation:DescribeStacks): %w", stack, err)
	}
	if len(out.Stacks) == 0 || out.Stacks[0].StackStatus == "REVIEW_IN_PROGRESS" {
		return nil, nil
	}
	outputs := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return outputs, nil
}

// CodeDeployInProgress describes every unfinished deployment of a
// deployment group, e.g. "CodeDeploy deployment d-ABC123 of shop/shop-dg is
// not finished".
func CodeDeployInProgress(ctx context.Context, api CodeDeployLister, app, group string) ([]string, error) {
	var out []string
	var token *string
	for {
		page, err := api.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{
			ApplicationName: aws.String(app), DeploymentGroupName: aws.String(group),
			IncludeOnlyStatuses: unfinishedCodeDeploy, NextToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("checking for CodeDeploy deployments in progress on %s/%s (codedeploy:ListDeployments): %w", app, group, err)
		}
		for _, id := range page.Deployments {
			out = append(out, fmt.Sprintf("CodeDeploy deployment %s of %s/%s is not finished", id, app, group))
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		token = page.NextToken
	}
}

// ECSDeploymentInProgress describes every unfinished ECS service deployment
// of a service (rolling, blue/green, linear or canary: the ECS controller
// records each as a service deployment), marking the service's current one.
// A service that does not exist (yet) has none.
func ECSDeploymentInProgress(ctx context.Context, api ServiceDeploymentLister, cluster, service string) ([]string, error) {
	svc, err := api.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil {
		return nil, fmt.Errorf("checking service %s/%s (ecs:DescribeServices): %w", cluster, service, err)
	}
	if len(svc.Services) == 0 {
		return nil, nil
	}
	current := aws.ToString(svc.Services[0].CurrentServiceDeployment)
	var out []string
	seen := map[string]bool{}
	var token *string
	for {
		page, err := api.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{
			Cluster: aws.String(cluster), Service: aws.String(service), Status: unfinishedECS, NextToken: token,
		})
		if err != nil {
			return nil, fmt.Errorf("checking for service deployments in progress on %s/%s (ecs:ListServiceDeployments): %w", cluster, service, err)
		}
		for _, d := range page.ServiceDeployments {
			arn := aws.ToString(d.ServiceDeploymentArn)
			if seen[arn] {
				continue
			}
			seen[arn] = true
			line := fmt.Sprintf("ECS service deployment %s of %s/%s is %s", arn, cluster, service, d.Status)
			if arn == current {
				line += " (the service's current deployment)"
			}
			out = append(out, line)
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		token = page.NextToken
	}
}
