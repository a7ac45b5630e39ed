package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodebuild"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodecommit"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	actions "github.com/aws/aws-cdk-go/awscdk/v2/awscodepipelineactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// BuildSpecPath is the buildspec CodeBuild reads from the source.
const BuildSpecPath = "buildspec/buildspec.yml"

// ImagePlaceholder is the image placeholder of taskdef.json (<IMAGE1_NAME>).
const ImagePlaceholder = "IMAGE1_NAME"

// PipelineStack is <app>-pipeline: source → build (dagger call release) →
// CodeDeploy blue/green deployment (codedeploy mode) or the ECS deploy action
// (ecs mode). Hook mode has no pipeline (see config.Config.HasPipeline).
type PipelineStack struct {
	awscdk.Stack
	// Pipeline is the CodePipeline.
	Pipeline awscodepipeline.Pipeline
	// Project is the CodeBuild project of the build stage.
	Project awscodebuild.PipelineProject
}

// NewPipelineStack creates <app>-pipeline.
func NewPipelineStack(scope constructs.Construct, cfg config.Config, ecr *EcrStack, service *ServiceStack) *PipelineStack {
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("pipeline")), stackProps(cfg, "pipeline", "Release pipeline of "+cfg.AppName))
	source := awscodepipeline.NewArtifact(jsii.String("Source"), nil)
	built := awscodepipeline.NewArtifact(jsii.String("Release"), nil)

	env := map[string]*awscodebuild.BuildEnvironmentVariable{
		"APP_NAME":        plain(jsii.String(cfg.AppName)),
		"AWS_REGION_NAME": plain(stack.Region()),
		"SERVICE_STACK":   plain(jsii.String(cfg.StackName("service"))),
		"DEPLOYMENT_MODE": plain(jsii.String(string(cfg.Mode))),
		"REPOSITORY_URI":  plain(ecr.Repository.RepositoryUri()),
	}
	if ecr.SigningKeyArn != nil {
		env["SIGNING_KEY"] = plain(ecr.SigningKeyArn)
	}
	project := awscodebuild.NewPipelineProject(stack, jsii.String("Build"), &awscodebuild.PipelineProjectProps{
		ProjectName: jsii.String(cfg.AppName + "-release"),
		// Named, so the signing key's policy (ECR stack) can name it.
		Role: awsiam.NewRole(stack, jsii.String("BuildRole"), &awsiam.RoleProps{
			RoleName:  jsii.String(cfg.BuildRoleName()),
			AssumedBy: awsiam.NewServicePrincipal(jsii.String("codebuild.amazonaws.com"), nil),
		}),
		Description: jsii.String("Builds, pushes and renders the release artifacts of " + cfg.AppName),
		BuildSpec:   awscodebuild.BuildSpec_FromSourceFilename(jsii.String(BuildSpecPath)),
		Environment: &awscodebuild.BuildEnvironment{
			BuildImage: awscodebuild.LinuxBuildImage_STANDARD_7_0(),
			// The Dagger engine runs containers: privileged mode.
			Privileged:  jsii.Bool(true),
			ComputeType: awscodebuild.ComputeType_MEDIUM,
		},
		EnvironmentVariables: &env,
		Timeout:              awscdk.Duration_Minutes(jsii.Number(60)),
		Logging:              &awscodebuild.LoggingOptions{CloudWatch: &awscodebuild.CloudWatchLoggingOptions{LogGroup: buildLogs(stack, cfg)}},
	})
	grantBuild(stack, cfg, ecr, project)
	if ecr.SigningKeyArn != nil {
		grantSigning(project, ecr.SigningKeyArn)
	}
	pipelineRole := awsiam.NewRole(stack, jsii.String("PipelineRole"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("codepipeline.amazonaws.com"), nil),
	})

	sourceAction := sourceAction(stack, cfg, source)
	stages := []*awscodepipeline.StageProps{
		{StageName: jsii.String("Source"), Actions: &[]awscodepipeline.IAction{sourceAction}},
		{StageName: jsii.String("Build"), Actions: &[]awscodepipeline.IAction{
			actions.NewCodeBuildAction(&actions.CodeBuildActionProps{
				ActionName: jsii.String("Release"),
				Project:    project,
				Input:      source,
				Outputs:    &[]awscodepipeline.Artifact{built},
			}),
		}},
	}
	var deployRole awsiam.Role
	if cfg.Mode == config.ModeCodeDeploy {
		var stage *awscodepipeline.StageProps
		stage, deployRole = codeDeployStage(stack, cfg, service, built, pipelineRole)
		stages = append(stages, stage)
	}
	if cfg.Mode == config.ModeECS {
		var stage *awscodepipeline.StageProps
		stage, deployRole = ecsDeployStage(stack, cfg, service, built, pipelineRole)
		stages = append(stages, stage)
	}
	pipeline := awscodepipeline.NewPipeline(stack, jsii.String("Pipeline"), &awscodepipeline.PipelineProps{
		PipelineName:     jsii.String(cfg.AppName),
		PipelineType:     awscodepipeline.PipelineType_V2,
		CrossAccountKeys: jsii.Bool(false),
		Role:             pipelineRole,
		Stages:           &stages,
	})
	if deployRole != nil {
		pipeline.ArtifactBucket().GrantRead(deployRole, nil)
	}
	expireArtifacts(pipeline)
	stack.AddStackDependency(service.Stack, jsii.String("the build reads the service stack outputs"))
	return &PipelineStack{Stack: stack, Pipeline: pipeline, Project: project}
}

