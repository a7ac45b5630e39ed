// Package stacks builds the CloudFormation stacks of the app from a validated
// configuration: <app>-ecr, <app>-network, <app>-service (CodeDeploy or hook
// mode) and <app>-pipeline. main.go and the tests share Build.
package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// App is every stack of the app, for tests and callers that need to reach
// into one of them.
type App struct {
	// ECR holds the image repository.
	ECR *EcrStack
	// Network holds the VPC and security groups.
	Network *NetworkStack
	// Service holds the load balancer, the ECS service and its blue/green
	// machinery.
	Service *ServiceStack
	// Pipeline holds CodePipeline and CodeBuild (nil in hook mode).
	Pipeline *PipelineStack
}

// Build adds all stacks to app. cfg must come from config.Load (validated).
func Build(app awscdk.App, cfg config.Config) *App {
	awscdk.Tags_Of(app).Add(jsii.String("app"), jsii.String(cfg.AppName), &awscdk.TagProps{
		// Listener tags are recent in the CloudFormation schema and not yet
		// accepted by every validator or emulator; listeners need none.
		ExcludeResourceTypes: jsii.Strings("AWS::ElasticLoadBalancingV2::Listener"),
	})
	ecr := NewEcrStack(app, cfg)
	network := NewNetworkStack(app, cfg)
	service := NewServiceStack(app, cfg, ecr, network)
	a := &App{ECR: ecr, Network: network, Service: service}
	if cfg.HasPipeline() {
		a.Pipeline = NewPipelineStack(app, cfg, ecr, service)
	}
	return a
}

// stackProps names a stack <app>-<part> and binds it to the configured
// account and region when both are known.
func stackProps(cfg config.Config, part, description string) *awscdk.StackProps {
	p := &awscdk.StackProps{
		StackName:   jsii.String(cfg.StackName(part)),
		Description: jsii.String(description),
	}
	if cfg.EnvSpecific() {
		p.Env = &awscdk.Environment{Account: jsii.String(cfg.Account), Region: jsii.String(cfg.Region)}
	}
	return p
}
