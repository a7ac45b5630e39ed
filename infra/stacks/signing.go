package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// OutputSigningKeyArn is the ECR stack's output naming the provenance
// signing key: what a release passes as --signing-key and a verifier gives
// cosign as awskms:///<arn>.
const OutputSigningKeyArn = "ProvenanceSigningKeyArn"

// signingKeyAdminActions are what the account (through IAM) may do with the
// key: everything but signing. kms:Sign is granted only by the statement
// naming the release roles, so no IAM policy elsewhere in the account can
// hand it out.
var signingKeyAdminActions = []string{
	"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
	"kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
	"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:Verify",
}

// newSigningKey adds the provenance signing key to the ECR stack (which is
// deployed before anything is published) when signingKey=create, and
// returns its ARN; with an existing key it returns that ARN, and "" when
// signing is off. Either way the stack outputs the ARN.
func newSigningKey(stack awscdk.Stack, cfg config.Config) *string {
	var arn *string
	switch cfg.Signing.Mode {
	case config.SigningOff:
		return nil
	case config.SigningExisting:
		arn = jsii.String(cfg.Signing.KeyArn)
	case config.SigningCreate:
		signers := signingRoles(stack, cfg)
		root := awsiam.NewAccountRootPrincipal()
		policy := awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid: jsii.String("KeyAdministrationWithoutSigning"), Principals: &[]awsiam.IPrincipal{root},
				Actions: jsii.Strings(signingKeyAdminActions...), Resources: jsii.Strings("*"),
			}),
			// The roles are named, not referenced: the build role lives in
			// the pipeline stack, deployed after this one, and a key policy
			// naming a role directly is refused until the role exists.
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid: jsii.String("SignOnlyFromReleaseRoles"), Principals: &[]awsiam.IPrincipal{root},
				Actions: jsii.Strings("kms:Sign"), Resources: jsii.Strings("*"),
				Conditions: &map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": signers}},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid: jsii.String("NobodyElseSigns"), Effect: awsiam.Effect_DENY, Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
				Actions: jsii.Strings("kms:Sign"), Resources: jsii.Strings("*"),
				Conditions: &map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": signers}},
			}),
		}})
		key := awskms.NewKey(stack, jsii.String("ProvenanceSigningKey"), &awskms.KeyProps{
			Description: jsii.String("Signs the build provenance of " + cfg.AppName + " images (DSSE, verifiable with cosign awskms://)"),
			KeySpec:     awskms.KeySpec_ECC_NIST_P256,
			KeyUsage:    awskms.KeyUsage_SIGN_VERIFY,
			Alias:       jsii.String("alias/" + cfg.AppName + "-provenance"),
			Policy:      policy,
			// Published provenance stays verifiable only while the key exists.
			RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		})
		arn = key.KeyArn()
	}
	awscdk.NewCfnOutput(stack, jsii.String(OutputSigningKeyArn), &awscdk.CfnOutputProps{
		Value:       arn,
		Description: jsii.String("KMS key signing the provenance: release --signing-key, cosign --key awskms:///<this>"),
	})
	return arn
}

// signingRoles are the principals that may sign: the pipeline's build role
// (when there is a pipeline) and the configured GitHub release role.
func signingRoles(stack awscdk.Stack, cfg config.Config) []*string {
	var roles []*string
	if cfg.HasPipeline() {
		roles = append(roles, stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("iam"), Region: jsii.String(""), Resource: jsii.String("role"),
			ResourceName: jsii.String(cfg.BuildRoleName()),
		}))
	}
	if cfg.Signing.ReleaseRoleArn != "" {
		roles = append(roles, jsii.String(cfg.Signing.ReleaseRoleArn))
	}
	return roles
}

// grantSigning lets role sign with the key and read its public half.
func grantSigning(role awsiam.IGrantable, keyArn *string) {
	role.GrantPrincipal().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("kms:Sign", "kms:GetPublicKey"),
		Resources: &[]*string{keyArn},
	}))
}
