package ecsfake_test

import (
	"context"
	"errors"
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

// TestStopAStoppingDeploymentIsAccepted: StopServiceDeployment on a
// deployment already rolling back or stopping is accepted, as ECS accepts
// it, and changes nothing; on a finished one it is a conflict.
func TestStopAStoppingDeploymentIsAccepted(t *testing.T) {
	ctx := context.Background()
	for _, first := range []types.StopServiceDeploymentStopType{types.StopServiceDeploymentStopTypeRollback, types.StopServiceDeploymentStopTypeAbort} {
		t.Run(string(first), func(t *testing.T) {
			e := newEnv(t)
			e.CreateService(t, blueGreen(5))
			arn := e.Deploy(t)
			e.Clock.Advance(2 * time.Minute)
			stop := func(how types.StopServiceDeploymentStopType) error {
				_, err := e.ECS.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), StopType: how})
				return err
			}
			if err := stop(first); err != nil {
				t.Fatal(err)
			}
			before := e.Deployment(t, arn).Status
			for _, again := range []types.StopServiceDeploymentStopType{types.StopServiceDeploymentStopTypeRollback, types.StopServiceDeploymentStopTypeAbort} {
				if err := stop(again); err != nil {
					t.Fatalf("%s on a %s deployment: %v, want it accepted", again, before, err)
				}
				if now := e.Deployment(t, arn).Status; now != before {
					t.Fatalf("%s on a %s deployment moved it to %s", again, before, now)
				}
			}
			e.follow(t, arn, 15*time.Second, time.Hour, nil)
			var conflict *types.ConflictException
			if err := stop(types.StopServiceDeploymentStopTypeRollback); !errors.As(err, &conflict) {
				t.Fatalf("stopping a finished deployment: %v, want ConflictException", err)
			}
		})
	}
}

// TestPreProductionTrafficShiftBeforeEachStep: a linear deployment reports
// PRE_PRODUCTION_TRAFFIC_SHIFT before each production step (held there by
// a PAUSE hook that continues on its timeout), at the previous step's
// weight.
func TestPreProductionTrafficShiftBeforeEachStep(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(1),
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(50), StepBakeTimeInMinutes: aws.Int32(1)},
		LifecycleHooks: []types.DeploymentLifecycleHook{{TargetType: types.DeploymentLifecycleHookTargetTypePause,
			LifecycleStages:      []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePreProductionTrafficShift},
			TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{Action: types.DeploymentLifecycleHookActionContinue, TimeoutInMinutes: aws.Int32(1)}}}})
	arn := e.Deploy(t)
	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	if final.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("final %s", line(final))
	}
	assertInOrder(t, lines, []string{
		"IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT prod=0% test=100%", "PRODUCTION_TRAFFIC_SHIFT prod=50%",
		"IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT prod=50% test=100%", "PRODUCTION_TRAFFIC_SHIFT prod=100%", "SUCCESSFUL",
	})
}

// TestRollbackFailed: with FailRollbacks, an alarm's rollback ends
// ROLLBACK_FAILED: traffic stays where it was and the service keeps the
// failed release.
func TestRollbackFailed(t *testing.T) {
	e := newEnv(t)
	cfg := blueGreen(10)
	cfg.Alarms = &types.DeploymentAlarms{AlarmNames: []string{"green-5xx"}, Enable: true, Rollback: true}
	e.CreateService(t, cfg)
	e.Server.FailRollbacks(true)
	arn := e.Deploy(t)
	e.Clock.Advance(4 * time.Minute) // into the bake time
	e.Server.SetAlarm("green-5xx", true)
	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	assertInOrder(t, lines, []string{"ROLLBACK_IN_PROGRESS BAKE_TIME prod=0%", "ROLLBACK_FAILED BAKE_TIME prod=100%"})
	if final.Status != types.ServiceDeploymentStatusRollbackFailed || final.FinishedAt == nil {
		t.Fatalf("final %s", line(final))
	}
	if td := aws.ToString(e.DescribeService(t).TaskDefinition); td != e.V2 {
		t.Errorf("service on %s after a failed rollback, want the failed release %s", td, e.V2)
	}
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Green] != 999 {
		t.Errorf("production weights after a failed rollback = %v, want still on green", w)
	}
	e.NoFailures(t)
}

