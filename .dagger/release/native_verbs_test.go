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
	"dagger/ecs-bluegreen/stackout"
)

// pauseAfterTestTraffic is a canary that waits at POST_TEST_TRAFFIC_SHIFT
// until someone continues it (or an hour passes: then ECS rolls back).
func pauseAfterTestTraffic() *ecstypes.DeploymentConfiguration {
	cfg := canary()
	cfg.LifecycleHooks = []ecstypes.DeploymentLifecycleHook{{
		TargetType: ecstypes.DeploymentLifecycleHookTargetTypePause, LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{ecstypes.DeploymentLifecycleHookStagePostTestTrafficShift},
		TimeoutConfiguration: &ecstypes.DeploymentLifecycleHookTimeoutConfiguration{Action: ecstypes.DeploymentLifecycleHookActionRollback, TimeoutInMinutes: aws.Int32(60)},
	}}
	return cfg
}

// TestDeployNativePauseAndContinue: the progress shows the PAUSE hook
// awaiting action with its id; continuing the service's current deployment
// (found from the stack, as `continue` does by default) lets it finish.
func TestDeployNativePauseAndContinue(t *testing.T) {
	e, plan := nativeWorld(t, pauseAfterTestTraffic())
	clock := newSteppedClock(e.Clock)
	var continued string
	clock.at(10*time.Minute, func() {
		again, err := LoadTarget(context.Background(), e.ECS, plan.Target)
		if err != nil {
			t.Fatal(err)
		}
		arn, err := again.ServiceDeployment("")
		if err != nil {
			t.Fatal(err)
		}
		if continued, err = deploy.ContinueService(context.Background(), e.ECS, arn, false); err != nil {
			t.Fatal(err)
		}
	})
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(clock, &out, 0))
	if err != nil {
		t.Fatalf("DeployNative: %v\n%s", err, out.String())
	}
	hook := hookIn(t, out.String())
	if !strings.Contains(continued, "hook "+hook+" of service deployment "+res.DeploymentID+": CONTINUE sent") {
		t.Errorf("continue said %q", continued)
	}
	if _, err := deploy.ContinueService(context.Background(), e.ECS, res.DeploymentID, false); err == nil || !strings.Contains(err.Error(), "is not waiting at a PAUSE hook (status SUCCESSFUL") {
		t.Errorf("continuing a finished deployment: %v", err)
	}
}

// hookIn returns the hook id the progress says awaits action.
func hookIn(t *testing.T, progress string) string {
	t.Helper()
	m := regexp.MustCompile("PAUSE hook (\\S+) at [A-Z_]+ awaits action: it times out in [0-9hm]+, then ECS rolls the deployment back; continue it with `dagger call continue --deployment arn:").FindStringSubmatch(progress)
	if m == nil || m[1] == "" {
		t.Fatalf("no PAUSE hook awaiting action in the progress:\n%s", progress)
	}
	return m[1]
}

// TestDeployNativePauseAndTimeout: a release that times out while a PAUSE
// hook holds the deployment stops it with ROLLBACK.
func TestDeployNativePauseAndTimeout(t *testing.T) {
	e, plan := nativeWorld(t, pauseAfterTestTraffic())
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(newSteppedClock(e.Clock), &out, 15*time.Minute))
	if !errors.Is(err, deploy.ErrTimedOut) || !res.Result.Stopped {
		t.Fatalf("err %v, stopped %v\n%s", err, res.Result.Stopped, out.String())
	}
	hookIn(t, out.String())
	e.Clock.Advance(5 * time.Minute)
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusRollbackSuccessful {
		t.Errorf("deployment %s, want ROLLBACK_SUCCESSFUL", d.Status)
	}
}

// TestResolveDeployment: an ARN is taken as given, a CodeDeploy id too; with
// neither, an ecs-mode stack's current service deployment is used.
func TestResolveDeployment(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	arn := e.Deploy(t)
	ctx := context.Background()
	load := func(ctx context.Context) (*Plan, error) { return LoadTarget(ctx, e.ECS, plan.Target) }
	for _, tc := range []struct {
		id   string
		want DeploymentRef
	}{{arn, DeploymentRef{arn, true}}, {"d-ABCDEF123", DeploymentRef{"d-ABCDEF123", false}}, {"", DeploymentRef{arn, true}}} {
		got, err := ResolveDeployment(ctx, tc.id, load)
		if err != nil || got != tc.want {
			t.Errorf("ResolveDeployment(%q) = %+v, %v; want %+v", tc.id, got, err, tc.want)
		}
	}
	codeDeploy := func(context.Context) (*Plan, error) {
		return &Plan{Target: stackout.ReleaseTarget{Stack: "webapp-service", DeploymentMode: stackout.ModeCodeDeploy}}, nil
	}
	if _, err := ResolveDeployment(ctx, "", codeDeploy); err == nil || !strings.Contains(err.Error(), "pass --deployment-id") {
		t.Errorf("a CodeDeploy stack without an id: %v", err)
	}
}

