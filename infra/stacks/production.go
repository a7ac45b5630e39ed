package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// addFlowLogs records every accepted and rejected connection of the VPC in
// a log group of the network stack: the evidence an incident review starts
// from. The group has the app's retention and outlives the stack, like the
// app's own logs.
func addFlowLogs(stack awscdk.Stack, cfg config.Config, vpc awsec2.Vpc) {
	group := awslogs.NewLogGroup(stack, jsii.String("FlowLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/vpc/" + cfg.AppName + "/flow-logs"),
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	group.Node().DefaultChild().(awslogs.CfnLogGroup).SetRetentionInDays(jsii.Number(float64(cfg.LogRetentionDays)))
	vpc.AddFlowLog(jsii.String("FlowLog"), &awsec2.FlowLogOptions{
		Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(group, nil),
		TrafficType: awsec2.FlowLogTrafficType_ALL,
	})
}

// warnProduction is loud about what a production profile should have and
// this configuration lacks: the CDK CLI prints each warning on every synth
// and deploy (and `cdk synth --strict` fails on them).
func warnProduction(stack awscdk.Stack, cfg config.Config, what string) {
	if cfg.Profile != config.ProfileProduction {
		return
	}
	switch what {
	case "https":
		if !cfg.HTTPS() {
			awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("ecs-bluegreen:production-http"), jsii.String(fmt.Sprintf(
				"profile=production without %s: production traffic is plain HTTP on :80, readable and changeable on the way. "+
					"Set %s to an ACM certificate of this region (the listener moves to :443 and :80 redirects)", config.KeyCertificateArn, config.KeyCertificateArn)))
		}
	case "flowlogs":
		if !cfg.FlowLogs {
			awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("ecs-bluegreen:production-flow-logs"), jsii.String(fmt.Sprintf(
				"profile=production with %s=false: the VPC records no flow logs, so no connection to or from the tasks can be traced after the fact", config.KeyFlowLogs)))
		}
	}
}