// TestCircuitBreaker: the new revision's tasks fail to start (FailTasks);
// the circuit breaker rolls the deployment back, or stops it when its
// rollback is off; without it the deployment keeps trying.
func TestCircuitBreaker(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breaker *types.DeploymentCircuitBreaker
		want    types.ServiceDeploymentStatus
	}{
		{"rollback", &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}, types.ServiceDeploymentStatusRollbackSuccessful},
		{"stop", &types.DeploymentCircuitBreaker{Enable: true}, types.ServiceDeploymentStatusStopped},
		{"off", nil, types.ServiceDeploymentStatusInProgress},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			cfg := blueGreen(5)
			cfg.DeploymentCircuitBreaker = tc.breaker
			e.CreateService(t, cfg)
			e.Server.FailTasks(e.V2, true)
			arn := e.Deploy(t)
			e.Clock.Advance(time.Hour)
			d := e.Deployment(t, arn)
			if d.Status != tc.want {
				t.Fatalf("after an hour: %s, want %s", line(d), tc.want)
			}
			if tc.breaker == nil {
				if d.LifecycleStage != types.ServiceDeploymentLifecycleStageScaleUp || d.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusDisabled {
					t.Fatalf("without a breaker: %s, breaker %+v", line(d), d.DeploymentCircuitBreaker)
				}
				return
			}
			if cb := d.DeploymentCircuitBreaker; cb == nil || cb.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered || cb.FailureCount == 0 {
				t.Fatalf("breaker %+v", cb)
			}
			if !strings.Contains(aws.ToString(d.StatusReason), "circuit breaker") {
				t.Errorf("status reason %q", aws.ToString(d.StatusReason))
			}
			if td := aws.ToString(e.DescribeService(t).TaskDefinition); td != e.V1 {
				t.Errorf("service on %s, want %s", td, e.V1)
			}
		})
	}
}

// TestListOrderAndCreatedAtFilter: ListServiceDeployments lists in creation
// order (ECS promises none; see the package doc) and honours the createdAt
// filter's before and after bounds; two deployments started in the same
// clock instant still get distinct createdAt times.
func TestListOrderAndCreatedAtFilter(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(1))
	first := aws.ToString(e.DescribeService(t).CurrentServiceDeployment)
	second := e.Deploy(t) // the same instant as the first
	e.follow(t, second, 15*time.Second, time.Hour, nil)
	e.Clock.Advance(time.Hour)
	third := e.DeployTaskDefinition(t, e.Register(t, "v3"))
	ctx := context.Background()
	list := func(c *types.CreatedAt) []string {
		out, err := e.ECS.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service), CreatedAt: c})
		if err != nil {
			t.Fatal(err)
		}
		var arns []string
		for _, b := range out.ServiceDeployments {
			arns = append(arns, aws.ToString(b.ServiceDeploymentArn))
		}
		return arns
	}
	if got := list(nil); !slices.Equal(got, []string{first, second, third}) {
		t.Fatalf("list = %v, want creation order", got)
	}
	created := func(arn string) time.Time { return aws.ToTime(e.Deployment(t, arn).CreatedAt) }
	if !created(second).After(created(first)) {
		t.Fatalf("createdAt %s and %s: two deployments share an instant", created(first), created(second))
	}
	if got := list(&types.CreatedAt{Before: aws.Time(created(third))}); !slices.Equal(got, []string{first, second}) {
		t.Errorf("before the third: %v", got)
	}
	if got := list(&types.CreatedAt{After: aws.Time(created(first))}); !slices.Equal(got, []string{second, third}) {
		t.Errorf("after the first: %v", got)
	}
	if got := list(&types.CreatedAt{After: aws.Time(created(first)), Before: aws.Time(created(third))}); !slices.Equal(got, []string{second}) {
		t.Errorf("between: %v", got)
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestLifecycleHookDetails: every hook run of the deployment stays listed
// with the status it ended in (a Lambda hook that succeeded earlier beside
// the PAUSE hook awaiting action now), with a UUID-shaped id, its timeout
// action and, while it waits, when it expires.
func TestLifecycleHookDetails(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, pauseAt(types.DeploymentLifecycleHookStagePostProductionTrafficShift, 30, types.DeploymentLifecycleHookActionRollback))
	arn := e.Deploy(t)
	d, hook := awaiting(t, e, arn)
	if d.LifecycleStage != types.ServiceDeploymentLifecycleStagePostProductionTrafficShift || len(d.LifecycleHookDetails) != 2 {
		t.Fatalf("paused: %s", line(d))
	}
	lambda, pause := d.LifecycleHookDetails[0], d.LifecycleHookDetails[1]
	if lambda.TargetType != types.DeploymentLifecycleHookTargetTypeAwsLambda || lambda.Status != types.DeploymentLifecycleHookStatusSucceeded {
		t.Errorf("earlier Lambda hook: %+v", lambda)
	}
	if aws.ToString(pause.HookId) != hook || pause.TimeoutAction != types.DeploymentLifecycleHookActionRollback || pause.ExpiresAt == nil ||
		!pause.ExpiresAt.After(e.Clock.Now().Add(29*time.Minute)) {
		t.Errorf("PAUSE hook: %+v", pause)
	}
	for _, h := range d.LifecycleHookDetails {
		if !uuidV4.MatchString(aws.ToString(h.HookId)) {
			t.Errorf("hook id %q is not a UUID", aws.ToString(h.HookId))
		}
	}
}

