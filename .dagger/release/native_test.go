package release

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
	"dagger/ecs-bluegreen/stackout"
)

func TestDeployNativeCanarySucceeds(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 0))
	if err != nil {
		t.Fatalf("DeployNative: %v\n%s", err, out.String())
	}
	t.Logf("progress:\n%s", out.String())
	svc := e.DescribeService(t)
	if aws.ToString(svc.TaskDefinition) != res.TaskDefinitionArn || res.DeploymentID != aws.ToString(svc.CurrentServiceDeployment) {
		t.Errorf("service runs %s (deployment %s), release registered %s (deployment %s)", aws.ToString(svc.TaskDefinition), aws.ToString(svc.CurrentServiceDeployment), res.TaskDefinitionArn, res.DeploymentID)
	}
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusSuccessful {
		t.Errorf("deployment status %s", d.Status)
	}
	if res.Result.Report.Phase != deploy.PhaseSucceeded || !strings.Contains(string(res.Files[bundle.FileTaskDef]), nativeImage) {
		t.Errorf("phase %s; taskdef.json %s", res.Result.Report.Phase, res.Files[bundle.FileTaskDef])
	}
	e.NoFailures(t)
}

// arnPattern hides the random part of service deployment ARNs in goldens.
var arnPattern = regexp.MustCompile(`service-deployment/web/webapp/[A-Za-z0-9_-]+`)

// TestDeployNativeCanaryProgressGolden pins the progress output of a canary
// (10 %, 1 min canary bake, 1 min bake) on the stand-in's clock.
func TestDeployNativeCanaryProgressGolden(t *testing.T) {
	cfg := canary()
	cfg.BakeTimeInMinutes = aws.Int32(1)
	cfg.CanaryConfiguration.CanaryBakeTimeInMinutes = aws.Int32(1)
	e, plan := nativeWorld(t, cfg)
	var out strings.Builder
	if _, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 0)); err != nil {
		t.Fatalf("DeployNative: %v\n%s", err, out.String())
	}
	got := arnPattern.ReplaceAllString(out.String(), "service-deployment/web/webapp/ID")
	golden := filepath.Join("testdata", "native_canary.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("progress differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// TestDeployNativeLinearSteps: a linear deployment moves production traffic
// in equal steps, each one printed.
func TestDeployNativeLinearSteps(t *testing.T) {
	e, plan := nativeWorld(t, &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(0),
		LinearConfiguration: &ecstypes.LinearConfiguration{StepPercent: aws.Float64(25), StepBakeTimeInMinutes: aws.Int32(1)}})
	var out strings.Builder
	if _, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 0)); err != nil {
		t.Fatalf("DeployNative: %v\n%s", err, out.String())
	}
	var seen []string
	for _, line := range strings.Split(out.String(), "\n") {
		if i := strings.Index(line, "traffic "); i >= 0 {
			w := strings.Fields(line[i:])[1]
			if len(seen) == 0 || seen[len(seen)-1] != w {
				seen = append(seen, w)
			}
		}
	}
	if got := strings.Join(seen, " "); got != "0% 25% 50% 75% 100%" {
		t.Errorf("production weights seen %q, want 0%% 25%% 50%% 75%% 100%%\n%s", got, out.String())
	}
}

// TestDeployNativeAlarmRollsBack: an alarm during the canary makes ECS roll
// back; the release fails and says so.
func TestDeployNativeAlarmRollsBack(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	clock := newSteppedClock(e.Clock)
	clock.at(3*time.Minute, func() { e.Server.SetAlarm("green-5xx", true) })
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(clock, &out, 0))
	if !errors.Is(err, deploy.ErrFailed) || res.Result.Report.Phase != deploy.PhaseRolledBack || res.Result.Stopped {
		t.Fatalf("err %v, phase %s, stopped %v; want ErrFailed, rolled back by ECS\n%s", err, res.Result.Report.Phase, res.Result.Stopped, out.String())
	}
	if !strings.Contains(err.Error(), "was rolled back") || !strings.Contains(err.Error(), "production is on the previous revision") {
		t.Errorf("error does not explain the rollback: %v", err)
	}
	if td := aws.ToString(e.DescribeService(t).TaskDefinition); td == res.TaskDefinitionArn {
		t.Errorf("service still on the failed revision %s", td)
	}
}

