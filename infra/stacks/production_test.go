package stacks

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// The production profile records VPC flow logs; development does not.
func TestFlowLogs(t *testing.T) {
	check(t, func() {
		tpl := synth(t, "hook").templates["network"]
		tpl.HasResourceProperties(jsii.String("AWS::EC2::FlowLog"), obj{
			"ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs",
			"ResourceId": obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Vpc"))},
		})
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), obj{"LogGroupName": "/vpc/webapp/flow-logs", "RetentionInDays": 30})
		synth(t, "codedeploy").templates["network"].ResourceCountIs(jsii.String("AWS::EC2::FlowLog"), jsii.Number(0))
	})
}

// A production profile without HTTPS or flow logs is warned about on every
// synth; a complete one is not.
func TestProductionWarnings(t *testing.T) {
	s, err := synthConfig(committedContext(t), map[string]any{
		"account": "123456789012", "region": "us-east-1", "profile": "production", "flowLogs": false,
	})
	if err != nil {
		t.Fatal(err)
	}
	check(t, func() {
		assertions.Annotations_FromStack(s.app.Service.Stack).HasWarning(jsii.String("*"),
			assertions.Match_StringLikeRegexp(jsii.String("profile=production without certificateArn")))
		assertions.Annotations_FromStack(s.app.Network.Stack).HasWarning(jsii.String("*"),
			assertions.Match_StringLikeRegexp(jsii.String("profile=production with flowLogs=false")))
		prod := synth(t, "hook").app
		assertions.Annotations_FromStack(prod.Service.Stack).HasNoWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("profile=production")))
		assertions.Annotations_FromStack(prod.Network.Stack).HasNoWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("flowLogs")))
		dev := synth(t, "codedeploy").app
		assertions.Annotations_FromStack(dev.Service.Stack).HasNoWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("profile=production")))
	})
}
