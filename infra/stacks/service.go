package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// AppUser is the numeric user the container runs as: the image's own
// non-root user, pinned here too so a rebuilt image cannot turn it to root.
const AppUser = "65532"

// ServiceStack is <app>-service: load balancer, target groups, listeners,
// cluster, task definition, roles, log group, alarms and the blue/green
// machinery of the configured mode.
type ServiceStack struct {
	awscdk.Stack
	// Mode is the blue/green design this stack implements.
	Mode config.Mode
	// LoadBalancer is the internet-facing ALB.
	LoadBalancer elb.ApplicationLoadBalancer
	// Blue receives production traffic initially.
	Blue elb.ApplicationTargetGroup
	// Green receives the replacement tasks during a deployment.
	Green elb.ApplicationTargetGroup
	// ProdListener serves production traffic (:80, or :443 with a certificate).
	ProdListener elb.ApplicationListener
	// TestListener serves test traffic (:8080) to the replacement tasks.
	TestListener elb.ApplicationListener
	// Cluster runs the tasks on FARGATE and FARGATE_SPOT.
	Cluster awsecs.Cluster
	// TaskDefinition is the Fargate task definition (family = app name).
	TaskDefinition awsecs.FargateTaskDefinition
	// LogGroup receives the container's logs.
	LogGroup awslogs.LogGroup
	// ExecutionRole pulls the image and writes the log group.
	ExecutionRole awsiam.Role
	// TaskRole is the app's own identity.
	TaskRole awsiam.Role
	// Alarms are the per-target-group unhealthy-host and 5xx alarms.
	Alarms []awscloudwatch.Alarm
	// Composite is in ALARM when any of Alarms is.
	Composite awscloudwatch.CompositeAlarm
	// AlarmTopic is notified by Composite (nil unless alarmEmail or
	// alarmTopicArn is set).
	AlarmTopic awssns.ITopic

	// Service is the Fargate service: CODE_DEPLOY-controlled (codedeploy
	// mode) or ECS-controlled (ecs mode).
	Service awsecs.FargateService
	// Application is the CodeDeploy application (codedeploy mode).
	Application awscodedeploy.EcsApplication
	// DeploymentRole is what CodeDeploy acts as (codedeploy mode; hook mode's
	// lives in <app>-network).
	DeploymentRole awsiam.Role
	// DeploymentGroup shifts traffic and rolls back (codedeploy mode).
	DeploymentGroup awscodedeploy.EcsDeploymentGroup

	// CfnService is the EXTERNAL-controlled service (hook mode).
	CfnService awsecs.CfnService
	// TaskSet is the initial (blue) task set (hook mode).
	TaskSet awsecs.CfnTaskSet
	// Hook is the CodeDeploy blue/green hook (hook mode).
	Hook awscdk.CfnCodeDeployBlueGreenHook

	// ecsParts are the listener rules and roles of ecs mode.
	ecsParts
	// analysisParts are the deployment check's resources (analysis=on).
	analysisParts

	cfg     config.Config
	net     netRefs
	subnets *[]*string
}

// netRefs is what the service stack uses from the other stacks.
type netRefs struct {
	vpc     awsec2.IVpc
	albSG   awsec2.ISecurityGroup
	appSG   awsec2.ISecurityGroup
	private *awsec2.SubnetSelection
	repo    awsecr.IRepository
}

