package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// Output keys of <app>-service: the contract the release reads.
const (
	OutClusterName           = "ClusterName"
	OutServiceName           = "ServiceName"
	OutCodeDeployApplication = "CodeDeployApplication"
	OutDeploymentGroup       = "DeploymentGroup"
	OutTaskFamily            = "TaskFamily"
	OutTaskDefinitionArn     = "TaskDefinitionArn"
	OutContainerName         = "ContainerName"
	OutContainerPort         = "ContainerPort"
	OutExecutionRoleArn      = "ExecutionRoleArn"
	OutTaskRoleArn           = "TaskRoleArn"
	OutLogGroupName          = "LogGroupName"
	OutSubnets               = "Subnets"
	OutSecurityGroups        = "SecurityGroups"
	OutRepositoryUri         = "RepositoryUri"
	OutProductionUrl         = "ProductionUrl"
	OutTestUrl               = "TestUrl"
	OutDeploymentMode        = "DeploymentMode"
)

// ServiceParameterPrefix is where the hook-mode service stack publishes the
// contract values as SSM parameters, since its template may not declare
// Outputs.
func ServiceParameterPrefix(cfg config.Config) string { return "/" + cfg.AppName + "/service/" }

type output struct {
	key, description string
	value            *string
}

// outputs declares the contract values: CloudFormation outputs in codedeploy
// and ecs modes (each with its own additions); in hook mode, where the transform forbids Outputs, SSM parameters
// under ServiceParameterPrefix (without TaskDefinitionArn, which changes with
// every image and would put a non-ECS change into the deployment update).
func (s *ServiceStack) outputs(ecr *EcrStack) {
	cfg := s.cfg
	host := s.LoadBalancer.LoadBalancerDnsName()
	scheme := "http"
	if cfg.HTTPS() {
		scheme = "https"
	}
	if cfg.HasDomain() {
		zone := awsroute53.HostedZone_FromHostedZoneAttributes(s.Stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String(cfg.HostedZoneID),
			ZoneName:     jsii.String(cfg.ZoneName),
		})
		awsroute53.NewARecord(s.Stack, jsii.String("Alias"), &awsroute53.ARecordProps{
			Zone:       zone,
			RecordName: jsii.String(cfg.DomainName),
			Target:     awsroute53.RecordTarget_FromAlias(awsroute53targets.NewLoadBalancerTarget(s.LoadBalancer, nil)),
		})
		host = jsii.String(cfg.DomainName)
	}
	outs := []output{
		{OutClusterName, "ECS cluster", s.Cluster.ClusterName()},
		{OutTaskFamily, "task definition family", s.TaskDefinition.Family()},
		{OutTaskDefinitionArn, "task definition deployed by this stack", s.TaskDefinition.TaskDefinitionArn()},
		{OutContainerName, "container that receives traffic", jsii.String(cfg.AppName)},
		{OutContainerPort, "port of that container", jsii.String(fmt.Sprint(cfg.ContainerPort))},
		{OutExecutionRoleArn, "task execution role", s.ExecutionRole.RoleArn()},
		{OutTaskRoleArn, "task role", s.TaskRole.RoleArn()},
		{OutLogGroupName, "container log group", s.LogGroup.LogGroupName()},
		{OutSubnets, "task subnets, comma-separated", awscdk.Fn_Join(jsii.String(","), s.subnets)},
		{OutSecurityGroups, "task security groups, comma-separated", s.net.appSG.SecurityGroupId()},
		{OutRepositoryUri, "image repository", s.net.repo.RepositoryUri()},
		{OutProductionUrl, "production listener", awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String(scheme + "://"), host})},
		{OutTestUrl, "test listener (new tasks before traffic shifts)", awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String(scheme + "://"), host, jsii.String(fmt.Sprintf(":%d", cfg.TestPort()))})},
		{OutDeploymentMode, "blue/green design", jsii.String(string(cfg.Mode))},
	}
	if cfg.Mode == config.ModeHook {
		outs = append(outs, output{OutServiceName, "ECS service", s.CfnService.AttrName()})
		for _, o := range outs {
			if o.key == OutTaskDefinitionArn {
				continue
			}
			awsssm.NewStringParameter(s.Stack, jsii.String("Out"+o.key), &awsssm.StringParameterProps{
				ParameterName: jsii.String(ServiceParameterPrefix(cfg) + o.key),
				Description:   jsii.String(o.description),
				StringValue:   o.value,
			})
		}
		return
	}
	outs = append(outs, output{OutServiceName, "ECS service", s.Service.ServiceName()})
	if cfg.Mode == config.ModeECS {
		outs = append(outs, s.ecsOutputs()...)
	} else {
		outs = append(outs,
			output{OutCodeDeployApplication, "CodeDeploy application", s.Application.ApplicationName()},
			output{OutDeploymentGroup, "CodeDeploy deployment group", s.DeploymentGroup.DeploymentGroupName()},
		)
	}
	for _, o := range outs {
		out := awscdk.NewCfnOutput(s.Stack, jsii.String("Output"+o.key), &awscdk.CfnOutputProps{
			Value:       o.value,
			Description: jsii.String(o.description),
		})
		// The OutputKey is the contract, not a CDK-derived id.
		out.OverrideLogicalId(jsii.String(o.key))
	}
}
