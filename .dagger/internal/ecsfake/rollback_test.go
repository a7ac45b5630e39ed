package ecsfake_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
)

// assertRolledBack checks the end of a rollback: the deployment says so, the
// service runs the old task definition again and production is back on blue.
func assertRolledBack(t *testing.T, e *env, d types.ServiceDeployment, reason string) {
	t.Helper()
	if d.Status != types.ServiceDeploymentStatusRollbackSuccessful || d.Rollback == nil {
		t.Fatalf("final = %s, rollback %+v; want ROLLBACK_SUCCESSFUL", line(d), d.Rollback)
	}
	if !strings.Contains(aws.ToString(d.Rollback.Reason), reason) || aws.ToString(d.Rollback.ServiceRevisionArn) != aws.ToString(d.SourceServiceRevisions[0].Arn) {
		t.Fatalf("rollback = %q to %s; want a reason containing %q, back to the source revision %s", aws.ToString(d.Rollback.Reason),
			aws.ToString(d.Rollback.ServiceRevisionArn), reason, aws.ToString(d.SourceServiceRevisions[0].Arn))
	}
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Blue] != 999 || w[e.Listeners.Green] != 0 {
		t.Fatalf("production rule after the rollback = %v, want blue 999", w)
	}
	if td := aws.ToString(e.DescribeService(t).TaskDefinition); td != e.V1 {
		t.Fatalf("service task definition after the rollback = %s, want %s", td, e.V1)
	}
	e.NoFailures(t)
}

func TestAlarmRollsBack(t *testing.T) {
	e := newEnv(t)
	cfg := &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(10),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(20), CanaryBakeTimeInMinutes: aws.Int32(10)},
		Alarms:              &types.DeploymentAlarms{AlarmNames: []string{"blue-5xx", "green-5xx"}, Enable: true, Rollback: true}}
	e.CreateService(t, cfg)
	arn := e.Deploy(t)
	e.Server.SetAlarm("unrelated", true) // an alarm the deployment does not watch changes nothing
	_, mid := e.follow(t, arn, 15*time.Second, time.Hour, func(d types.ServiceDeployment) bool {
		return aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight) == 20
	})
	e.Clock.Advance(time.Minute)
	e.Server.SetAlarm("green-5xx", true)
	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	assertInOrder(t, lines, []string{"ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL"})
	if mid.Status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("mid-canary = %s", line(mid))
	}
	if final.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered || len(final.Alarms.TriggeredAlarmNames) != 1 || final.Alarms.TriggeredAlarmNames[0] != "green-5xx" {
		t.Fatalf("alarms = %+v, want TRIGGERED by green-5xx", final.Alarms)
	}
	assertRolledBack(t, e, final, "green-5xx")
}

func TestAlarmWithoutRollbackOnlyMonitors(t *testing.T) {
	e := newEnv(t)
	cfg := blueGreen(1)
	cfg.Alarms = &types.DeploymentAlarms{AlarmNames: []string{"green-5xx"}, Enable: true, Rollback: false}
	e.CreateService(t, cfg)
	arn := e.Deploy(t)
	e.Server.SetAlarm("green-5xx", true)
	_, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	if final.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("with rollback off, final = %s", line(final))
	}
}

func TestStopWithRollback(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(30))
	arn := e.Deploy(t)
	_, d := e.follow(t, arn, 15*time.Second, time.Hour, func(d types.ServiceDeployment) bool {
		return d.LifecycleStage == types.ServiceDeploymentLifecycleStageBakeTime
	})
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Green] != 999 {
		t.Fatalf("production during the bake = %v, want green", w)
	}
	ctx := context.Background()
	out, err := e.ECS.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), StopType: types.StopServiceDeploymentStopTypeRollback})
	if err != nil || aws.ToString(out.ServiceDeploymentArn) != arn {
		t.Fatalf("StopServiceDeployment: %v", err)
	}
	if d = e.Deployment(t, arn); d.Status != types.ServiceDeploymentStatusRollbackRequested {
		t.Fatalf("right after the stop: %s", line(d))
	}
	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	assertInOrder(t, lines, []string{"ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS BAKE_TIME prod=0% test=0%", "ROLLBACK_SUCCESSFUL"})
	assertRolledBack(t, e, final, "StopServiceDeployment")

	_, err = e.ECS.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), StopType: types.StopServiceDeploymentStopTypeRollback})
	var conflict *types.ConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("stopping a finished deployment: %v, want ConflictException", err)
	}
}

func pauseAt(stage types.DeploymentLifecycleHookStage, minutes int32, action types.DeploymentLifecycleHookAction) *types.DeploymentConfiguration {
	cfg := blueGreen(1)
	cfg.LifecycleHooks = []types.DeploymentLifecycleHook{
		{HookTargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:smoke"), RoleArn: aws.String("arn:aws:iam::123456789012:role/hooks"),
			LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostTestTrafficShift}},
		{TargetType: types.DeploymentLifecycleHookTargetTypePause, LifecycleStages: []types.DeploymentLifecycleHookStage{stage},
			TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{Action: action, TimeoutInMinutes: aws.Int32(minutes)}},
	}
	return cfg
}

