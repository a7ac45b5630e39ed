package release

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
)

// pauseAfterTheShift is a blue/green service with a PAUSE hook at
// POST_PRODUCTION_TRAFFIC_SHIFT whose timeout (60 min) rolls back.
func pauseAfterTheShift() *ecstypes.DeploymentConfiguration {
	cfg := blueGreen()
	cfg.LifecycleHooks = []ecstypes.DeploymentLifecycleHook{{
		TargetType: ecstypes.DeploymentLifecycleHookTargetTypePause, LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{ecstypes.DeploymentLifecycleHookStagePostProductionTrafficShift},
		TimeoutConfiguration: &ecstypes.DeploymentLifecycleHookTimeoutConfiguration{Action: ecstypes.DeploymentLifecycleHookActionRollback, TimeoutInMinutes: aws.Int32(60)},
	}}
	return cfg
}

// TestDeployNativeTimeoutAtAPauseAfterTheShiftIsNoSuccess: on the
// stand-in, production is fully on green while a PAUSE hook holds the
// deployment; ECS would roll it back at the hook's timeout, so the
// release's own timeout is not a success and does not leave it running.
func TestDeployNativeTimeoutAtAPauseAfterTheShiftIsNoSuccess(t *testing.T) {
	e, plan := nativeWorld(t, pauseAfterTheShift())
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 10*time.Minute))
	if !errors.Is(err, deploy.ErrTimedOut) || res.Result.LeftRunning {
		t.Fatalf("err %v, left running %v: a pause that rolls back was taken for a finished shift\n%s", err, res.Result.LeftRunning, out.String())
	}
	progress := out.String()
	hook := hookAt(t, progress, "POST_PRODUCTION_TRAFFIC_SHIFT")
	mustMention(t, progress, "traffic 100% → green", "PAUSE hook "+hook+" at POST_PRODUCTION_TRAFFIC_SHIFT awaits action: it times out in",
		"then ECS rolls the deployment back; continue it with `dagger call continue --deployment "+res.DeploymentID+"`")
	if strings.Contains(progress, "bake time runs") {
		t.Errorf("the progress claims the bake time runs during the pause:\n%s", progress)
	}
}

// TestDeployNativeWaitUntilTrafficShiftedWaitsForThePause: --wait-until
// traffic-shifted returns only once the pause is continued.
func TestDeployNativeWaitUntilTrafficShiftedWaitsForThePause(t *testing.T) {
	e, plan := nativeWorld(t, pauseAfterTheShift())
	clock := newSteppedClock(e.Clock)
	clock.at(8*time.Minute, func() {
		arn := aws.ToString(e.DescribeService(t).CurrentServiceDeployment)
		if _, err := deploy.ContinueService(context.Background(), e.ECS, arn, false); err != nil {
			t.Error(err)
		}
	})
	var out strings.Builder
	req := nativeRequest(clock, &out, 20*time.Minute)
	req.Wait.Until = ecsdeploy.TrafficShifted
	res, err := plan.DeployNative(context.Background(), e.ECS, req)
	if err != nil || res.Result.Checkpoint != "traffic-shifted" {
		t.Fatalf("err %v, checkpoint %q\n%s", err, res.Result.Checkpoint, out.String())
	}
	if res.Result.Elapsed < 8*time.Minute {
		t.Fatalf("traffic-shifted reached after %s, before the pause was continued at 8m\n%s", res.Result.Elapsed, out.String())
	}
}

// TestRollbackNativeAfterAFailedRollback: ECS's own rollback of a release
// failed (ROLLBACK_FAILED), so the service may still serve it; rollback
// says so and redeploys the release that served before it.
func TestRollbackNativeAfterAFailedRollback(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	if _, err := released(t, e, e.V2); err != nil {
		t.Fatal(err)
	}
	e.Server.SetAlarm("green-5xx", true)
	e.Server.FailRollbacks(true)
	v3 := e.Register(t, "v3")
	bad, err := released(t, e, v3)
	if !errors.Is(err, deploy.ErrFailed) || !strings.Contains(err.Error(), "the rollback failed too") {
		t.Fatalf("release with the alarm on and failing rollbacks: %v", err)
	}
	e.Server.SetAlarm("green-5xx", false)
	e.Server.FailRollbacks(false)
	if d := e.Deployment(t, bad); d.Status != ecstypes.ServiceDeploymentStatusRollbackFailed {
		t.Fatalf("release ended %s, want ROLLBACK_FAILED", d.Status)
	}

	res, err := rollback(t, e, plan, RollbackRequest{})
	if err != nil {
		t.Fatalf("rollback after ROLLBACK_FAILED: %v", err)
	}
	assertRunsRelease(t, e, res, e.V2, v3, "registry.example/webapp:v2")
	mustMention(t, res.String(), "ended ROLLBACK_FAILED", "may still serve its release "+v3, "redeploying the release that served before it")
}

// hookAt returns the id of the PAUSE hook the progress says awaits action
// at stage.
func hookAt(t *testing.T, progress, stage string) string {
	t.Helper()
	m := regexp.MustCompile(`PAUSE hook (\S+) at ` + stage + ` awaits action`).FindStringSubmatch(progress)
	if m == nil {
		t.Fatalf("no PAUSE hook awaiting action at %s in the progress:\n%s", stage, progress)
	}
	return m[1]
}

func mustMention(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}
