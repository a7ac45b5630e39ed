package stacks

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestEcrStack(t *testing.T) {
	s := synth(t, "codedeploy")
	check(t, func() {
		s.templates["ecr"].HasResourceProperties(jsii.String("AWS::ECR::Repository"), obj{
			"RepositoryName":             "webapp",
			"ImageTagMutability":         "IMMUTABLE",
			"ImageScanningConfiguration": obj{"ScanOnPush": true},
			"LifecyclePolicy": obj{"LifecyclePolicyText": assertions.Match_SerializedJson(like(obj{
				"rules": arr{
					like(obj{"rulePriority": 1, "selection": like(obj{"tagStatus": "untagged", "countType": "sinceImagePushed"})}),
					like(obj{"rulePriority": 2, "selection": obj{"tagStatus": "tagged", "tagPatternList": arr{"*"}, "countType": "imageCountMoreThan", "countNumber": 200}}),
				},
			}))},
		})
		s.templates["ecr"].HasResource(jsii.String("AWS::ECR::Repository"), obj{"DeletionPolicy": "Retain"})
	})
}

func TestNetworkStack(t *testing.T) {
	s := synth(t, "codedeploy")
	tpl := s.templates["network"]
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::EC2::VPC"), obj{"CidrBlock": "10.0.0.0/16"})
		tpl.ResourceCountIs(jsii.String("AWS::EC2::Subnet"), jsii.Number(6))
		tpl.ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(1))
		for _, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
			tpl.HasResourceProperties(jsii.String("AWS::EC2::Subnet"), obj{"AvailabilityZone": az, "MapPublicIpOnLaunch": false})
		}
	})
	// The default security group is locked down in the production profile only.
	check(t, func() {
		tpl.ResourceCountIs(jsii.String("Custom::VpcRestrictDefaultSG"), jsii.Number(0))
		synth(t, "hook").templates["network"].ResourceCountIs(jsii.String("Custom::VpcRestrictDefaultSG"), jsii.Number(1))
	})
	// No NAT: isolated subnets plus the endpoints that replace the NAT path.
	a := synth(t, "agnostic")
	check(t, func() {
		a.templates["network"].ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(0))
		a.templates["network"].ResourceCountIs(jsii.String("AWS::EC2::Subnet"), jsii.Number(6))
		a.templates["network"].ResourceCountIs(jsii.String("AWS::EC2::VPCEndpoint"), jsii.Number(4))
		// The S3 gateway endpoint serves ECR's image layers and nothing else.
		a.templates["network"].HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), obj{
			"VpcEndpointType": "Gateway",
			"PolicyDocument": obj{"Version": "2012-10-17", "Statement": arr{obj{
				"Action": "s3:GetObject", "Effect": "Allow", "Principal": obj{"AWS": "*"},
				"Resource": obj{"Fn::Join": arr{"", arr{"arn:", obj{"Ref": "AWS::Partition"}, ":s3:::prod-", obj{"Ref": "AWS::Region"}, "-starport-layer-bucket/*"}}},
			}}},
		})
		// Environment-agnostic stacks still span three zones, chosen at deploy time.
		a.templates["network"].HasResourceProperties(jsii.String("AWS::EC2::Subnet"), obj{
			"AvailabilityZone": obj{"Fn::Select": arr{2, obj{"Fn::GetAZs": ""}}},
		})
	})
}

