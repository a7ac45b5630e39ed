package stacks

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestPipelineStack(t *testing.T) {
	tpl := synth(t, "codedeploy").templates["pipeline"]
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::CodeBuild::Project"), obj{
			"Name": "webapp-release",
			"Environment": like(obj{"PrivilegedMode": true, "EnvironmentVariables": arrayWith(
				obj{"Name": "APP_NAME", "Type": "PLAINTEXT", "Value": "webapp"},
				obj{"Name": "SERVICE_STACK", "Type": "PLAINTEXT", "Value": "webapp-service"},
			)}),
			"Source": obj{"Type": "CODEPIPELINE", "BuildSpec": "buildspec/buildspec.yml"},
		})
		tpl.HasResourceProperties(jsii.String("AWS::CodePipeline::Pipeline"), obj{
			"Name": "webapp",
			"Stages": arr{
				like(obj{"Name": "Source", "Actions": arr{like(obj{"ActionTypeId": like(obj{"Provider": "CodeCommit"}),
					"Configuration": like(obj{"RepositoryName": "webapp", "BranchName": "main"})})}}),
				like(obj{"Name": "Build", "Actions": arr{like(obj{"ActionTypeId": like(obj{"Provider": "CodeBuild"})})}}),
				like(obj{"Name": "Deploy", "Actions": arr{like(obj{
					"ActionTypeId": like(obj{"Provider": "CodeDeployToECS"}),
					"Configuration": like(obj{
						"TaskDefinitionTemplateArtifact": "Release", "TaskDefinitionTemplatePath": "taskdef.json",
						"AppSpecTemplateArtifact": "Release", "AppSpecTemplatePath": "appspec.yaml",
						"Image1ArtifactName": "Release", "Image1ContainerName": "IMAGE1_NAME",
					}),
				})}}),
			},
		})
		// The deploy action acts as a role of the stack's own: it may tag the
		// task definitions it registers, and pass only the app's two roles.
		tpl.HasResourceProperties(jsii.String("AWS::CodePipeline::Pipeline"), obj{"Stages": arrayWith(like(obj{
			"Name": "Deploy", "Actions": arr{like(obj{"RoleArn": obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^DeployActionRole")), "Arn"}}})},
		}))})
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), obj{
			"Roles": arr{obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^DeployActionRole"))}},
			"PolicyDocument": like(obj{"Statement": arrayWith(
				like(obj{"Action": "ecs:RegisterTaskDefinition", "Resource": "*"}),
				obj{"Action": "ecs:TagResource", "Effect": "Allow", "Resource": "*", "Condition": obj{"StringEquals": obj{"ecs:CreateAction": "RegisterTaskDefinition"}}},
				obj{"Action": "iam:PassRole", "Effect": "Allow", "Condition": obj{"StringEquals": obj{"iam:PassedToService": "ecs-tasks.amazonaws.com"}}, "Resource": arr{
					obj{"Fn::ImportValue": assertions.Match_StringLikeRegexp(jsii.String("ExecutionRole"))},
					obj{"Fn::ImportValue": assertions.Match_StringLikeRegexp(jsii.String("TaskRole"))},
				}},
			)}),
		})
		// Artifacts expire; the build logs have a retention.
		tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), obj{"LifecycleConfiguration": obj{"Rules": arr{like(obj{"ExpirationInDays": 30})}}})
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), obj{"LogGroupName": "/codebuild/webapp-release", "RetentionInDays": 30})
		tpl.HasResourceProperties(jsii.String("AWS::CodeBuild::Project"), obj{"LogsConfig": obj{"CloudWatchLogs": like(obj{
			"Status": "ENABLED", "GroupName": obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^BuildLogs"))}})}})
		// The build may read the service stack and push to its repository, nothing wider.
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), obj{"PolicyDocument": like(obj{"Statement": arrayWith(
			like(obj{"Action": assertions.Match_ArrayWith(&[]any{"ecr:PutImage"}), "Resource": obj{"Fn::ImportValue": assertions.Match_StringLikeRegexp(jsii.String("^webapp-ecr:.*Repository.*Arn"))}}),
			like(obj{"Action": arr{"ecr:DescribeImages", "ecr:DescribeRepositories"}, "Resource": obj{"Fn::ImportValue": assertions.Match_StringLikeRegexp(jsii.String("^webapp-ecr:.*Repository.*Arn"))}}),
			like(obj{"Action": "cloudformation:DescribeStacks", "Resource": like(obj{"Fn::Join": arrayWith(arrayWith(assertions.Match_StringLikeRegexp(jsii.String(`:stack/webapp-service/\*$`))))})}),
		)})})
	})
	// Hook mode has no pipeline: its release is a stack update, which the
	// build could only run as the CDK deploy role (administrator).
	if h := synth(t, "hook"); h.app.Pipeline != nil || h.json["pipeline"] != nil {
		t.Error("hook mode must not create a pipeline")
	}
	// GitHub source.
	check(t, func() {
		synth(t, "agnostic").templates["pipeline"].HasResourceProperties(jsii.String("AWS::CodePipeline::Pipeline"), obj{
			"Stages": arrayWith(like(obj{"Name": "Source", "Actions": arr{like(obj{
				"ActionTypeId":  like(obj{"Provider": "CodeStarSourceConnection"}),
				"Configuration": like(obj{"FullRepositoryId": "acme/shop", "BranchName": "main"}),
			})}})),
		})
	})
}
