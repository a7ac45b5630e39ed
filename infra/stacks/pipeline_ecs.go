package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	actions "github.com/aws/aws-cdk-go/awscdk/v2/awscodepipelineactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// ImageDefinitionsFile is the artifact file the ECS deploy action reads in
// ecs mode: [{"name": <container>, "imageUri": <image>}].
const ImageDefinitionsFile = "imagedefinitions.json"

// ecsDeployStage deploys with CodePipeline's standard ECS action: it
// registers the image into a new task definition revision and updates the
// service, and ECS runs the blue/green, linear or canary deployment the
// service is configured for. The action waits at most 60 minutes (its
// limit); config refuses a deployment that could take longer
// (config.EcsDeployActionMaxMinutes), since the stage would fail while ECS
// carries on.
// The action acts as a role of the stack's own (returned, like
// codeDeployStage's), without the iam:PassRole on `*` CDK would grant.
func ecsDeployStage(stack awscdk.Stack, cfg config.Config, service *ServiceStack, built awscodepipeline.Artifact, pipelineRole awsiam.IRole) (*awscodepipeline.StageProps, awsiam.Role) {
	role := actionRole(stack, "EcsDeployActionRole", "ECS deploy action of the "+cfg.AppName+" pipeline", pipelineRole)
	// The service has a fixed name in a fixed cluster, so its ARN is known
	// here without a cross-stack reference: updating and reading it is
	// granted on that service only. The other calls have no resource-level
	// form (RegisterTaskDefinition, DescribeTaskDefinition, ListTasks) or
	// name tasks whose ids are not known in advance (DescribeTasks, scoped
	// to the cluster's tasks).
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("UpdateTheService"),
		Actions:   jsii.Strings("ecs:DescribeServices", "ecs:UpdateService"),
		Resources: jsii.Strings(*serviceArn(stack, cfg)),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("ReadTasks"),
		Actions: jsii.Strings("ecs:DescribeTasks"),
		Resources: jsii.Strings(*stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("ecs"), Resource: jsii.String("task"), ResourceName: jsii.String(cfg.AppName + "/*"),
		})),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("RegisterRevisions"),
		Actions:   jsii.Strings("ecs:DescribeTaskDefinition", "ecs:ListTasks", "ecs:RegisterTaskDefinition"),
		Resources: jsii.Strings("*"),
	}))
	grantRegisterAndPass(role, service)
	return &awscodepipeline.StageProps{
		StageName: jsii.String("Deploy"),
		Actions: &[]awscodepipeline.IAction{
			actions.NewEcsDeployAction(&actions.EcsDeployActionProps{
				ActionName:        jsii.String("EcsBlueGreen"),
				Role:              immutable(stack, "EcsDeployActionRoleRef", role),
				Service:           service.Service,
				ImageFile:         built.AtPath(jsii.String(ImageDefinitionsFile)),
				DeploymentTimeout: awscdk.Duration_Minutes(jsii.Number(config.EcsDeployActionMaxMinutes)),
			}),
		},
	}, role
}

// serviceArn is the app's ECS service: cluster and service are both named
// after the app (long ARN format, service/<cluster>/<service>).
func serviceArn(stack awscdk.Stack, cfg config.Config) *string {
	return stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("ecs"), Resource: jsii.String("service"),
		ResourceName: jsii.String(cfg.AppName + "/" + cfg.AppName),
	})
}