// TestDeployNativeTimeoutStopsWithRollback: a timeout before production
// traffic has moved stops the deployment with ROLLBACK.
func TestDeployNativeTimeoutStopsWithRollback(t *testing.T) {
	cfg := canary()
	cfg.BakeTimeInMinutes = aws.Int32(0) // the schedule is the 5 min canary bake
	e, plan := nativeWorld(t, cfg)
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 6*time.Minute))
	if !errors.Is(err, deploy.ErrTimedOut) || !res.Result.Stopped {
		t.Fatalf("err %v, stopped %v\n%s", err, res.Result.Stopped, out.String())
	}
	if !strings.Contains(out.String(), "StopServiceDeployment: ROLLBACK requested") || !strings.Contains(err.Error(), "it is rolling back") {
		t.Errorf("no stop in the progress:\n%s", out.String())
	}
	e.Clock.Advance(10 * time.Minute)
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusRollbackSuccessful {
		t.Errorf("deployment %s after the stop, want ROLLBACK_SUCCESSFUL", d.Status)
	}
}

// TestDeployNativeTimeoutAfterTheShiftLeavesItRunning: once production is
// fully on the new revision a timeout never undoes the shift.
func TestDeployNativeTimeoutAfterTheShiftLeavesItRunning(t *testing.T) {
	cfg := canary()
	cfg.CanaryConfiguration.CanaryBakeTimeInMinutes = aws.Int32(1) // all production on green after about 3 min
	e, plan := nativeWorld(t, cfg)
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 12*time.Minute))
	if err != nil || !res.Result.LeftRunning || res.Result.Stopped {
		t.Fatalf("err %v, left running %v, stopped %v\n%s", err, res.Result.LeftRunning, res.Result.Stopped, out.String())
	}
	e.Clock.Advance(20 * time.Minute)
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusSuccessful {
		t.Errorf("deployment %s, want SUCCESSFUL", d.Status)
	}
}

// TestDeployNativeCancellationStopsWithRollback: a cancelled pipeline stops
// the deployment with ROLLBACK before production has moved.
func TestDeployNativeCancellationStopsWithRollback(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := newSteppedClock(e.Clock)
	clock.at(2*time.Minute, cancel)
	var out strings.Builder
	res, err := plan.DeployNative(ctx, e.ECS, nativeRequest(clock, &out, 0))
	if !errors.Is(err, deploy.ErrTimedOut) || !res.Result.Stopped || !strings.Contains(err.Error(), "was cancelled") {
		t.Fatalf("err %v, stopped %v\n%s", err, res.Result.Stopped, out.String())
	}
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusRollbackRequested && d.Status != ecstypes.ServiceDeploymentStatusRollbackInProgress && d.Status != ecstypes.ServiceDeploymentStatusRollbackSuccessful {
		t.Errorf("deployment %s after cancellation, want a rollback", d.Status)
	}
}

// TestDeployNativeRefusesABusyService: a service deployment in progress
// refuses the release, named, before anything is registered.
func TestDeployNativeRefusesABusyService(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	busy := e.Deploy(t)
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 0))
	if err == nil || !strings.Contains(err.Error(), busy) || res.TaskDefinitionArn != "" {
		t.Fatalf("err %v, registered %q; want a refusal naming %s", err, res.TaskDefinitionArn, busy)
	}
}

func TestWatchNoteNamesBothListeners(t *testing.T) {
	p := &Plan{Target: stackout.ReleaseTarget{ProductionUrl: "http://web-123.elb.amazonaws.com/", TestUrl: "http://web-123.elb.amazonaws.com:8080"}}
	if got, want := p.WatchNote(), "watch the cutover: production http://web-123.elb.amazonaws.com/watch, test http://web-123.elb.amazonaws.com:8080/watch"; got != want {
		t.Errorf("WatchNote() = %q, want %q", got, want)
	}
}

// TestDeployNativeWaitUntilTrafficShifted: the release returns once all
// production traffic is on the new revision, before the bake time, and the
// deployment goes on to succeed by itself.
func TestDeployNativeWaitUntilTrafficShifted(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	var out strings.Builder
	req := nativeRequest(newSteppedClock(e.Clock), &out, 0)
	req.Wait.Until = ecsdeploy.TrafficShifted
	res, err := plan.DeployNative(context.Background(), e.ECS, req)
	if err != nil || res.Result.Checkpoint != "traffic-shifted" {
		t.Fatalf("err %v, checkpoint %q\n%s", err, res.Result.Checkpoint, out.String())
	}
	if !strings.Contains(out.String(), "reached traffic-shifted after 7m") {
		t.Errorf("progress does not say where it stopped waiting:\n%s", out.String())
	}
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusInProgress || d.LifecycleStage != ecstypes.ServiceDeploymentLifecycleStageBakeTime {
		t.Errorf("deployment %s at %s when the release returned, want IN_PROGRESS in BAKE_TIME", d.Status, d.LifecycleStage)
	}
	e.Clock.Advance(15 * time.Minute)
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusSuccessful {
		t.Errorf("deployment %s after the bake, want SUCCESSFUL", d.Status)
	}
}
