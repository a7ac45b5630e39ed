package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// fargateServiceProps are the settings the Fargate service has in every
// mode that uses the L2 service (codedeploy and ecs); each mode adds its
// deployment controller and what goes with it.
func (s *ServiceStack) fargateServiceProps(controller awsecs.DeploymentControllerType) *awsecs.FargateServiceProps {
	cfg := s.cfg
	return &awsecs.FargateServiceProps{
		ServiceName:                jsii.String(cfg.AppName),
		Cluster:                    s.Cluster,
		TaskDefinition:             s.TaskDefinition,
		DesiredCount:               jsii.Number(float64(cfg.DesiredCount)),
		AssignPublicIp:             jsii.Bool(false),
		VpcSubnets:                 s.net.private,
		SecurityGroups:             &[]awsec2.ISecurityGroup{s.net.appSG},
		DeploymentController:       &awsecs.DeploymentController{Type: controller},
		CapacityProviderStrategies: capacityProviders(),
		PlatformVersion:            awsecs.FargatePlatformVersion_LATEST,
		HealthCheckGracePeriod:     awscdk.Duration_Seconds(jsii.Number(30)),
		MinHealthyPercent:          jsii.Number(100),
		MaxHealthyPercent:          jsii.Number(200),
		PropagateTags:              awsecs.PropagatedTagSource_SERVICE,
	}
}

// keepLiveTaskDefinition puts the revision the service runs now on the
// ecs-mode service (config.Live.TaskDefinition, read by deploy-infra), so
// that no update of the stack deploys anything. CloudFormation sends every
// property of a service on any update of it (desired count, deployment
// settings, a CDK upgrade re-rendering it), and for the ECS controller a
// task definition in that UpdateService is a deployment: the template's own
// revision would roll out over the live release. The stack's own task
// definition stays in the template as the template of record (the
// TaskDefinitionArn output), registered but not deployed: the next release
// starts from it. A first deployment, with nothing running yet, starts the
// service on it.
func (s *ServiceStack) keepLiveTaskDefinition() {
	if s.cfg.Live.TaskDefinition == "" || s.cfg.Mode != config.ModeECS {
		return
	}
	cfn := s.Service.Node().DefaultChild().(awsecs.CfnService)
	cfn.AddPropertyOverride(jsii.String("TaskDefinition"), s.cfg.Live.TaskDefinition)
}