func TestServiceTasks(t *testing.T) {
	for _, mode := range []string{"codedeploy", "hook"} {
		t.Run(mode, func(t *testing.T) {
			tpl := synth(t, mode).templates["service"]
			check(t, func() {
				tpl.HasResourceProperties(jsii.String("AWS::ECS::Cluster"), obj{
					"ClusterName":     "webapp",
					"ClusterSettings": arrayWith(obj{"Name": "containerInsights", "Value": "enabled"}),
				})
				tpl.HasResourceProperties(jsii.String("AWS::ECS::ClusterCapacityProviderAssociations"), obj{
					"CapacityProviders": arr{"FARGATE", "FARGATE_SPOT"},
				})
				tpl.HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), obj{
					"Family": "webapp", "Cpu": "512", "Memory": "1024", "NetworkMode": "awsvpc",
					"RuntimePlatform":         obj{"CpuArchitecture": "X86_64", "OperatingSystemFamily": "LINUX"},
					"RequiresCompatibilities": arr{"FARGATE"},
					"ContainerDefinitions": arr{like(obj{
						"Name":         "webapp",
						"Essential":    true,
						"StopTimeout":  40,
						"Environment":  arrayWith(obj{"Name": "SHUTDOWN_TIMEOUT", "Value": "30s"}),
						"PortMappings": arr{obj{"ContainerPort": 3000, "Protocol": "tcp"}},
						"LogConfiguration": like(obj{"LogDriver": "awslogs", "Options": like(obj{
							"awslogs-group": obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Logs"))},
						})}),
					})},
				})
				tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), obj{"LogGroupName": "/ecs/webapp", "RetentionInDays": 30})
				// The execution role pulls from this repository only and writes only its log group.
				tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), obj{
					"PolicyDocument": like(obj{"Statement": arrayWith(
						like(obj{"Action": arr{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}, "Resource": assertions.Match_Not(assertions.Match_StringLikeRegexp(jsii.String(`^\*$`)))}),
						like(obj{"Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
						like(obj{"Action": arr{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": obj{"Fn::GetAtt": arrayWith(assertions.Match_StringLikeRegexp(jsii.String("^Logs")))}}),
					)}),
					"Roles": arr{obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ExecutionRole"))}},
				})
			})
		})
	}
}