func plain(v *string) *awscodebuild.BuildEnvironmentVariable {
	return &awscodebuild.BuildEnvironmentVariable{Type: awscodebuild.BuildEnvironmentVariableType_PLAINTEXT, Value: v}
}

func sourceAction(stack awscdk.Stack, cfg config.Config, out awscodepipeline.Artifact) awscodepipeline.IAction {
	if cfg.Source.Type == config.SourceGitHub {
		return actions.NewCodeStarConnectionsSourceAction(&actions.CodeStarConnectionsSourceActionProps{
			ActionName:    jsii.String("GitHub"),
			ConnectionArn: jsii.String(cfg.Source.ConnectionArn),
			Owner:         jsii.String(cfg.Source.Owner),
			Repo:          jsii.String(cfg.Source.Repo),
			Branch:        jsii.String(cfg.Source.Branch),
			Output:        out,
		})
	}
	repo := awscodecommit.Repository_FromRepositoryName(stack, jsii.String("SourceRepository"), jsii.String(cfg.Source.CodeCommitRepository))
	return actions.NewCodeCommitSourceAction(&actions.CodeCommitSourceActionProps{
		ActionName: jsii.String("CodeCommit"),
		Repository: repo,
		Branch:     jsii.String(cfg.Source.Branch),
		Output:     out,
	})
}

// grantBuild scopes the build role to what `dagger call release` touches:
// push to (and describe) this repository, read the service stack, describe
// its task definitions and service. It may assume no role: the CDK bootstrap
// roles would make it an administrator (see infra/README.md).
func grantBuild(stack awscdk.Stack, cfg config.Config, ecr *EcrStack, project awscodebuild.PipelineProject) {
	ecr.Repository.GrantPullPush(project)
	// The release skips pushes of images the repository already holds.
	ecr.Repository.Grant(project, jsii.String("ecr:DescribeImages"), jsii.String("ecr:DescribeRepositories"))
	add := func(actions []string, resources ...*string) {
		project.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings(actions...),
			Resources: &resources,
		}))
	}
	add([]string{"cloudformation:DescribeStacks"}, stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("cloudformation"), Resource: jsii.String("stack"),
		ResourceName: jsii.String(cfg.StackName("service") + "/*"),
	}))
	add([]string{"ecs:DescribeServices"}, serviceArn(stack, cfg))
	// DescribeTaskDefinition has no resource-level permissions.
	add([]string{"ecs:DescribeTaskDefinition"}, jsii.String("*"))
}
