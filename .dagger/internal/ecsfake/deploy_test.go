package ecsfake_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
)

var (
	deploymentArn = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:service-deployment/web/webapp/[A-Z0-9]{8}-[A-Za-z0-9]{12}$`)
	revisionArn   = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:service-revision/web/webapp/[0-9]{19}$`)
)

func blueGreen(bake int32) *types.DeploymentConfiguration {
	return &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(bake)}
}

func TestBlueGreenDeploymentSucceeds(t *testing.T) {
	e := newEnv(t)
	cfg := blueGreen(5)
	cfg.Alarms = &types.DeploymentAlarms{AlarmNames: []string{"blue-5xx", "green-5xx"}, Enable: true, Rollback: true}
	cfg.MaximumPercent, cfg.MinimumHealthyPercent = aws.Int32(200), aws.Int32(100)
	e.CreateService(t, cfg)

	svc := e.DescribeService(t)
	first := aws.ToString(svc.CurrentServiceDeployment)
	if !deploymentArn.MatchString(first) {
		t.Fatalf("the service's first deployment ARN %q does not have ECS's format", first)
	}
	// The whole configuration is kept, not only what the stand-in uses.
	got := svc.DeploymentConfiguration
	if got == nil || got.Strategy != types.DeploymentStrategyBlueGreen || aws.ToInt32(got.BakeTimeInMinutes) != 5 ||
		aws.ToInt32(got.MaximumPercent) != 200 || got.Alarms == nil || !slices.Equal(got.Alarms.AlarmNames, []string{"blue-5xx", "green-5xx"}) {
		t.Fatalf("DescribeServices deploymentConfiguration = %+v, want the one given to CreateService", got)
	}

	arn := e.Deploy(t)
	if arn == first || !deploymentArn.MatchString(arn) {
		t.Fatalf("UpdateService minted deployment %q (first was %q)", arn, first)
	}
	d := e.Deployment(t, arn)
	if d.Status != types.ServiceDeploymentStatusPending || !revisionArn.MatchString(aws.ToString(d.TargetServiceRevision.Arn)) ||
		len(d.SourceServiceRevisions) != 1 || !revisionArn.MatchString(aws.ToString(d.SourceServiceRevisions[0].Arn)) {
		t.Fatalf("new deployment = %s, target %+v, sources %+v", line(d), d.TargetServiceRevision, d.SourceServiceRevisions)
	}
	if d.Alarms == nil || d.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoring {
		t.Fatalf("alarms = %+v, want MONITORING", d.Alarms)
	}

	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	if final.Status != types.ServiceDeploymentStatusSuccessful || final.FinishedAt == nil {
		t.Fatalf("final = %s", line(final))
	}
	wantOrder := []string{"PENDING", "RECONCILE_SERVICE", "SCALE_UP", "TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT prod=100%", "BAKE_TIME", "CLEAN_UP", "SUCCESSFUL"}
	assertInOrder(t, lines, wantOrder)
	// The bake is the configured five minutes (stages before it: 15 s pending,
	// 15 s reconcile, 1 m scale-up, 15 s test shift, 15 s production shift).
	if got := final.FinishedAt.Sub(*final.StartedAt); got != 15*time.Second+time.Minute+15*time.Second+15*time.Second+5*time.Minute+time.Minute {
		t.Errorf("IN_PROGRESS lasted %s", got)
	}
	if final.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete {
		t.Errorf("alarms after success = %s", final.Alarms.Status)
	}
	// ECS moved production traffic to green on the listener rules.
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Green] != 999 || w[e.Listeners.Blue] != 0 {
		t.Fatalf("production rule weights after the deployment = %v, want green 999 / blue 0", w)
	}
	svc = e.DescribeService(t)
	if aws.ToString(svc.TaskDefinition) != e.V2 || aws.ToString(svc.CurrentServiceDeployment) != arn {
		t.Fatalf("service after success: task definition %s, current deployment %s", aws.ToString(svc.TaskDefinition), aws.ToString(svc.CurrentServiceDeployment))
	}

	// The next deployment swaps back to blue.
	e.Clock.Advance(time.Minute)
	second := e.DeployTaskDefinition(t, e.Register(t, "v3"))
	e.follow(t, second, 30*time.Second, time.Hour, nil)
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Blue] != 999 || w[e.Listeners.Green] != 0 {
		t.Fatalf("production rule weights after the second deployment = %v, want blue 999", w)
	}
	list, err := e.ECS.ListServiceDeployments(context.Background(), &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service)})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, b := range list.ServiceDeployments {
		arns = append(arns, aws.ToString(b.ServiceDeploymentArn))
	}
	if !slices.Equal(arns, []string{first, arn, second}) {
		t.Fatalf("ListServiceDeployments = %v, want creation order %v", arns, []string{first, arn, second})
	}
	e.NoFailures(t)
}

func TestLinearShiftsInSteps(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(1),
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(30), StepBakeTimeInMinutes: aws.Int32(2)}})
	arn := e.Deploy(t)
	weights, final := productionWeights(t, e, arn, 15*time.Second, 2*time.Hour)
	if final.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("final = %s", line(final))
	}
	if want := []float64{0, 30, 60, 90, 100}; !slices.Equal(weights, want) {
		t.Fatalf("production weights = %v, want %v", weights, want)
	}
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule)[e.Listeners.Green]; w != 999 {
		t.Fatalf("green weight on the production rule = %d, want 999", w)
	}
	e.NoFailures(t)
}

func TestCanaryShiftsThenBakes(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(2),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)}})
	arn := e.Deploy(t)
	// Mid-canary, the listener rule carries the split.
	_, mid := e.follow(t, arn, 15*time.Second, time.Hour, func(d types.ServiceDeployment) bool {
		return aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight) == 10
	})
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Green] != 100 || w[e.Listeners.Blue] != 899 {
		t.Fatalf("production rule mid-canary = %v, want green 100 / blue 899 (10 %%)", w)
	}
	canaryAt := e.Clock.Now()
	weights, final := productionWeights(t, e, arn, 15*time.Second, time.Hour)
	if final.Status != types.ServiceDeploymentStatusSuccessful || !slices.Equal(weights, []float64{10, 100}) {
		t.Fatalf("after %s: weights %v, final %s", line(mid), weights, line(final))
	}
	// Canary bake 5 m + shift 15 s + bake 2 m + clean-up 1 m, within one tick.
	if got := final.FinishedAt.Sub(canaryAt); got < 8*time.Minute || got > 8*time.Minute+30*time.Second {
		t.Errorf("from the canary to the end: %s", got)
	}
	e.NoFailures(t)
}

func assertInOrder(t *testing.T, lines []string, want []string) {
	t.Helper()
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.Contains(l, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("progress did not show %q (in order %q):\n%s", want[i], want, strings.Join(lines, "\n"))
	}
}