func TestServiceCodeDeployMode(t *testing.T) {
	tpl := synth(t, "codedeploy").templates["service"]
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ECS::Service"), obj{
			"ServiceName":          "webapp",
			"DesiredCount":         2,
			"DeploymentController": obj{"Type": "CODE_DEPLOY"},
			"NetworkConfiguration": obj{"AwsvpcConfiguration": like(obj{"AssignPublicIp": "DISABLED"})},
			"LoadBalancers": arr{obj{"ContainerName": "webapp", "ContainerPort": 3000,
				"TargetGroupArn": obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Blue"))}}},
			"CapacityProviderStrategy": arrayWith(like(obj{"CapacityProvider": "FARGATE", "Weight": 1})),
		})
		tpl.HasResourceProperties(jsii.String("AWS::CodeDeploy::Application"), obj{"ApplicationName": "webapp", "ComputePlatform": "ECS"})
		// CodeDeploy acts as the stack's own role: no managed policy, no hook
		// function unless configured, only the app's roles to pass.
		tpl.HasResourceProperties(jsii.String("AWS::CodeDeploy::DeploymentGroup"), obj{
			"ServiceRoleArn": obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^CodeDeployRole")), "Arn"}},
		})
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), obj{
			"AssumeRolePolicyDocument": like(obj{"Statement": arr{like(obj{"Principal": obj{"Service": "codedeploy.amazonaws.com"}})}}),
			"ManagedPolicyArns":        assertions.Match_Absent(),
			"Policies": arr{like(obj{"PolicyDocument": like(obj{"Statement": arr{
				like(obj{"Sid": "ShiftTraffic"}),
				like(obj{"Sid": "PassTaskRoles", "Resource": arr{
					obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^ExecutionRole")), "Arn"}},
					obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^TaskRole")), "Arn"}},
				}}),
			}})})},
		})
		tpl.HasResourceProperties(jsii.String("AWS::CodeDeploy::DeploymentGroup"), obj{
			"DeploymentGroupName":       "webapp",
			"DeploymentConfigName":      "CodeDeployDefault.ECSAllAtOnce",
			"DeploymentStyle":           obj{"DeploymentOption": "WITH_TRAFFIC_CONTROL", "DeploymentType": "BLUE_GREEN"},
			"AutoRollbackConfiguration": obj{"Enabled": true, "Events": arr{"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"}},
			"AlarmConfiguration":        like(obj{"Enabled": true, "Alarms": assertions.Match_AnyValue()}),
			"BlueGreenDeploymentConfiguration": like(obj{"TerminateBlueInstancesOnDeploymentSuccess": obj{
				"Action": "TERMINATE", "TerminationWaitTimeInMinutes": 5}}),
			"LoadBalancerInfo": obj{"TargetGroupPairInfoList": arr{like(obj{
				"ProdTrafficRoute": assertions.Match_AnyValue(),
				"TestTrafficRoute": assertions.Match_AnyValue(),
			})}},
		})
		tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(4))
		// Defaults: 1 unhealthy host for 2 minutes, 5 target 5xx in a minute; an idle
		// target group (no data) never alarms.
		for _, a := range []obj{
			{"MetricName": "UnHealthyHostCount", "Statistic": "Maximum", "Threshold": 1, "EvaluationPeriods": 2},
			{"MetricName": "HTTPCode_Target_5XX_Count", "Statistic": "Sum", "Threshold": 5, "EvaluationPeriods": 1},
		} {
			a["Namespace"] = "AWS/ApplicationELB"
			a["Period"] = 60
			a["ComparisonOperator"] = "GreaterThanOrEqualToThreshold"
			a["TreatMissingData"] = "notBreaching"
			tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), a)
		}
		tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(1))
		// No topic unless one is configured.
		tpl.ResourceCountIs(jsii.String("AWS::SNS::Topic"), jsii.Number(0))
		tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::CompositeAlarm"), obj{"AlarmActions": assertions.Match_Absent()})
	})
	dg := findResources(synth(t, "codedeploy").json["service"], "AWS::CodeDeploy::DeploymentGroup")
	if len(dg) != 1 {
		t.Fatalf("deployment groups: %d", len(dg))
	}
	alarms := dig(dg[0], "Properties", "AlarmConfiguration", "Alarms").([]any)
	if len(alarms) != 4 {
		t.Fatalf("deployment group must roll back on all 4 alarms, has %v", alarms)
	}
	// Custom linear shifting becomes a deployment config resource; the
	// optional container health check is exec form; configured hook
	// functions may be invoked; the composite alarm notifies the topic.
	check(t, func() {
		at := synth(t, "agnostic").templates["service"]
		at.HasResourceProperties(jsii.String("AWS::IAM::Role"), obj{"Policies": arr{like(obj{"PolicyDocument": like(obj{"Statement": arrayWith(
			like(obj{"Sid": "InvokeHooks", "Action": "lambda:InvokeFunction", "Resource": arr{
				obj{"Fn::Join": arr{"", arrayWith(assertions.Match_StringLikeRegexp(jsii.String(":function:smoke-test$")))}},
				obj{"Fn::Join": arr{"", arrayWith(assertions.Match_StringLikeRegexp(jsii.String(":function:smoke-test:\\*$")))}},
			}}),
		)})})}})
		at.HasResourceProperties(jsii.String("AWS::CloudWatch::CompositeAlarm"), obj{
			"AlarmActions": arr{"arn:aws:sns:us-east-1:123456789012:ops"}, "OKActions": arr{"arn:aws:sns:us-east-1:123456789012:ops"},
		})
		synth(t, "agnostic").templates["service"].HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), obj{
			"ContainerDefinitions": arr{like(obj{"Name": "shop", "HealthCheck": like(obj{"Command": arr{"CMD", "/app", "-healthcheck"}})})},
			// cpuArchitecture=arm64 runs the tasks on Graviton.
			"RuntimePlatform": obj{"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"},
		})
		synth(t, "agnostic").templates["service"].HasResourceProperties(jsii.String("AWS::CodeDeploy::DeploymentConfig"), obj{
			"ComputePlatform": "ECS",
			"TrafficRoutingConfig": obj{"Type": "TimeBasedLinear",
				"TimeBasedLinear": obj{"LinearInterval": 2, "LinearPercentage": 25}},
		})
	})
}

