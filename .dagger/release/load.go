package release

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/stackout"
)

// ECSReader reads the deployed service and its task definition;
// *ecs.Client satisfies it.
type ECSReader interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// Plan is what the infrastructure deployed and what serves now. A release
// starts from the task definition the stack registered (the template of
// record, whose shape the CDK code owns), not from the revision the service
// runs: a change of cpu, memory, environment, secrets, sidecars or logging
// in the CDK code reaches production with the next release, which prints
// how it differs from what runs (Changes) before registering anything. The
// release owns only the app container's image and its own tags; what
// belongs to the service (capacity-provider strategy, network) is read from
// the live service. No ARN is typed by hand.
type Plan struct {
	// Target is the service stack's outputs.
	Target stackout.ReleaseTarget
	// TaskDefinition is the template of record: the revision named by the
	// stack's TaskDefinitionArn output. A release derives its revision from
	// it.
	TaskDefinition *ecstypes.TaskDefinition
	// Tags are the template's tags. The module's own marks among them are
	// never carried to a release (see releaseTags).
	Tags []ecstypes.Tag
	// Running is the revision the service runs now, and RunningTags its
	// tags: what a release is compared with before it registers.
	Running     *ecstypes.TaskDefinition
	RunningTags []ecstypes.Tag
	// Strategy is the service's capacity-provider strategy, which the
	// appspec must repeat or CodeDeploy drops it. It is a property of the
	// service, not of the task definition: the live service's is the one
	// that serves, whatever the template says.
	Strategy []ecstypes.CapacityProviderStrategyItem
	// Subnets and SecurityGroups are the service's awsvpc configuration
	// (from the service itself, falling back to the stack outputs). The live
	// service's are what the running tasks use; a release must not move
	// them (in codedeploy mode UpdateService refuses a network change).
	Subnets, SecurityGroups []string
	// CurrentServiceDeployment is the service deployment ECS reports as the
	// service's current one (ecs mode), or "".
	CurrentServiceDeployment string
	// DeploymentConfiguration is the service's (strategy, bake times, hooks).
	DeploymentConfiguration *ecstypes.DeploymentConfiguration
}

// Load reads the stack outputs, the service and the task definition it runs.
func Load(ctx context.Context, cfg aws.Config, api ECSReader, stack string) (*Plan, error) {
	target, err := stackout.Read(ctx, cfg, stack)
	if err != nil {
		return nil, err
	}
	return LoadTarget(ctx, api, target)
}

