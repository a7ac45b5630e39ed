package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	actions "github.com/aws/aws-cdk-go/awscdk/v2/awscodepipelineactions"
	"github.com/aws/jsii-runtime-go"
)

// ImageDefinitionsFile is the artifact file the ECS deploy action reads in
// ecs mode: [{"name": <container>, "imageUri": <image>}].
const ImageDefinitionsFile = "imagedefinitions.json"

// ecsDeployStage deploys with CodePipeline's standard ECS action: it
// registers the image into a new task definition revision and updates the
// service, and ECS runs the blue/green, linear or canary deployment the
// service is configured for. The action waits at most 60 minutes (its
// limit); a longer bake carries on in ECS after the action reports.
func ecsDeployStage(service *ServiceStack, built awscodepipeline.Artifact) *awscodepipeline.StageProps {
	return &awscodepipeline.StageProps{
		StageName: jsii.String("Deploy"),
		Actions: &[]awscodepipeline.IAction{
			actions.NewEcsDeployAction(&actions.EcsDeployActionProps{
				ActionName:        jsii.String("EcsBlueGreen"),
				Service:           service.Service,
				ImageFile:         built.AtPath(jsii.String(ImageDefinitionsFile)),
				DeploymentTimeout: awscdk.Duration_Minutes(jsii.Number(60)),
			}),
		},
	}
}
