package livestate

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ServiceAPI is the part of the ECS client Read uses.
type ServiceAPI interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// readService reads the task definition revision the stack's service runs.
//
// In ecs mode the template puts exactly that revision on the service
// (liveTaskDefinition): CloudFormation sends every property of a service on
// any update of it, and for the ECS controller a task definition in an
// UpdateService is a deployment, so a template with any other revision would
// roll it out. The CDK task definition stays in the template as the template
// of record, which the next release starts from. In codedeploy mode the
// template names the task family, which never changes; the revision is read
// all the same, so that a re-read right before the change set notices a
// release that finished since the synth.
//
// In hook mode the stack update is the release and the task definition
// resource is what the blue/green hook deploys, so the template keeps its
// own task definition; what it must not change on an infrastructure update
// is the image, read here from the revision the primary task set runs.
//
// A service with a deployment in flight (more than one deployment or task
// set) is an error, like a listener caught mid-shift: what serves is about
// to change.
func readService(ctx context.Context, api ServiceAPI, s *State, cluster, service string) error {
	if service == "" {
		return nil // never created
	}
	in := &ecs.DescribeServicesInput{Services: []string{service}}
	if cluster != "" {
		in.Cluster = aws.String(cluster)
	}
	out, err := api.DescribeServices(ctx, in)
	if err != nil {
		return fmt.Errorf("reading the service of %s (ecs:DescribeServices): %w", s.Stack, err)
	}
	if len(out.Services) == 0 {
		reason := "not found"
		if len(out.Failures) > 0 {
			reason = aws.ToString(out.Failures[0].Reason)
		}
		return fmt.Errorf("the service %s of %s (cluster %s): %s; is the stack being changed? Run deploy-infra again when it is stable", service, s.Stack, cluster, reason)
	}
	svc := out.Services[0]
	if status := aws.ToString(svc.Status); status != "" && status != "ACTIVE" {
		return nil // draining or gone: nothing serves from it any more
	}
	if err := settled(svc); err != nil {
		return fmt.Errorf("the service %s of %s: %w; let it finish or roll back before deploy-infra", aws.ToString(svc.ServiceName), s.Stack, err)
	}
	arn := runningTaskDefinition(svc)
	if arn == "" {
		return fmt.Errorf("the service %s of %s reports no task definition", aws.ToString(svc.ServiceName), s.Stack)
	}
	if s.Mode != "hook" {
		s.TaskDefinition = arn
		return nil
	}
	td, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
	if err != nil {
		return fmt.Errorf("reading task definition %s of %s (ecs:DescribeTaskDefinition): %w", arn, s.Stack, err)
	}
	if td.TaskDefinition == nil {
		return fmt.Errorf("task definition %s of %s: not found", arn, s.Stack)
	}
	image, err := appImage(td.TaskDefinition.ContainerDefinitions, strings.TrimSuffix(s.Stack, "-service"))
	if err != nil {
		return fmt.Errorf("task definition %s of %s: %w", arn, s.Stack, err)
	}
	s.Image = image
	return nil
}

// settled reports a deployment in flight: two task sets not draining
// (CODE_DEPLOY and EXTERNAL controllers) or two deployments not inactive
// (ECS controller, including the bake, while the old revision can still take
// the traffic back).
func settled(svc ecstypes.Service) error {
	var sets []string
	for _, ts := range svc.TaskSets {
		if st := aws.ToString(ts.Status); st != "DRAINING" {
			sets = append(sets, aws.ToString(ts.Id)+" "+st)
		}
	}
	if len(sets) > 1 {
		return fmt.Errorf("a deployment is in progress (task sets %s)", strings.Join(sets, ", "))
	}
	var ds []string
	for _, d := range svc.Deployments {
		if st := aws.ToString(d.Status); st != "INACTIVE" {
			ds = append(ds, aws.ToString(d.Id)+" "+st)
		}
	}
	if len(ds) > 1 {
		return fmt.Errorf("a deployment is in progress (deployments %s)", strings.Join(ds, ", "))
	}
	return nil
}

// runningTaskDefinition is the revision serving production: the PRIMARY
// task set's (CODE_DEPLOY and EXTERNAL controllers), else the service's.
func runningTaskDefinition(svc ecstypes.Service) string {
	for _, ts := range svc.TaskSets {
		if aws.ToString(ts.Status) == "PRIMARY" && aws.ToString(ts.TaskDefinition) != "" {
			return aws.ToString(ts.TaskDefinition)
		}
	}
	return aws.ToString(svc.TaskDefinition)
}

// appImage is the image of the app's container: the one named after the
// app (the infra app names it so), or the only one.
func appImage(containers []ecstypes.ContainerDefinition, app string) (string, error) {
	for _, c := range containers {
		if aws.ToString(c.Name) == app && aws.ToString(c.Image) != "" {
			return aws.ToString(c.Image), nil
		}
	}
	if len(containers) == 1 && aws.ToString(containers[0].Image) != "" {
		return aws.ToString(containers[0].Image), nil
	}
	return "", fmt.Errorf("no container named %s with an image", app)
}