// LoadTarget is Load for outputs already read.
func LoadTarget(ctx context.Context, api ECSReader, target stackout.ReleaseTarget) (*Plan, error) {
	if target.DeploymentMode == stackout.ModeHook {
		return nil, fmt.Errorf("stack %s deploys in hook mode (the CloudFormation blue/green hook): a release there is a stack update, publish the image, then run deploy-infra --cdk-context image=<repository>@sha256:<digest>", target.Stack)
	}
	out, err := api.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(target.ClusterName),
		Services: []string{target.ServiceName},
	})
	if err != nil {
		return nil, fmt.Errorf("describing service %s in cluster %s: %w", target.ServiceName, target.ClusterName, err)
	}
	if len(out.Services) == 0 {
		reasons := make([]string, 0, len(out.Failures))
		for _, f := range out.Failures {
			reasons = append(reasons, aws.ToString(f.Reason))
		}
		return nil, fmt.Errorf("service %s not found in cluster %s (%s): run deploy-infra for stack %s", target.ServiceName, target.ClusterName, strings.Join(reasons, "; "), target.Stack)
	}
	svc := out.Services[0]
	if s := aws.ToString(svc.Status); s != "" && s != "ACTIVE" {
		return nil, fmt.Errorf("service %s is %s, not ACTIVE: nothing can be deployed to it", target.ServiceName, s)
	}
	if err := checkController(target, svc.DeploymentController); err != nil {
		return nil, err
	}
	if target.TaskDefinitionArn == "" {
		return nil, fmt.Errorf("stack %s has no %s output, the task definition a release starts from: run deploy-infra for that stack", target.Stack, stackout.KeyTaskDefinitionArn)
	}
	template, tags, err := describe(ctx, api, target.TaskDefinitionArn)
	if err != nil {
		return nil, fmt.Errorf("describing task definition %s, the template of record (output %s of stack %s): %w; run deploy-infra for that stack to register it",
			target.TaskDefinitionArn, stackout.KeyTaskDefinitionArn, target.Stack, err)
	}
	p := &Plan{
		Target:         target,
		TaskDefinition: template,
		Tags:           tags,
		Running:        template,
		RunningTags:    tags,
		Strategy:       svc.CapacityProviderStrategy,
		Subnets:        target.Subnets,
		SecurityGroups: target.SecurityGroups,

		CurrentServiceDeployment: aws.ToString(svc.CurrentServiceDeployment),
		DeploymentConfiguration:  svc.DeploymentConfiguration,
	}
	// A service that does not name its revision (an emulator) is taken to
	// run the template.
	if running := aws.ToString(svc.TaskDefinition); running != "" && running != aws.ToString(template.TaskDefinitionArn) {
		if p.Running, p.RunningTags, err = describe(ctx, api, running); err != nil {
			return nil, fmt.Errorf("describing task definition %s of service %s: %w", running, target.ServiceName, err)
		}
	}
	if nc := svc.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil && len(nc.AwsvpcConfiguration.Subnets) > 0 {
		p.Subnets = nc.AwsvpcConfiguration.Subnets
		p.SecurityGroups = nc.AwsvpcConfiguration.SecurityGroups
	}
	return p, nil
}

// describe reads a task definition with its tags.
func describe(ctx context.Context, api ECSReader, arn string) (*ecstypes.TaskDefinition, []ecstypes.Tag, error) {
	out, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(arn),
		Include:        []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		return nil, nil, err
	}
	if out.TaskDefinition == nil {
		return nil, nil, fmt.Errorf("the answer carries no task definition")
	}
	return out.TaskDefinition, out.Tags, nil
}

// checkController refuses a service whose deployment controller is not the
// one the stack's DeploymentMode output says: CODE_DEPLOY in codedeploy
// mode, ECS in ecs mode (a stack half-way through a migration between them).
func checkController(target stackout.ReleaseTarget, c *ecstypes.DeploymentController) error {
	want := ecstypes.DeploymentControllerTypeCodeDeploy
	if target.DeploymentMode == stackout.ModeECS {
		want = ecstypes.DeploymentControllerTypeEcs
	}
	// A service that does not say (an emulator) is taken at the stack's word.
	if c == nil || c.Type == "" {
		return nil
	}
	if got := c.Type; got != want {
		return fmt.Errorf("service %s uses the %s deployment controller but stack %s says deployment mode %s, which needs %s: finish the deploy-infra of that stack first",
			target.ServiceName, c.Type, target.Stack, target.DeploymentMode, want)
	}
	return nil
}

// Native reports whether the stack deploys with the ECS controller's own
// blue/green, linear or canary (deployment mode ecs).
func (p *Plan) Native() bool { return p.Target.DeploymentMode == stackout.ModeECS }

// ServiceDeployment returns arn when given, else the service's current
// service deployment (ecs mode): what status, rollback and continue act on
// by default.
func (p *Plan) ServiceDeployment(arn string) (string, error) {
	if !p.Native() {
		return "", fmt.Errorf("stack %s deploys in %s mode: service deployments exist only in ecs mode", p.Target.Stack, p.Target.DeploymentMode)
	}
	if arn != "" {
		return arn, nil
	}
	if p.CurrentServiceDeployment == "" {
		return "", fmt.Errorf("service %s reports no current service deployment: pass --deployment <service deployment ARN>", p.Target.ServiceName)
	}
	return p.CurrentServiceDeployment, nil
}
