package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	actions "github.com/aws/aws-cdk-go/awscdk/v2/awscodepipelineactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// codeDeployStage is the Deploy stage of codedeploy mode: the CodeDeployToECS
// action on the release bundle, acting as deployActionRole (returned so the
// caller can grant it the artifact bucket once the pipeline exists).
func codeDeployStage(stack awscdk.Stack, cfg config.Config, service *ServiceStack, built awscodepipeline.Artifact, pipelineRole awsiam.IRole) (*awscodepipeline.StageProps, awsiam.Role) {
	role := deployActionRole(stack, cfg, service, pipelineRole)
	return &awscodepipeline.StageProps{
		StageName: jsii.String("Deploy"),
		Actions: &[]awscodepipeline.IAction{
			actions.NewCodeDeployEcsDeployAction(&actions.CodeDeployEcsDeployActionProps{
				ActionName: jsii.String("BlueGreen"),
				// Immutable, so the action cannot add its own grants
				// (iam:PassRole on *) to the role.
				Role:                        immutable(stack, "DeployActionRoleRef", role),
				DeploymentGroup:             service.DeploymentGroup,
				TaskDefinitionTemplateInput: built, // taskdef.json
				AppSpecTemplateInput:        built, // appspec.yaml
				ContainerImageInputs: &[]*actions.CodeDeployEcsContainerImageInput{{
					Input:                     built, // imageDetail.json
					TaskDefinitionPlaceholder: jsii.String(ImagePlaceholder),
				}},
			}),
		},
	}, role
}

// deployActionRole is the role of the pipeline's CodeDeployToECS action: what
// CDK would grant it, with two differences (grantRegisterAndPass): tags on
// the task definitions it registers, and iam:PassRole on the app's two roles
// only.
func deployActionRole(stack awscdk.Stack, cfg config.Config, service *ServiceStack, pipelineRole awsiam.IRole) awsiam.Role {
	role := actionRole(stack, "DeployActionRole", "CodeDeploy blue/green action of the "+cfg.AppName+" pipeline", pipelineRole)
	add := func(props *awsiam.PolicyStatementProps) { role.AddToPolicy(awsiam.NewPolicyStatement(props)) }
	add(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("codedeploy:GetApplication", "codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"),
		Resources: &[]*string{service.Application.ApplicationArn()},
	})
	add(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("codedeploy:CreateDeployment", "codedeploy:GetDeployment"),
		Resources: &[]*string{service.DeploymentGroup.DeploymentGroupArn()},
	})
	add(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("codedeploy:GetDeploymentConfig"),
		Resources: &[]*string{service.DeploymentGroup.DeploymentConfig().DeploymentConfigArn()},
	})
	// RegisterTaskDefinition has no resource-level permissions.
	add(&awsiam.PolicyStatementProps{Actions: jsii.Strings("ecs:RegisterTaskDefinition"), Resources: jsii.Strings("*")})
	grantRegisterAndPass(role, service)
	return role
}

// actionRole is a pipeline action's role, assumed by the pipeline's role.
func actionRole(stack awscdk.Stack, id, description string, pipelineRole awsiam.IRole) awsiam.Role {
	return awsiam.NewRole(stack, jsii.String(id), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewArnPrincipal(pipelineRole.RoleArn()),
		Description: jsii.String(description),
	})
}

// grantRegisterAndPass lets a deploy action register task definitions the
// way release renders them and start tasks with them: taskdef.json carries
// the live task definition's tags, and ECS refuses tags on create without
// ecs:TagResource, granted for that call only; iam:PassRole covers the app's
// execution and task roles instead of `*`.
func grantRegisterAndPass(role awsiam.Role, service *ServiceStack) {
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings("ecs:TagResource"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{"ecs:CreateAction": "RegisterTaskDefinition"}},
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings("iam:PassRole"),
		Resources:  &[]*string{service.ExecutionRole.RoleArn(), service.TaskRole.RoleArn()},
		Conditions: &map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
	}))
}