// NewServiceStack creates <app>-service in the configured mode.
func NewServiceStack(scope constructs.Construct, cfg config.Config, ecr *EcrStack, network *NetworkStack) *ServiceStack {
	props := stackProps(cfg, "service", fmt.Sprintf("Load balancer and ECS service of %s (%s blue/green)", cfg.AppName, cfg.Mode))
	if cfg.Mode == config.ModeHook {
		// The CDK version metadata is a non-ECS resource: a CDK upgrade would
		// change it in the same update as an image change, which the hook refuses.
		props.AnalyticsReporting = jsii.Bool(false)
	}
	stack := awscdk.NewStack(scope, jsii.String(cfg.StackName("service")), props)
	s := &ServiceStack{Stack: stack, Mode: cfg.Mode, cfg: cfg}
	if cfg.Mode == config.ModeHook {
		s.net = hookNetRefs(stack, cfg)
		stack.AddStackDependency(network.Stack, jsii.String("reads the network ids from SSM parameters"))
		stack.AddStackDependency(ecr.Stack, jsii.String("pulls from the app repository"))
	} else {
		s.net = netRefs{
			vpc:     network.Vpc,
			albSG:   importSG(stack, "AlbSG", network.AlbSG.SecurityGroupId()),
			appSG:   importSG(stack, "AppSG", network.AppSG.SecurityGroupId()),
			private: &awsec2.SubnetSelection{SubnetType: network.PrivateSubnetType},
			repo:    ecr.Repository,
		}
	}
	s.subnets = s.net.vpc.SelectSubnets(s.net.private).SubnetIds
	s.loadBalancer()
	s.tasks()
	s.alarms()
	if cfg.Analysis.Enabled {
		s.checkFunction()
	}
	switch cfg.Mode {
	case config.ModeHook:
		s.hookMode()
	case config.ModeECS:
		s.ecsMode()
	default:
		s.codeDeployMode()
	}
	s.outputs(ecr)
	return s
}

// importSG references a network-stack security group without letting CDK add
// rules to it: every rule is declared, and tested, in <app>-network.
func importSG(stack awscdk.Stack, id string, sgID *string) awsec2.ISecurityGroup {
	return awsec2.SecurityGroup_FromSecurityGroupId(stack, jsii.String(id), sgID, &awsec2.SecurityGroupImportOptions{
		Mutable:          jsii.Bool(false),
		AllowAllOutbound: jsii.Bool(true),
	})
}