// awaiting follows the deployment until a hook awaits action and returns it.
func awaiting(t *testing.T, e *env, arn string) (types.ServiceDeployment, string) {
	t.Helper()
	_, d := e.follow(t, arn, 15*time.Second, time.Hour, func(d types.ServiceDeployment) bool {
		for _, h := range d.LifecycleHookDetails {
			if h.Status == types.DeploymentLifecycleHookStatusAwaitingAction {
				return true
			}
		}
		return false
	})
	for _, h := range d.LifecycleHookDetails {
		if h.Status == types.DeploymentLifecycleHookStatusAwaitingAction {
			return d, aws.ToString(h.HookId)
		}
	}
	t.Fatalf("no hook awaits action: %s", line(d))
	return d, ""
}

func TestPauseHookHoldsUntilContinued(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, pauseAt(types.DeploymentLifecycleHookStagePreProductionTrafficShift, 120, types.DeploymentLifecycleHookActionRollback))
	arn := e.Deploy(t)
	d, hook := awaiting(t, e, arn)
	if aws.ToFloat64(d.TargetServiceRevision.RequestedTestTrafficWeight) != 100 || aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight) != 0 {
		t.Fatalf("paused before production: %s", line(d))
	}
	// An hour later (the timeout is two) it still waits, production untouched.
	e.Clock.Advance(time.Hour)
	if d = e.Deployment(t, arn); d.Status != types.ServiceDeploymentStatusInProgress || !strings.Contains(line(d), "PAUSE:AWAITING_ACTION") {
		t.Fatalf("an hour into the pause: %s", line(d))
	}
	ctx := context.Background()
	_, err := e.ECS.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), HookId: aws.String("not-a-hook"), Action: types.DeploymentLifecycleHookActionContinue})
	var invalid *types.InvalidParameterException
	if !errors.As(err, &invalid) {
		t.Fatalf("continuing an unknown hook: %v, want InvalidParameterException", err)
	}
	if _, err := e.ECS.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), HookId: aws.String(hook), Action: types.DeploymentLifecycleHookActionContinue}); err != nil {
		t.Fatalf("ContinueServiceDeployment: %v", err)
	}
	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	assertInOrder(t, lines, []string{"PRODUCTION_TRAFFIC_SHIFT prod=100%", "SUCCESSFUL"})
	if final.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("final = %s", line(final))
	}
	_, err = e.ECS.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), HookId: aws.String(hook)})
	if !errors.As(err, &invalid) {
		t.Fatalf("continuing the same hook twice: %v, want InvalidParameterException", err)
	}
	e.NoFailures(t)
}

func TestPauseHookContinueWithRollback(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, pauseAt(types.DeploymentLifecycleHookStagePostProductionTrafficShift, 60, types.DeploymentLifecycleHookActionContinue))
	arn := e.Deploy(t)
	d, hook := awaiting(t, e, arn)
	if aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight) != 100 {
		t.Fatalf("paused after production shift: %s", line(d))
	}
	if _, err := e.ECS.ContinueServiceDeployment(context.Background(), &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), HookId: aws.String(hook), Action: types.DeploymentLifecycleHookActionRollback}); err != nil {
		t.Fatalf("ContinueServiceDeployment ROLLBACK: %v", err)
	}
	_, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	assertRolledBack(t, e, final, "ContinueServiceDeployment")
}

func TestPauseHookTimeout(t *testing.T) {
	for _, tc := range []struct {
		action types.DeploymentLifecycleHookAction
		want   types.ServiceDeploymentStatus
	}{
		{types.DeploymentLifecycleHookActionRollback, types.ServiceDeploymentStatusRollbackSuccessful},
		{types.DeploymentLifecycleHookActionContinue, types.ServiceDeploymentStatusSuccessful},
	} {
		t.Run(string(tc.action), func(t *testing.T) {
			e := newEnv(t)
			e.CreateService(t, pauseAt(types.DeploymentLifecycleHookStagePostScaleUp, 30, tc.action))
			arn := e.Deploy(t)
			_, _ = awaiting(t, e, arn)
			e.Clock.Advance(29 * time.Minute)
			if d := e.Deployment(t, arn); d.Status != types.ServiceDeploymentStatusInProgress {
				t.Fatalf("before the timeout: %s", line(d))
			}
			lines, final := e.follow(t, arn, time.Minute, 2*time.Hour, nil)
			if final.Status != tc.want {
				t.Fatalf("after the timeout with action %s: %s, want %s", tc.action, line(final), tc.want)
			}
			if tc.want == types.ServiceDeploymentStatusRollbackSuccessful {
				assertInOrder(t, lines, []string{"ROLLBACK_IN_PROGRESS POST_SCALE_UP prod=0% test=0% tasks=2/2 hook=PAUSE:TIMED_OUT"})
				assertRolledBack(t, e, final, "timed out")
			} else {
				assertInOrder(t, lines, []string{"TEST_TRAFFIC_SHIFT", "SUCCESSFUL"})
			}
		})
	}
}
