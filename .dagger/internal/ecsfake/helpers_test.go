package ecsfake_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// env is a stand-in in front of a reset moto, the real SDK client pointed at
// it, a cluster, two task definition revisions and the listeners.
type env struct {
	srv      *ecsfake.Server
	clock    *ecsfake.ManualClock
	ecs      *ecs.Client
	lb       ecsfake.Listeners
	v1, v2   string // task definition ARNs
	cluster  string
	service  string
	role     string
	creation *ecs.CreateServiceInput
}

func newEnv(t *testing.T) *env {
	t.Helper()
	m := moto.Shared(t)
	clock := ecsfake.NewManualClock(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	srv := ecsfake.New(t, ecsfake.Options{Upstream: m.URL, Clock: clock})
	e := &env{
		srv: srv, clock: clock, cluster: "web", service: "webapp",
		role: "arn:aws:iam::" + moto.Account + ":role/ecs-infrastructure",
		ecs: ecs.New(ecs.Options{
			Region: moto.Region, BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""),
		}),
	}
	e.lb = ecsfake.NewListeners(t, srv.URL, false)
	ctx := context.Background()
	if _, err := e.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(e.cluster)}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	e.v1, e.v2 = e.register(t, "v1"), e.register(t, "v2")
	return e
}

func (e *env) register(t *testing.T, tag string) string {
	t.Helper()
	out, err := e.ecs.RegisterTaskDefinition(context.Background(), &ecs.RegisterTaskDefinitionInput{
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

// serviceInput is a blue/green service on the env's listeners with cfg.
func (e *env) serviceInput(cfg *types.DeploymentConfiguration) *ecs.CreateServiceInput {
	return &ecs.CreateServiceInput{
		Cluster: aws.String(e.cluster), ServiceName: aws.String(e.service), TaskDefinition: aws.String(e.v1),
		DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate,
		DeploymentController:    &types.DeploymentController{Type: types.DeploymentControllerTypeEcs},
		DeploymentConfiguration: cfg,
		LoadBalancers: []types.LoadBalancer{{
			TargetGroupArn: aws.String(e.lb.Blue), ContainerName: aws.String("webapp"), ContainerPort: aws.Int32(3000),
			AdvancedConfiguration: &types.AdvancedConfiguration{
				AlternateTargetGroupArn: aws.String(e.lb.Green), ProductionListenerRule: aws.String(e.lb.ProductionRule),
				TestListenerRule: aws.String(e.lb.TestRule), RoleArn: aws.String(e.role),
			},
		}},
	}
}

func (e *env) createService(t *testing.T, cfg *types.DeploymentConfiguration) {
	t.Helper()
	if _, err := e.ecs.CreateService(context.Background(), e.serviceInput(cfg)); err != nil {
		t.Fatalf("CreateService: %v", err)
	}
}

// deploy updates the service to task definition v2 and returns the service
// deployment it started, read back through DescribeServices.
func (e *env) deploy(t *testing.T) string { t.Helper(); return e.deployTaskDefinition(t, e.v2) }

func (e *env) deployTaskDefinition(t *testing.T, arn string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(e.cluster), Service: aws.String(e.service), TaskDefinition: aws.String(arn)}); err != nil {
		t.Fatalf("UpdateService: %v", err)
	}
	return aws.ToString(e.describeService(t).CurrentServiceDeployment)
}

func (e *env) describeService(t *testing.T) types.Service {
	t.Helper()
	out, err := e.ecs.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(e.cluster), Services: []string{e.service}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices: %v (%d services)", err, len(out.Services))
	}
	return out.Services[0]
}

func (e *env) deployment(t *testing.T, arn string) types.ServiceDeployment {
	t.Helper()
	out, err := e.ecs.DescribeServiceDeployments(context.Background(), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil {
		t.Fatalf("DescribeServiceDeployments: %v", err)
	}
	if len(out.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments %s: failures %+v", arn, out.Failures)
	}
	return out.ServiceDeployments[0]
}

// line is a one-line view of a deployment, as a waiter would print it.
func line(d types.ServiceDeployment) string {
	s := string(d.Status)
	if d.LifecycleStage != "" {
		s += " " + string(d.LifecycleStage)
	}
	if tr := d.TargetServiceRevision; tr != nil {
		s += fmt.Sprintf(" prod=%g%% test=%g%% tasks=%d/%d", aws.ToFloat64(tr.RequestedProductionTrafficWeight), aws.ToFloat64(tr.RequestedTestTrafficWeight), tr.RunningTaskCount, tr.RequestedTaskCount)
	}
	for _, h := range d.LifecycleHookDetails {
		s += fmt.Sprintf(" hook=%s:%s", h.TargetType, h.Status)
	}
	return s
}

func terminal(s types.ServiceDeploymentStatus) bool {
	switch s {
	case types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentStatusStopped,
		types.ServiceDeploymentStatusRollbackSuccessful, types.ServiceDeploymentStatusRollbackFailed:
		return true
	}
	return false
}

// follow advances the clock in steps of tick and records each change of the
// deployment's line (with the simulated minute), until stop says so or the
// deployment ends; it gives up after limit.
func (e *env) follow(t *testing.T, arn string, tick, limit time.Duration, stop func(types.ServiceDeployment) bool) ([]string, types.ServiceDeployment) {
	t.Helper()
	start := e.clock.Now()
	var lines []string
	last := ""
	for {
		d := e.deployment(t, arn)
		if l := line(d); l != last {
			lines = append(lines, fmt.Sprintf("+%s %s", e.clock.Now().Sub(start), l))
			t.Log(lines[len(lines)-1])
			last = l
		}
		if terminal(d.Status) || (stop != nil && stop(d)) {
			return lines, d
		}
		if e.clock.Now().Sub(start) > limit {
			t.Fatalf("deployment still %s after %s:\n%v", d.Status, limit, lines)
		}
		e.clock.Advance(tick)
	}
}

// productionWeights lists the distinct production weights in lines' order.
func productionWeights(t *testing.T, e *env, arn string, tick, limit time.Duration) ([]float64, types.ServiceDeployment) {
	t.Helper()
	var weights []float64
	_, final := e.follow(t, arn, tick, limit, func(d types.ServiceDeployment) bool {
		w := aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight)
		if len(weights) == 0 || weights[len(weights)-1] != w {
			weights = append(weights, w)
		}
		return false
	})
	return weights, final
}

func (e *env) noFailures(t *testing.T) {
	t.Helper()
	if f := e.srv.Failures(); len(f) > 0 {
		t.Fatalf("the stand-in's own calls to moto failed: %v", f)
	}
}
