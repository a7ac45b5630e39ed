package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// HookServiceRoleName is the IAM role the CodeDeploy blue/green hook uses. It
// lives in <app>-network because the hook needs it before the service
// stack's own resources exist.
func HookServiceRoleName(cfg config.Config) string { return cfg.AppName + "-codedeploy-bluegreen" }

// hookNetRefs reads the network ids from the SSM parameters <app>-network
// publishes in hook mode: templates with the blue/green transform may not
// use Fn::ImportValue.
func hookNetRefs(stack awscdk.Stack, cfg config.Config) netRefs {
	param := func(name string) *string {
		return awsssm.StringParameter_ValueForStringParameter(stack, jsii.String(ParameterPrefix(cfg)+name), nil)
	}
	var public, private []*string
	for i := 1; i <= AZCount; i++ {
		public = append(public, param(fmt.Sprintf("PublicSubnet%d", i)))
		private = append(private, param(fmt.Sprintf("PrivateSubnet%d", i)))
	}
	attrs := &awsec2.VpcAttributes{
		VpcId:             param("VpcId"),
		AvailabilityZones: availabilityZones(stack, cfg),
		PublicSubnetIds:   &public,
	}
	selection := &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
	if cfg.NatGateways == 0 {
		attrs.IsolatedSubnetIds = &private
		selection = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	} else {
		attrs.PrivateSubnetIds = &private
	}
	vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("Vpc"), attrs)
	// Route tables are not needed here: nothing in the service stack routes.
	awscdk.Annotations_Of(stack).AcknowledgeWarning(jsii.String("@aws-cdk/aws-ec2:noSubnetRouteTableId"),
		jsii.String("the service stack only places resources in the subnets"))
	return netRefs{
		vpc:     vpc,
		albSG:   importSG(stack, "AlbSG", param("AlbSecurityGroupId")),
		appSG:   importSG(stack, "AppSG", param("AppSecurityGroupId")),
		private: selection,
		repo:    awsecr.Repository_FromRepositoryName(stack, jsii.String("Repository"), jsii.String(cfg.AppName)),
	}
}

