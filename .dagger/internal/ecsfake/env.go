package ecsfake

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/moto"
)

// Env is a ready world for a test of ECS-native deployments: a stand-in in
// front of the test binary's (reset) moto server, a manual clock, the real
// SDK ECS client pointed at the stand-in, the listeners, a cluster and two
// revisions of the task family. Create the service with CreateService.
type Env struct {
	Server    *Server
	Clock     *ManualClock
	ECS       *ecs.Client
	Listeners Listeners
	// Cluster and Service name the cluster (created) and the service (not yet).
	Cluster, Service string
	// V1 and V2 are task definition ARNs of the family webapp.
	V1, V2 string
	// Role is the infrastructure role ARN the load balancer configuration names.
	Role string
}

// NewEnv builds an Env; the stand-in stops when the test ends. Without
// moto_server the test is skipped (or fails under CI=true).
func NewEnv(t testing.TB) *Env {
	t.Helper()
	m := moto.Shared(t)
	clock := NewManualClock(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	srv := New(t, Options{Upstream: m.URL, Clock: clock})
	e := &Env{
		Server: srv, Clock: clock, Cluster: "web", Service: "webapp",
		Role: "arn:aws:iam::" + moto.Account + ":role/ecs-infrastructure",
		ECS: ecs.New(ecs.Options{
			Region: moto.Region, BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""),
		}),
	}
	e.Listeners = NewListeners(t, srv.URL, false)
	if _, err := e.ECS.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String(e.Cluster)}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	e.V1, e.V2 = e.Register(t, "v1"), e.Register(t, "v2")
	return e
}

// Register registers a revision of the webapp family whose image is tagged
// tag, and returns its ARN.
func (e *Env) Register(t testing.TB, tag string) string {
	t.Helper()
	out, err := e.ECS.RegisterTaskDefinition(context.Background(), &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("webapp"), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu:                     aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("webapp"), Image: aws.String("registry.example/webapp:" + tag), Essential: aws.Bool(true),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(3000)}},
		}},
	})
	if err != nil {
		t.Fatalf("RegisterTaskDefinition: %v", err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// ServiceInput is a CreateService of a two-task service at V1 on the
// listeners, ECS controller, with cfg.
func (e *Env) ServiceInput(cfg *types.DeploymentConfiguration) *ecs.CreateServiceInput {
	return &ecs.CreateServiceInput{
		Cluster: aws.String(e.Cluster), ServiceName: aws.String(e.Service), TaskDefinition: aws.String(e.V1),
		DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate,
		DeploymentController:    &types.DeploymentController{Type: types.DeploymentControllerTypeEcs},
		DeploymentConfiguration: cfg,
		LoadBalancers: []types.LoadBalancer{{
			TargetGroupArn: aws.String(e.Listeners.Blue), ContainerName: aws.String("webapp"), ContainerPort: aws.Int32(3000),
			AdvancedConfiguration: &types.AdvancedConfiguration{
				AlternateTargetGroupArn: aws.String(e.Listeners.Green), ProductionListenerRule: aws.String(e.Listeners.ProductionRule),
				TestListenerRule: aws.String(e.Listeners.TestRule), RoleArn: aws.String(e.Role),
			},
		}},
	}
}

// CreateService creates the service with cfg.
func (e *Env) CreateService(t testing.TB, cfg *types.DeploymentConfiguration) {
	t.Helper()
	if _, err := e.ECS.CreateService(context.Background(), e.ServiceInput(cfg)); err != nil {
		t.Fatalf("CreateService: %v", err)
	}
}

// Deploy updates the service to V2 and returns the deployment it started.
func (e *Env) Deploy(t testing.TB) string { t.Helper(); return e.DeployTaskDefinition(t, e.V2) }

// DeployTaskDefinition updates the service to arn and returns the service
// deployment it started, read back through DescribeServices.
func (e *Env) DeployTaskDefinition(t testing.TB, arn string) string {
	t.Helper()
	if _, err := e.ECS.UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service), TaskDefinition: aws.String(arn)}); err != nil {
		t.Fatalf("UpdateService: %v", err)
	}
	return aws.ToString(e.DescribeService(t).CurrentServiceDeployment)
}

// DescribeService reads the service.
func (e *Env) DescribeService(t testing.TB) types.Service {
	t.Helper()
	out, err := e.ECS.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(e.Cluster), Services: []string{e.Service}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices: %v (%d services)", err, len(out.Services))
	}
	return out.Services[0]
}

// Deployment reads one service deployment.
func (e *Env) Deployment(t testing.TB, arn string) types.ServiceDeployment {
	t.Helper()
	out, err := e.ECS.DescribeServiceDeployments(context.Background(), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil {
		t.Fatalf("DescribeServiceDeployments: %v", err)
	}
	if len(out.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments %s: failures %+v", arn, out.Failures)
	}
	return out.ServiceDeployments[0]
}

// NoFailures fails the test if the stand-in's own calls to moto failed.
func (e *Env) NoFailures(t testing.TB) {
	t.Helper()
	if f := e.Server.Failures(); len(f) > 0 {
		t.Fatalf("the stand-in's own calls to moto failed: %v", f)
	}
}