func TestServiceHookMode(t *testing.T) {
	s := synth(t, "hook")
	tpl := s.templates["service"]
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ECS::Service"), obj{"DeploymentController": obj{"Type": "EXTERNAL"}, "DesiredCount": 2})
		tpl.HasResourceProperties(jsii.String("AWS::ECS::TaskSet"), obj{
			"LaunchType":           "FARGATE",
			"Scale":                obj{"Unit": "PERCENT", "Value": 100},
			"NetworkConfiguration": obj{"AwsVpcConfiguration": like(obj{"AssignPublicIp": "DISABLED"})},
			"LoadBalancers": arr{obj{"ContainerName": "webapp", "ContainerPort": 3000,
				"TargetGroupArn": obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Blue"))}}},
		})
		tpl.ResourceCountIs(jsii.String("AWS::ECS::PrimaryTaskSet"), jsii.Number(1))
		tpl.ResourceCountIs(jsii.String("AWS::CodeDeploy::DeploymentGroup"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(4))
		tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(1))
		// alarmEmail: a topic of the stack's own, subscribed, notified by the composite alarm.
		tpl.HasResourceProperties(jsii.String("AWS::SNS::Topic"), obj{"TopicName": "webapp-alarms"})
		tpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), obj{"Protocol": "email", "Endpoint": "ops@example.com"})
		tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::CompositeAlarm"), obj{
			"AlarmActions": arr{obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^AlarmTopic"))}},
		})
	})
	// The image must be a literal in the template, or the hook cannot see it change.
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), obj{
			"ContainerDefinitions": arr{like(obj{"Image": hookImage})},
		})
	})
	raw := s.json["service"]
	if tr := raw["Transform"]; tr != "AWS::CodeDeployBlueGreen" && !slices.Contains(asSlice(tr), any("AWS::CodeDeployBlueGreen")) {
		t.Fatalf("transform missing: %v", raw["Transform"])
	}
	hooks, _ := raw["Hooks"].(map[string]any)
	if len(hooks) != 1 {
		t.Fatalf("want one hook, got %v", hooks)
	}
	for _, h := range hooks {
		if dig(h, "Type") != "AWS::CodeDeploy::BlueGreen" {
			t.Fatalf("hook type %v", dig(h, "Type"))
		}
		props := dig(h, "Properties").(map[string]any)
		if got := dig(props, "TrafficRoutingConfig", "Type"); got != "TimeBasedCanary" {
			t.Errorf("routing type %v", got)
		}
		if p, m := dig(props, "TrafficRoutingConfig", "TimeBasedCanary", "StepPercentage"), dig(props, "TrafficRoutingConfig", "TimeBasedCanary", "BakeTimeMins"); p != 20.0 || m != 15.0 {
			t.Errorf("canary %v%% / %v min", p, m)
		}
		if got := dig(props, "AdditionalOptions", "TerminationWaitTimeInMinutes"); got != 30.0 {
			t.Errorf("termination wait %v", got)
		}
		if got := dig(props, "LifecycleEventHooks", "AfterAllowTestTraffic"); got != "CodeDeployHook_smoke" {
			t.Errorf("hook lambda %v", got)
		}
		if got := dig(props, "ServiceRole"); got != "webapp-codedeploy-bluegreen" {
			t.Errorf("service role %v", got)
		}
		ecs := dig(props, "Applications").([]any)[0]
		resources := raw["Resources"].(map[string]any)
		// Every logical id the hook names must exist (the Green ones are created by the hook).
		for _, path := range [][]string{{"Target", "LogicalID"}, {"ECSAttributes", "TrafficRouting", "ProdTrafficRoute", "LogicalID"}, {"ECSAttributes", "TrafficRouting", "TestTrafficRoute", "LogicalID"}} {
			id, _ := dig(ecs, path...).(string)
			if _, ok := resources[id]; !ok {
				t.Errorf("%s = %q is not a resource", strings.Join(path, "."), id)
			}
		}
		for _, list := range []string{"TaskDefinitions", "TaskSets"} {
			ids := dig(ecs, "ECSAttributes", list).([]any)
			if _, ok := resources[ids[0].(string)]; !ok || ids[1] != ids[0].(string)+"Green" {
				t.Errorf("%s = %v", list, ids)
			}
		}
	}
	// AWS refuses Outputs and Fn::ImportValue in templates with this transform.
	if _, ok := raw["Outputs"]; ok {
		t.Errorf("hook-mode service template declares Outputs")
	}
	if walkFind(raw, func(k string, _ any) bool { return k == "Fn::ImportValue" }) {
		t.Errorf("hook-mode service template imports from another stack")
	}
	if _, ok := raw["Resources"].(map[string]any)["CDKMetadata"]; ok {
		t.Errorf("CDK metadata would make CDK upgrades a non-ECS change in deployments")
	}
	// The hook role and the network ids come from <app>-network.
	check(t, func() {
		s.templates["network"].HasResourceProperties(jsii.String("AWS::IAM::Role"), obj{
			"RoleName":          "webapp-codedeploy-bluegreen",
			"ManagedPolicyArns": assertions.Match_Absent(),
			"Policies": arr{like(obj{"PolicyDocument": like(obj{"Statement": arr{
				like(obj{"Sid": "ShiftTraffic"}),
				like(obj{"Sid": "PassTaskRoles", "Resource": obj{"Fn::Join": arr{"", arrayWith(":iam::123456789012:role/webapp-service-*")}}}),
				like(obj{"Sid": "InvokeHooks", "Resource": arrayWith(obj{"Fn::Join": arr{"", arrayWith(":lambda:us-east-1:123456789012:function:CodeDeployHook_smoke")}})}),
			}})})},
		})
		s.templates["network"].HasResourceProperties(jsii.String("AWS::SSM::Parameter"), obj{"Name": "/webapp/network/PrivateSubnet3"})
		s.templates["service"].HasResourceProperties(jsii.String("AWS::SSM::Parameter"), obj{"Name": "/webapp/service/ClusterName"})
	})
}