// hookMode adds the EXTERNAL-controlled service, its initial task set and the
// AWS::CodeDeployBlueGreen transform with its hook (the second reference
// design): a stack update that changes the task definition is carried out as
// a blue/green deployment by CloudFormation and CodeDeploy.
func (s *ServiceStack) hookMode() {
	cfg := s.cfg
	s.CfnService = awsecs.NewCfnService(s.Stack, jsii.String("Service"), &awsecs.CfnServiceProps{
		ServiceName:          jsii.String(cfg.AppName),
		Cluster:              s.Cluster.ClusterName(),
		DesiredCount:         jsii.Number(float64(cfg.DesiredCount)),
		DeploymentController: &awsecs.CfnService_DeploymentControllerProperty{Type: jsii.String("EXTERNAL")},
		PropagateTags:        jsii.String("SERVICE"),
	})
	s.CfnService.Node().AddDependency(s.Blue, s.Green, s.ProdListener, s.TestListener, s.Cluster)

	s.TaskSet = awsecs.NewCfnTaskSet(s.Stack, jsii.String("TaskSet"), &awsecs.CfnTaskSetProps{
		Cluster:         s.Cluster.ClusterName(),
		Service:         s.CfnService.AttrName(),
		TaskDefinition:  s.TaskDefinition.TaskDefinitionArn(),
		LaunchType:      jsii.String("FARGATE"),
		PlatformVersion: jsii.String("LATEST"),
		Scale:           &awsecs.CfnTaskSet_ScaleProperty{Unit: jsii.String("PERCENT"), Value: jsii.Number(100)},
		LoadBalancers: &[]*awsecs.CfnTaskSet_LoadBalancerProperty{{
			ContainerName:  jsii.String(cfg.AppName),
			ContainerPort:  jsii.Number(float64(cfg.ContainerPort)),
			TargetGroupArn: s.Blue.TargetGroupArn(),
		}},
		NetworkConfiguration: &awsecs.CfnTaskSet_NetworkConfigurationProperty{
			AwsVpcConfiguration: &awsecs.CfnTaskSet_AwsVpcConfigurationProperty{
				AssignPublicIp: jsii.String("DISABLED"),
				SecurityGroups: &[]*string{s.net.appSG.SecurityGroupId()},
				Subnets:        s.subnets,
			},
		},
	})
	awsecs.NewCfnPrimaryTaskSet(s.Stack, jsii.String("PrimaryTaskSet"), &awsecs.CfnPrimaryTaskSetProps{
		Cluster:   s.Cluster.ClusterName(),
		Service:   s.CfnService.AttrName(),
		TaskSetId: s.TaskSet.AttrId(),
	})

	s.Stack.AddTransform(jsii.String("AWS::CodeDeployBlueGreen"))
	// CDK's template validator does not know the section the transform reads.
	awscdk.Validations_Of(s.Stack).Acknowledge(&awscdk.Acknowledgment{
		Id:     jsii.String("CloudFormation-Validate::F0005"),
		Reason: jsii.String("the Hooks section is read by the AWS::CodeDeployBlueGreen transform"),
	})
	taskDef := s.Stack.GetLogicalId(s.TaskDefinition.Node().DefaultChild().(awsecs.CfnTaskDefinition))
	taskSet := s.Stack.GetLogicalId(s.TaskSet)
	listenerType := jsii.String("AWS::ElasticLoadBalancingV2::Listener")
	var hooks *awscdk.CfnCodeDeployBlueGreenLifecycleEventHooks
	if cfg.AfterAllowTestTrafficHook != "" {
		hooks = &awscdk.CfnCodeDeployBlueGreenLifecycleEventHooks{AfterAllowTestTraffic: jsii.String(cfg.AfterAllowTestTrafficHook)}
	}
	s.Hook = awscdk.NewCfnCodeDeployBlueGreenHook(s.Stack, jsii.String("CodeDeployBlueGreenHook"), &awscdk.CfnCodeDeployBlueGreenHookProps{
		ServiceRole:          jsii.String(HookServiceRoleName(cfg)),
		TrafficRoutingConfig: hookTrafficRouting(cfg.Deployment),
		AdditionalOptions: &awscdk.CfnCodeDeployBlueGreenAdditionalOptions{
			TerminationWaitTimeInMinutes: jsii.Number(float64(cfg.TerminationWaitMinutes)),
		},
		LifecycleEventHooks: hooks,
		Applications: &[]*awscdk.CfnCodeDeployBlueGreenApplication{{
			Target: &awscdk.CfnCodeDeployBlueGreenApplicationTarget{
				Type:      jsii.String("AWS::ECS::Service"),
				LogicalId: s.Stack.GetLogicalId(s.CfnService),
			},
			EcsAttributes: &awscdk.CfnCodeDeployBlueGreenEcsAttributes{
				TaskDefinitions: &[]*string{taskDef, jsii.String(*taskDef + "Green")},
				TaskSets:        &[]*string{taskSet, jsii.String(*taskSet + "Green")},
				TrafficRouting: &awscdk.CfnTrafficRouting{
					ProdTrafficRoute: &awscdk.CfnTrafficRoute{Type: listenerType, LogicalId: s.Stack.GetLogicalId(s.ProdListener.Node().DefaultChild().(elb.CfnListener))},
					TestTrafficRoute: &awscdk.CfnTrafficRoute{Type: listenerType, LogicalId: s.Stack.GetLogicalId(s.TestListener.Node().DefaultChild().(elb.CfnListener))},
					TargetGroups: &[]*string{
						s.Stack.GetLogicalId(s.Blue.Node().DefaultChild().(elb.CfnTargetGroup)),
						s.Stack.GetLogicalId(s.Green.Node().DefaultChild().(elb.CfnTargetGroup)),
					},
				},
			},
		}},
	})
}

// hookTrafficRouting maps the configured strategy to the hook's routing.
func hookTrafficRouting(d config.Deployment) *awscdk.CfnTrafficRoutingConfig {
	switch d.Kind {
	case config.Canary:
		return &awscdk.CfnTrafficRoutingConfig{
			Type:            awscdk.CfnTrafficRoutingType_TIME_BASED_CANARY,
			TimeBasedCanary: &awscdk.CfnTrafficRoutingTimeBasedCanary{StepPercentage: jsii.Number(float64(d.Percent)), BakeTimeMins: jsii.Number(float64(d.Minutes))},
		}
	case config.Linear:
		return &awscdk.CfnTrafficRoutingConfig{
			Type:            awscdk.CfnTrafficRoutingType_TIME_BASED_LINEAR,
			TimeBasedLinear: &awscdk.CfnTrafficRoutingTimeBasedLinear{StepPercentage: jsii.Number(float64(d.Percent)), BakeTimeMins: jsii.Number(float64(d.Minutes))},
		}
	}
	return &awscdk.CfnTrafficRoutingConfig{Type: awscdk.CfnTrafficRoutingType_ALL_AT_ONCE}
}
