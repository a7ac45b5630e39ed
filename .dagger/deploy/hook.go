package deploy

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// In hook mode CloudFormation runs the blue/green deployment: a stack update
// that changes the task definition makes the AWS::CodeDeploy::BlueGreen hook
// start a CodeDeploy deployment in a deployment group the hook itself
// created. The stack declares no outputs (the transform forbids them), so
// that deployment is found through the stack's events, whose status reasons
// for the hook name it.

// HookTransform is the transform a hook-mode service stack declares.
const HookTransform = "AWS::CodeDeployBlueGreen"

// hookResourceType is the resource type of the hook in stack events.
const hookResourceType = "AWS::CodeDeploy::BlueGreen"

// StackReader reads what hook mode needs of a stack: its declared
// transforms and its events; *cloudformation.Client satisfies it.
type StackReader interface {
	GetTemplateSummary(ctx context.Context, in *cloudformation.GetTemplateSummaryInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetTemplateSummaryOutput, error)
	DescribeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
}

var _ StackReader = (*cloudformation.Client)(nil)

// IsHookStack reports whether stack's template declares the blue/green
// transform, i.e. the stack deploys in hook mode.
func IsHookStack(ctx context.Context, api StackReader, stack string) (bool, error) {
	out, err := api.GetTemplateSummary(ctx, &cloudformation.GetTemplateSummaryInput{StackName: aws.String(stack)})
	if err != nil {
		return false, fmt.Errorf("reading the template summary of stack %s: %w", stack, err)
	}
	return slices.Contains(out.DeclaredTransforms, HookTransform), nil
}

// hookEventPages bounds how far back the stack's events are read.
const hookEventPages = 10

// deploymentIDPattern finds a CodeDeploy deployment id in a status reason.
var deploymentIDPattern = regexp.MustCompile(`\bd-[A-Z0-9]{9}\b`)

// HookDeployment returns the CodeDeploy deployment the stack's blue/green
// hook started most recently, read from the stack's events (newest first).
func HookDeployment(ctx context.Context, api StackReader, stack string) (string, error) {
	in := &cloudformation.DescribeStackEventsInput{StackName: aws.String(stack)}
	for page := 0; page < hookEventPages; page++ {
		out, err := api.DescribeStackEvents(ctx, in)
		if err != nil {
			return "", fmt.Errorf("reading the events of stack %s: %w", stack, err)
		}
		for _, e := range out.StackEvents {
			if aws.ToString(e.ResourceType) != hookResourceType {
				continue
			}
			if id := deploymentIDPattern.FindString(aws.ToString(e.ResourceStatusReason)); id != "" {
				return id, nil
			}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	return "", fmt.Errorf("stack %s deploys in hook mode, but none of its recent events names a CodeDeploy deployment of its blue/green hook: no stack update has changed the image or task definition yet", stack)
}

// HookRollback explains how a release is undone in hook mode, where it is a
// stack update, and names the image to go back to: current is the hook's
// latest deployment; the release that served before it is found in the
// hook's deployment group's history as in codedeploy mode, and the stack
// update that restores it is printed ready to paste.
func HookRollback(ctx context.Context, cd CodeDeployAPI, td ServiceReader, stack, current string, appSpecs AppSpecObjectReader) (string, error) {
	r, err := readDeployment(ctx, cd, current)
	if err != nil {
		return "", err
	}
	intro := fmt.Sprintf("stack %s deploys in hook mode: CloudFormation runs the blue/green deployment, so a rollback is a stack update with the previous image.", stack)
	if isActive(r.Status) {
		return fmt.Sprintf("%s\nThe stack update's deployment %s is still %s: cancel the update (aws cloudformation cancel-update-stack --stack-name %s) and CloudFormation's blue/green hook moves traffic back to the original task set; follow it with `dagger call status --stack %s`.\n",
			intro, current, r.Status, stack, stack), nil
	}
	t := Target{Application: r.Application, DeploymentGroup: r.DeploymentGroup, Service: stack}
	hist, err := groupHistory(ctx, cd, t)
	if err != nil {
		return "", err
	}
	resolve := func(r *Report) error { return resolveRevision(ctx, appSpecs, r) }
	// What serves now is the newest release that succeeded. One whose
	// revision cannot be read is not skipped: the one before it would be
	// taken for the current release, and the advice would go two back.
	var now string
	for i := range hist {
		h := &hist[i]
		if h.Status != "Succeeded" || isCodeDeployRollback(*h) {
			continue
		}
		if err := resolve(h); err != nil {
			return "", fmt.Errorf("%s %w; that is the newest release that succeeded, so what serves now, and the release before it, are unknown — let the caller read it (s3:GetObject on it)", intro, err)
		}
		now = h.TaskDefinition
		break
	}
	if now == "" {
		return "", fmt.Errorf("%s The hook's deployment group %s has no succeeded deployment naming its task definition, so the image to go back to is unknown", intro, r.DeploymentGroup)
	}
	served, err := chooseServed(hist, now, nil, t, resolve)
	if err != nil {
		return "", fmt.Errorf("%s %w", intro, err)
	}
	images, err := imagesOf(ctx, td, served.TaskDefinition)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nThe release before the current one ran %s (deployment %s). Roll back by updating the stack with its image ($AWS: the credential arguments of your other calls):\n", intro, shortTaskDefinition(served.TaskDefinition), served.ID)
	for _, img := range images {
		if !strings.Contains(img, "@sha256:") {
			fmt.Fprintf(&b, "  (image %s is not pinned by digest; pin it before the update)\n", img)
			continue
		}
		fmt.Fprintf(&b, "  dagger call $AWS deploy-infra --stacks %s --cdk-context image=%s\n", stack, img)
	}
	return b.String(), nil
}

// imagesOf returns the container images of a task definition.
func imagesOf(ctx context.Context, svc ServiceReader, arn string) ([]string, error) {
	out, err := svc.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("describing task definition %s, the rollback target: %w", arn, err)
	}
	if out.TaskDefinition == nil {
		return nil, fmt.Errorf("describing task definition %s, the rollback target: no task definition in the answer", arn)
	}
	var images []string
	for _, c := range out.TaskDefinition.ContainerDefinitions {
		images = append(images, aws.ToString(c.Image))
	}
	return images, nil
}
