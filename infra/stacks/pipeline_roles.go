package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// ArtifactDays is how long pipeline artifacts (source archives, release
// bundles) stay in the artifact bucket; a retry or a rollback within that
// time still finds them.
const ArtifactDays = 30

// deployActionRole is the role of the pipeline's CodeDeployToECS action: what
// CDK would grant it, with two differences. taskdef.json carries the live task
// definition's tags, and ECS refuses tags on RegisterTaskDefinition without
// ecs:TagResource, granted only for that call; and iam:PassRole covers the
// app's execution and task roles instead of `*`.
func deployActionRole(stack awscdk.Stack, cfg config.Config, service *ServiceStack, pipelineRole awsiam.IRole) awsiam.Role {
	role := awsiam.NewRole(stack, jsii.String("DeployActionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewArnPrincipal(pipelineRole.RoleArn()),
		Description: jsii.String("CodeDeploy blue/green action of the " + cfg.AppName + " pipeline"),
	})
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
	add(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings("ecs:TagResource"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{"ecs:CreateAction": "RegisterTaskDefinition"}},
	})
	add(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings("iam:PassRole"),
		Resources:  &[]*string{service.ExecutionRole.RoleArn(), service.TaskRole.RoleArn()},
		Conditions: &map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
	})
	return role
}

// expireArtifacts adds a lifecycle rule to the artifact bucket the pipeline
// creates (kept as it is, so no replacement).
func expireArtifacts(pipeline awscodepipeline.Pipeline) {
	bucket := pipeline.ArtifactBucket().Node().DefaultChild().(awss3.CfnBucket)
	bucket.SetLifecycleConfiguration(&awss3.CfnBucket_LifecycleConfigurationProperty{
		Rules: &[]any{&awss3.CfnBucket_RuleProperty{
			Id:               jsii.String("expire-artifacts"),
			Status:           jsii.String("Enabled"),
			ExpirationInDays: jsii.Number(ArtifactDays),
			AbortIncompleteMultipartUpload: &awss3.CfnBucket_AbortIncompleteMultipartUploadProperty{
				DaysAfterInitiation: jsii.Number(1),
			},
		}},
	})
}

// buildLogs is the build's log group: a retention like the app's logs, kept
// when the stack is deleted. Its name differs from the /aws/codebuild/ group
// CodeBuild creates on its own, which may already exist.
func buildLogs(stack awscdk.Stack, cfg config.Config) awslogs.LogGroup {
	group := awslogs.NewLogGroup(stack, jsii.String("BuildLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/codebuild/" + cfg.AppName + "-release"),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	group.Node().DefaultChild().(awslogs.CfnLogGroup).SetRetentionInDays(jsii.Number(float64(cfg.LogRetentionDays)))
	return group
}
