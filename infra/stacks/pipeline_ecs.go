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
// limit); a longer bake carries on in ECS after the action reports.
// The action acts as a role of the stack's own (returned, like
// codeDeployStage's), without the iam:PassRole on `*` CDK would grant.
func ecsDeployStage(stack awscdk.Stack, cfg config.Config, service *ServiceStack, built awscodepipeline.Artifact, pipelineRole awsiam.IRole) (*awscodepipeline.StageProps, awsiam.Role) {
	role := actionRole(stack, "EcsDeployActionRole", "ECS deploy action of the "+cfg.AppName+" pipeline", pipelineRole)
	// The action's calls have no resource-level form it could be given
	// without the service's ARN in a cross-stack reference it already reads.
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeTasks", "ecs:ListTasks",
			"ecs:RegisterTaskDefinition", "ecs:UpdateService"),
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
				DeploymentTimeout: awscdk.Duration_Minutes(jsii.Number(60)),
			}),
		},
	}, role
}