var contractOutputs = []string{
	OutClusterName, OutServiceName, OutCodeDeployApplication, OutDeploymentGroup, OutTaskFamily,
	OutTaskDefinitionArn, OutContainerName, OutContainerPort, OutExecutionRoleArn, OutTaskRoleArn,
	OutLogGroupName, OutSubnets, OutSecurityGroups, OutRepositoryUri, OutProductionUrl, OutTestUrl, OutDeploymentMode,
}

func TestServiceOutputs(t *testing.T) {
	raw := synth(t, "codedeploy").json["service"]
	outs := assertContract(t, raw, contractOutputs)
	if v := dig(outs, OutContainerName, "Value"); v != "webapp" {
		t.Errorf("ContainerName = %v", v)
	}
	if v := dig(outs, OutContainerPort, "Value"); v != "3000" {
		t.Errorf("ContainerPort = %v", v)
	}
	if v := dig(outs, OutDeploymentMode, "Value"); v != "codedeploy" {
		t.Errorf("DeploymentMode = %v", v)
	}
	if j, _ := dig(outs, OutSubnets, "Value", "Fn::Join").([]any); len(j) != 2 || j[0] != "," || len(j[1].([]any)) != 3 {
		t.Errorf("Subnets = %v", dig(outs, OutSubnets, "Value"))
	}
	// Hook mode: the same keys (less the per-image task definition ARN and
	// the CodeDeploy names) as SSM parameters.
	hook := synth(t, "hook").json["service"]
	names := map[string]bool{}
	for _, r := range findResources(hook, "AWS::SSM::Parameter") {
		names[dig(r, "Properties", "Name").(string)] = true
	}
	for _, k := range contractOutputs {
		skip := k == OutTaskDefinitionArn || k == OutCodeDeployApplication || k == OutDeploymentGroup
		if names["/webapp/service/"+k] == skip {
			t.Errorf("hook-mode parameter %s present=%v", k, !skip)
		}
	}
}

// dig walks nested maps (and the first level of a slice by key lookups only).
func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func findResources(tpl map[string]any, typ string) []map[string]any {
	var out []map[string]any
	res, _ := tpl["Resources"].(map[string]any)
	for _, r := range res {
		if m, ok := r.(map[string]any); ok && m["Type"] == typ {
			out = append(out, m)
		}
	}
	return out
}

// walkFind reports whether f matches any key/value anywhere in v.
func walkFind(v any, f func(k string, v any) bool) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if f(k, x) || walkFind(x, f) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if walkFind(x, f) {
				return true
			}
		}
	}
	return false
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