// TestLinearAndCanaryDefaults: a linear or canary configuration without
// its step settings takes ECS's defaults: 10 % steps baking 6 minutes, a
// 5 % canary baking 10 minutes.
func TestLinearAndCanaryDefaults(t *testing.T) {
	for _, tc := range []struct {
		strategy types.DeploymentStrategy
		weights  []float64
		routing  time.Duration // from the first production weight to 100 %
	}{
		{types.DeploymentStrategyLinear, []float64{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 9 * 6 * time.Minute},
		{types.DeploymentStrategyCanary, []float64{0, 5, 100}, 10 * time.Minute},
	} {
		t.Run(string(tc.strategy), func(t *testing.T) {
			e := newEnv(t)
			e.CreateService(t, &types.DeploymentConfiguration{Strategy: tc.strategy, BakeTimeInMinutes: aws.Int32(0)})
			arn := e.Deploy(t)
			var first, full time.Duration
			start := e.Clock.Now()
			weights, final := productionWeightsTimed(t, e, arn, func(w float64, at time.Duration) {
				switch {
				case w > 0 && first == 0:
					first = at
				case w == 100 && full == 0:
					full = at
				}
			}, start)
			if final.Status != types.ServiceDeploymentStatusSuccessful || !slices.Equal(weights, tc.weights) {
				t.Fatalf("weights %v (final %s), want %v", weights, line(final), tc.weights)
			}
			// Each step's shift takes 15 s on top of the bakes.
			if got := full - first; got < tc.routing || got > tc.routing+time.Duration(len(tc.weights))*30*time.Second {
				t.Errorf("from the first step to 100 %%: %s, want about %s", got, tc.routing)
			}
		})
	}
}

// productionWeightsTimed follows the deployment a minute at a time and
// lists the distinct production weights, telling seen when each appears.
func productionWeightsTimed(t *testing.T, e *env, arn string, seen func(float64, time.Duration), start time.Time) ([]float64, types.ServiceDeployment) {
	t.Helper()
	var weights []float64
	_, final := e.follow(t, arn, 15*time.Second, 3*time.Hour, func(d types.ServiceDeployment) bool {
		w := aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight)
		if len(weights) == 0 || weights[len(weights)-1] != w {
			weights = append(weights, w)
			seen(w, e.Clock.Now().Sub(start))
		}
		return false
	})
	return weights, final
}
