package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// analysisParts are the resources of the automated deployment check
// (analysis=on).
type analysisParts struct {
	// CheckFunction is the deployment check: the smoke check of the test
	// listener, then (ecs mode) the new revision judged against the old.
	CheckFunction awslambda.Function
	// CheckRole is the function's identity.
	CheckRole awsiam.Role
	// CheckLogGroup receives its verdicts.
	CheckLogGroup awslogs.LogGroup
	// ComparisonAlarm (codedeploy and hook modes) is in ALARM while the
	// smaller-share target group does worse than the other.
	ComparisonAlarm awscloudwatch.Alarm
}

// checkFunction adds the deployment check function from the hook asset
// (cmd/ecs-lifecycle-hook built for linux/arm64). It runs in the private
// subnets: its smoke requests reach the test listener from the NAT gateways'
// addresses, which testListenerSources admits, and its AWS calls leave
// through them too.
func (s *ServiceStack) checkFunction() {
	cfg, a := s.cfg, s.cfg.Analysis
	name := cfg.AnalysisFunctionName()
	s.CheckLogGroup = awslogs.NewLogGroup(s.Stack, jsii.String("CheckLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/aws/lambda/" + name),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	s.CheckLogGroup.Node().DefaultChild().(awslogs.CfnLogGroup).SetRetentionInDays(jsii.Number(float64(cfg.LogRetentionDays)))

	s.CheckRole = awsiam.NewRole(s.Stack, jsii.String("CheckRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Deployment check of " + cfg.AppName + ": reads the load balancer's metrics and the service's revisions"),
	})
	s.CheckRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("ReadMetrics"),
		// GetMetricData has no resource-level permissions.
		Actions:   jsii.Strings("cloudwatch:GetMetricData"),
		Resources: jsii.Strings("*"),
	}))
	if cfg.Mode == config.ModeECS {
		// ECS authorizes DescribeServiceRevisions on the service-revision
		// resource: arn:…:service-revision/<cluster>/<service>/<id>.
		s.CheckRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:     jsii.String("ReadServiceRevisions"),
			Actions: jsii.Strings("ecs:DescribeServiceRevisions"),
			Resources: jsii.Strings(*s.Stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("ecs"), Resource: jsii.String("service-revision"),
				ResourceName: jsii.String(cfg.AppName + "/" + cfg.AppName + "/*"),
			})),
		}))
	} else {
		// CodeDeploy's AfterAllowTestTraffic contract: the hook reports its
		// result. The action has no resource-level permissions.
		s.CheckRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("ReportHookStatus"),
			Actions:   jsii.Strings("codedeploy:PutLifecycleEventHookExecutionStatus"),
			Resources: jsii.Strings("*"),
		}))
	}
	s.CheckRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("WriteVerdicts"),
		Actions: jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		// The log group ARN CloudFormation returns ends in ":*" (its streams).
		Resources: &[]*string{s.CheckLogGroup.LogGroupArn()},
	}))
	// A function in a VPC needs its network interfaces; Lambda creates
	// them with the function's role, and EC2 has no resource-level form for
	// the Describe call.
	s.CheckRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("NetworkInterfaces"),
		Actions: jsii.Strings("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
			"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"),
		Resources: jsii.Strings("*"),
	}))

	sg := awsec2.NewSecurityGroup(s.Stack, jsii.String("CheckSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              s.net.vpc,
		Description:      jsii.String(fmt.Sprintf("%s deployment check: HTTPS to AWS APIs, the test listener %d", cfg.AppName, cfg.TestPort())),
		AllowAllOutbound: jsii.Bool(false),
	})
	sg.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS: CloudWatch, ECS, CodeDeploy APIs"), jsii.Bool(false))
	sg.AddEgressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(float64(cfg.TestPort()))),
		jsii.String("the load balancer's test listener, at its public address"), jsii.Bool(false))

	env := map[string]*string{
		"ANALYSIS_POLICY":          jsii.String(a.PolicyJSON()),
		"SMOKE_URL":                s.smokeURL(),
		"ANALYSIS_LOAD_BALANCER":   s.LoadBalancer.LoadBalancerFullName(),
		"ANALYSIS_MAX_WAIT":        jsii.String(fmt.Sprintf("%dm", a.MaxWaitMinutes)),
		"ANALYSIS_ON_INCONCLUSIVE": jsii.String(a.OnInconclusive),
	}
	if checks := a.SmokeChecksJSON(); checks != "" {
		env["SMOKE_CHECKS"] = jsii.String(checks)
	}
	s.CheckFunction = awslambda.NewFunction(s.Stack, jsii.String("CheckFunction"), &awslambda.FunctionProps{
		FunctionName: jsii.String(name),
		Description:  jsii.String("Smoke check of the test listener and analysis of the new revision against the old, for " + cfg.AppName + " deployments"),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(a.Asset), nil),
		// One invocation is one smoke run or one CloudWatch read: ECS calls
		// the analysis again after callBackDelay instead of a long wait.
		Timeout:        awscdk.Duration_Seconds(jsii.Number(120)),
		MemorySize:     jsii.Number(256),
		Role:           s.CheckRole,
		LogGroup:       s.CheckLogGroup,
		Environment:    &env,
		Vpc:            s.net.vpc,
		VpcSubnets:     s.net.private,
		SecurityGroups: &[]awsec2.ISecurityGroup{sg},
	})
	// The role's policy must exist before the function can run.
	s.CheckFunction.Node().AddDependency(s.CheckRole)
}

// smokeURL is the test listener as the function calls it: the domain the
// certificate covers with HTTPS, else the load balancer's name over HTTP.
func (s *ServiceStack) smokeURL() *string {
	cfg := s.cfg
	if cfg.HTTPS() {
		return jsii.String(fmt.Sprintf("https://%s:%d", cfg.DomainName, cfg.TestPort()))
	}
	return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("http://"), s.LoadBalancer.LoadBalancerDnsName(), jsii.String(fmt.Sprintf(":%d", cfg.TestPort()))})
}
