package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// codeDeployRole is the role CodeDeploy assumes to run blue/green ECS
// deployments, in either mode. It grants what the AWS managed policy
// AWSCodeDeployRoleForECS grants, less its `lambda:InvokeFunction` and
// `sns:Publish` on `*`: only the configured hook functions may be invoked,
// and the roles it may pass are the app's own (passRoles).
func codeDeployRole(scope constructs.Construct, stack awscdk.Stack, cfg config.Config, name *string, passRoles []*string) awsiam.Role {
	statements := []awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid: jsii.String("ShiftTraffic"),
			Actions: jsii.Strings(
				"ecs:DescribeServices", "ecs:CreateTaskSet", "ecs:UpdateServicePrimaryTaskSet", "ecs:DeleteTaskSet",
				"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeListeners",
				"elasticloadbalancing:ModifyListener", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:ModifyRule",
				"cloudwatch:DescribeAlarms", "s3:GetObject", "s3:GetObjectVersion",
			),
			Resources: jsii.Strings("*"),
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("PassTaskRoles"),
			Actions:    jsii.Strings("iam:PassRole"),
			Resources:  &passRoles,
			Conditions: &map[string]any{"StringLike": map[string]any{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
		}),
	}
	if fns := lambdaArns(stack, cfg.HookFunctions); len(fns) > 0 {
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("InvokeHooks"),
			Actions:   jsii.Strings("lambda:InvokeFunction"),
			Resources: &fns,
		}))
	}
	return awsiam.NewRole(scope, jsii.String("CodeDeployRole"), &awsiam.RoleProps{
		RoleName:       name,
		AssumedBy:      awsiam.NewServicePrincipal(jsii.String("codedeploy.amazonaws.com"), nil),
		Description:    jsii.String("CodeDeploy blue/green deployments of " + cfg.AppName),
		InlinePolicies: &map[string]awsiam.PolicyDocument{"deploy": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements})},
	})
}

// lambdaArns are the ARNs of the named functions, with any version or alias.
func lambdaArns(stack awscdk.Stack, names []string) []*string {
	var arns []*string
	for _, n := range names {
		for _, name := range []string{n, n + ":*"} {
			arns = append(arns, stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("lambda"), Resource: jsii.String("function"),
				ResourceName: jsii.String(name), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
			}))
		}
	}
	return arns
}

// serviceRolesPattern matches the execution and task roles of <app>-service,
// whose names CloudFormation derives from the stack name; for the hook role,
// which <app>-network creates before those roles exist.
func serviceRolesPattern(stack awscdk.Stack, cfg config.Config) *string {
	return stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("iam"), Region: jsii.String(""), Resource: jsii.String("role"),
		ResourceName: jsii.String(cfg.StackName("service") + "-*"),
	})
}

// immutable references a role so that constructs given it cannot add
// statements or managed policies (CDK's defaults include `iam:PassRole` on
// `*` and the broad managed policy).
func immutable(scope constructs.Construct, id string, role awsiam.Role) awsiam.IRole {
	return awsiam.Role_FromRoleArn(scope, jsii.String(id), role.RoleArn(), &awsiam.FromRoleArnOptions{Mutable: jsii.Bool(false)})
}