// TestRollbackServiceStopsAndFollowsTheRollback: rollback of the current
// deployment in progress stops it with ROLLBACK and succeeds once ECS has
// rolled back; a finished deployment is refused with what to do instead.
func TestRollbackServiceStopsAndFollowsTheRollback(t *testing.T) {
	e, _ := nativeWorld(t, canary())
	arn := e.Deploy(t)
	e.Clock.Advance(3 * time.Minute)
	var out strings.Builder
	res, err := deploy.RollbackService(context.Background(), e.ECS, arn, deploy.Options{Clock: newSteppedClock(e.Clock), Out: &out})
	if err != nil || res.Report.Phase != deploy.PhaseRolledBack || !res.Stopped {
		t.Fatalf("err %v, phase %s, stopped %v\n%s", err, res.Report.Phase, res.Stopped, out.String())
	}
	if !strings.Contains(out.String(), "StopServiceDeployment ROLLBACK sent") || !strings.Contains(out.String(), "rolled back after") {
		t.Errorf("progress:\n%s", out.String())
	}
	if td := aws.ToString(e.DescribeService(t).TaskDefinition); td != e.V1 {
		t.Errorf("service on %s after the rollback, want %s", td, e.V1)
	}
	_, err = deploy.RollbackService(context.Background(), e.ECS, arn, deploy.Options{Clock: newSteppedClock(e.Clock)})
	if err == nil || !strings.Contains(err.Error(), "already rolled back") {
		t.Errorf("rolling back twice: %v", err)
	}
	r, err := deploy.ServiceStatus(context.Background(), e.ECS, arn)
	if err != nil || !strings.Contains(r.String(), "status:      ROLLBACK_SUCCESSFUL (rolled back)") {
		t.Errorf("status: %v\n%s", err, r)
	}
}

// TestDeployNativePauseAndContinueWithRollback: `continue --rollback` at the
// PAUSE hook makes ECS roll back; the release fails and says so.
func TestDeployNativePauseAndContinueWithRollback(t *testing.T) {
	e, plan := nativeWorld(t, pauseAfterTestTraffic())
	clock := newSteppedClock(e.Clock)
	var said string
	clock.at(5*time.Minute, func() {
		arn := aws.ToString(e.DescribeService(t).CurrentServiceDeployment)
		r, err := deploy.ServiceStatus(context.Background(), e.ECS, arn)
		if err != nil || len(r.Awaiting) != 1 || !strings.Contains(r.String(), "waiting:     PAUSE hook "+r.Awaiting[0]+" at POST_TEST_TRAFFIC_SHIFT awaits action: it times out in ") ||
			!strings.Contains(r.String(), "continue it with `dagger call continue --deployment "+arn+"`") ||
			!strings.Contains(r.String(), "traffic:     production 0%, test 100% on the new revision (2/2 tasks running)") {
			t.Errorf("status while paused (%v):\n%s", err, r)
		}
		if said, err = deploy.ContinueService(context.Background(), e.ECS, arn, true); err != nil {
			t.Fatal(err)
		}
	})
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, nativeRequest(clock, &out, 0))
	if !errors.Is(err, deploy.ErrFailed) || res.Result.Report.Phase != deploy.PhaseRolledBack || res.Result.Stopped {
		t.Fatalf("err %v, phase %s, stopped %v\n%s", err, res.Result.Report.Phase, res.Result.Stopped, out.String())
	}
	if !strings.Contains(said, "ROLLBACK sent") || !strings.Contains(err.Error(), "ContinueServiceDeployment") {
		t.Errorf("continue said %q; release error %v", said, err)
	}
	if td := aws.ToString(e.DescribeService(t).TaskDefinition); td != e.V1 {
		t.Errorf("service on %s, want %s", td, e.V1)
	}
}