func (s *ServiceStack) tasks() {
	cfg := s.cfg
	s.Cluster = awsecs.NewCluster(s.Stack, jsii.String("Cluster"), &awsecs.ClusterProps{
		ClusterName:                    jsii.String(cfg.AppName),
		Vpc:                            s.net.vpc,
		EnableFargateCapacityProviders: jsii.Bool(true),
		ContainerInsightsV2:            awsecs.ContainerInsights_ENABLED,
	})
	s.LogGroup = awslogs.NewLogGroup(s.Stack, jsii.String("Logs"), &awslogs.LogGroupProps{
		LogGroupName: jsii.String("/ecs/" + cfg.AppName),
		// The logs outlive the stack: they are what explains its last days.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	// RetentionDays is an enum of names; the day count is set on the L1.
	s.LogGroup.Node().DefaultChild().(awslogs.CfnLogGroup).SetRetentionInDays(jsii.Number(float64(cfg.LogRetentionDays)))

	s.ExecutionRole = awsiam.NewRole(s.Stack, jsii.String("ExecutionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
		Description: jsii.String("Pulls " + cfg.AppName + " images and writes its log group"),
	})
	s.TaskRole = awsiam.NewRole(s.Stack, jsii.String("TaskRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("ecs-tasks.amazonaws.com"), nil),
		Description: jsii.String("Runtime identity of " + cfg.AppName + " (no permissions by default)"),
	})
	// Pull from this repository only (plus GetAuthorizationToken, which has
	// no resource-level form).
	s.net.repo.GrantPull(s.ExecutionRole)

	s.TaskDefinition = awsecs.NewFargateTaskDefinition(s.Stack, jsii.String("TaskDefinition"), &awsecs.FargateTaskDefinitionProps{
		Family:         jsii.String(cfg.AppName),
		Cpu:            jsii.Number(float64(cfg.CPU)),
		MemoryLimitMiB: jsii.Number(float64(cfg.Memory)),
		ExecutionRole:  s.ExecutionRole,
		TaskRole:       s.TaskRole,
		RuntimePlatform: &awsecs.RuntimePlatform{
			OperatingSystemFamily: awsecs.OperatingSystemFamily_LINUX(),
			CpuArchitecture:       cpuArchitecture(cfg.CPUArchitecture),
		},
	})
	// Revisions a rollback may need stay registered. Every change of a task
	// definition is a replacement in CloudFormation, which deregisters the
	// old revision (INACTIVE: no new tasks, no UpdateService, no task set
	// from it). AWS::ECS::TaskDefinition has no property to skip that (AWS
	// Batch job definitions have ResourceRetentionPolicy; ECS task
	// definitions have nothing like it in CDK v2.270.0), so the resource
	// carries UpdateReplacePolicy and DeletionPolicy Retain: a replaced or
	// removed revision stays ACTIVE. Registered revisions cost nothing, and
	// the family keeps at most one per stack update that changed it.
	s.TaskDefinition.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
	var health *awsecs.HealthCheck
	if len(cfg.HealthCheckCommand) > 0 {
		health = &awsecs.HealthCheck{
			Command:     jsii.Strings(append([]string{"CMD"}, cfg.HealthCheckCommand...)...),
			Interval:    awscdk.Duration_Seconds(jsii.Number(10)),
			Timeout:     awscdk.Duration_Seconds(jsii.Number(5)),
			Retries:     jsii.Number(3),
			StartPeriod: awscdk.Duration_Seconds(jsii.Number(10)),
		}
	}
	s.TaskDefinition.AddContainer(jsii.String("App"), &awsecs.ContainerDefinitionOptions{
		HealthCheck:   health,
		ContainerName: jsii.String(cfg.AppName),
		Image:         s.image(),
		Essential:     jsii.Bool(true),
		PortMappings: &[]*awsecs.PortMapping{{
			ContainerPort: jsii.Number(float64(cfg.ContainerPort)),
			Protocol:      awsecs.Protocol_TCP,
		}},
		Environment: &map[string]*string{
			"PORT":     jsii.String(fmt.Sprint(cfg.ContainerPort)),
			"APP_NAME": jsii.String(cfg.AppName),
			// After the drain, in-flight requests get as long again.
			"SHUTDOWN_TIMEOUT": jsii.String(fmt.Sprintf("%ds", cfg.MaxRequestSeconds)),
		},
		User:                   jsii.String(AppUser),
		ReadonlyRootFilesystem: jsii.Bool(true),
		Logging: awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{
			LogGroup:     s.LogGroup,
			StreamPrefix: jsii.String(cfg.AppName),
		}),
		StopTimeout: awscdk.Duration_Seconds(jsii.Number(float64(cfg.StopTimeoutSeconds()))),
	})
}

// image is the configured digest-pinned image; in hook mode without one, the
// image the service runs now (config.Live.Image: a hook-mode stack update
// that changes the image is a release, so an infrastructure update keeps
// it); otherwise the synth-time placeholder <repository>:initial.
func (s *ServiceStack) image() awsecs.ContainerImage {
	if s.cfg.Image != "" {
		return awsecs.ContainerImage_FromRegistry(jsii.String(s.cfg.Image), nil)
	}
	if s.cfg.Mode == config.ModeHook && s.cfg.Live.Image != "" {
		return awsecs.ContainerImage_FromRegistry(jsii.String(s.cfg.Live.Image), nil)
	}
	return awsecs.ContainerImage_FromEcrRepository(s.net.repo, jsii.String(config.InitialImageTag))
}

// capacityProviders runs every task on FARGATE; FARGATE_SPOT is associated
// with weight 0 so it can be turned on without replacing the service.
func capacityProviders() *[]*awsecs.CapacityProviderStrategy {
	return &[]*awsecs.CapacityProviderStrategy{
		{CapacityProvider: jsii.String("FARGATE"), Weight: jsii.Number(1), Base: jsii.Number(0)},
		{CapacityProvider: jsii.String("FARGATE_SPOT"), Weight: jsii.Number(0)},
	}
}

// cpuArchitecture maps the validated config value to the CDK constant.
func cpuArchitecture(arch string) awsecs.CpuArchitecture {
	if arch == config.CPUArchitectureARM64 {
		return awsecs.CpuArchitecture_ARM64()
	}
	return awsecs.CpuArchitecture_X86_64()
}
