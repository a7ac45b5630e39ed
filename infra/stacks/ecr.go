package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// UntaggedImageDays is how long an untagged image (a digest that lost its
// tag, or a pushed-by-digest layer set) stays before the lifecycle rule
// expires it.
const UntaggedImageDays = 14

// EcrStack is <app>-ecr: the app's image repository. It is deployed first so
// an image can be published before the service exists.
type EcrStack struct {
	awscdk.Stack
	// Repository is named after the app.
	Repository awsecr.Repository
	// SigningKeyArn is the provenance signing key's ARN (nil: signing off).
	SigningKeyArn *string
}

// NewEcrStack creates <app>-ecr.
func NewEcrStack(scope constructs.Construct, cfg config.Config) *EcrStack {
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("ecr")), stackProps(cfg, "ecr", "Image repository of "+cfg.AppName))
	repo := awsecr.NewRepository(stack, jsii.String("Repository"), &awsecr.RepositoryProps{
		RepositoryName: jsii.String(cfg.AppName),
		// Immutable tags: a tag always names the image that was tested.
		ImageTagMutability: awsecr.TagMutability_IMMUTABLE,
		ImageScanOnPush:    jsii.Bool(true),
		LifecycleRules: &[]*awsecr.LifecycleRule{{
			RulePriority: jsii.Number(1),
			Description:  jsii.String("expire untagged images"),
			TagStatus:    awsecr.TagStatus_UNTAGGED,
			MaxImageAge:  awscdk.Duration_Days(jsii.Number(UntaggedImageDays)),
		}, {
			// Releases are tagged with their revision: keep the newest
			// keepImages of them (rollbacks reach back that far).
			RulePriority:   jsii.Number(2),
			Description:    jsii.String(fmt.Sprintf("keep the last %d tagged images", cfg.KeepImages)),
			TagStatus:      awsecr.TagStatus_TAGGED,
			TagPatternList: jsii.Strings("*"),
			MaxImageCount:  jsii.Number(float64(cfg.KeepImages)),
		}},
		// Images are the release history: keep them if the stack goes away.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	return &EcrStack{Stack: stack, Repository: repo, SigningKeyArn: newSigningKey(stack, cfg)}
}
