package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// ArtifactDays is how long pipeline artifacts (source archives, release
// bundles) stay in the artifact bucket; a retry or a rollback within that
// time still finds them.
const ArtifactDays = 30

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
