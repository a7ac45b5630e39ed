package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// codeDeployMode adds the CODE_DEPLOY-controlled service and the CodeDeploy
// application and deployment group (the first reference design).
func (s *ServiceStack) codeDeployMode() {
	cfg := s.cfg
	s.Service = awsecs.NewFargateService(s.Stack, jsii.String("Service"), s.fargateServiceProps(awsecs.DeploymentControllerType_CODE_DEPLOY))
	// The capacity provider association must exist before a service that
	// names FARGATE/FARGATE_SPOT in its strategy.
	s.Service.Node().AddDependency(s.Cluster)
	// The service names the task family (the L2's rendering for
	// CODE_DEPLOY: its newest revision at creation), a value no later
	// template changes, so CloudFormation never sends a task definition to
	// this service (ECS would refuse it). The live revision
	// (liveTaskDefinition) is not written here: every release would then
	// look like a task definition change of a CODE_DEPLOY service.
	s.Service.AttachToApplicationTargetGroup(s.Blue)

	s.Application = awscodedeploy.NewEcsApplication(s.Stack, jsii.String("Application"), &awscodedeploy.EcsApplicationProps{
		ApplicationName: jsii.String(cfg.AppName),
	})
	alarms := make([]interfacesawscloudwatch.IAlarmRef, 0, len(s.Alarms))
	for _, a := range s.Alarms {
		alarms = append(alarms, a)
	}
	s.DeploymentRole = codeDeployRole(s.Stack, s.Stack, cfg, nil, []*string{s.ExecutionRole.RoleArn(), s.TaskRole.RoleArn()})
	s.DeploymentGroup = awscodedeploy.NewEcsDeploymentGroup(s.Stack, jsii.String("DeploymentGroup"), &awscodedeploy.EcsDeploymentGroupProps{
		Application: s.Application,
		// Immutable, so the group cannot attach AWSCodeDeployRoleForECS.
		Role:                immutable(s.Stack, "CodeDeployRoleRef", s.DeploymentRole),
		DeploymentGroupName: jsii.String(cfg.AppName),
		Service:             s.Service,
		BlueGreenDeploymentConfig: &awscodedeploy.EcsBlueGreenDeploymentConfig{
			BlueTargetGroup:     s.Blue,
			GreenTargetGroup:    s.Green,
			Listener:            s.ProdListener,
			TestListener:        s.TestListener,
			TerminationWaitTime: awscdk.Duration_Minutes(jsii.Number(float64(cfg.TerminationWaitMinutes))),
		},
		DeploymentConfig: s.deploymentConfig(),
		// CodeDeploy reads metric alarms by name; the composite alarm is the
		// "any of these" view for people, the metric alarms drive rollback.
		Alarms: &alarms,
		AutoRollback: &awscodedeploy.AutoRollbackConfig{
			FailedDeployment:  jsii.Bool(true),
			StoppedDeployment: jsii.Bool(true),
			DeploymentInAlarm: jsii.Bool(true),
		},
	})
}

// deploymentConfig maps the configured strategy to CodeDeploy's predefined
// configuration or a custom time-based one.
func (s *ServiceStack) deploymentConfig() awscodedeploy.IEcsDeploymentConfig {
	d := s.cfg.Deployment
	switch d.Name {
	case "ALL_AT_ONCE":
		return awscodedeploy.EcsDeploymentConfig_ALL_AT_ONCE()
	case "CANARY_10PERCENT_5MINUTES":
		return awscodedeploy.EcsDeploymentConfig_CANARY_10PERCENT_5MINUTES()
	case "CANARY_10PERCENT_15MINUTES":
		return awscodedeploy.EcsDeploymentConfig_CANARY_10PERCENT_15MINUTES()
	case "LINEAR_10PERCENT_EVERY_1MINUTES":
		return awscodedeploy.EcsDeploymentConfig_LINEAR_10PERCENT_EVERY_1MINUTES()
	case "LINEAR_10PERCENT_EVERY_3MINUTES":
		return awscodedeploy.EcsDeploymentConfig_LINEAR_10PERCENT_EVERY_3MINUTES()
	}
	var routing awscodedeploy.TrafficRouting
	percent, every := jsii.Number(float64(d.Percent)), awscdk.Duration_Minutes(jsii.Number(float64(d.Minutes)))
	if d.Kind == config.Linear {
		routing = awscodedeploy.TrafficRouting_TimeBasedLinear(&awscodedeploy.TimeBasedLinearTrafficRoutingProps{Percentage: percent, Interval: every})
	} else {
		routing = awscodedeploy.TrafficRouting_TimeBasedCanary(&awscodedeploy.TimeBasedCanaryTrafficRoutingProps{Percentage: percent, Interval: every})
	}
	return awscodedeploy.NewEcsDeploymentConfig(s.Stack, jsii.String("DeploymentConfig"), &awscodedeploy.EcsDeploymentConfigProps{
		TrafficRouting: routing,
	})
}
