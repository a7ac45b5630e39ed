package release

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/stackout"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// nativeImage is the image the native tests release; the stand-in's task
// family pulls from a registry that needs no execution role.
const nativeImage = "registry.example/webapp:v3@" + digest

// steppedClock is the waiter's clock on the stand-in's manual clock: each
// Sleep moves both forward, and the events planned at a simulated time run
// once the clock reaches it (an alarm, a person pressing continue, a
// cancelled pipeline).
type steppedClock struct {
	*ecsfake.ManualClock
	start  time.Time
	mu     sync.Mutex
	events []clockEvent
}

type clockEvent struct {
	at time.Duration
	do func()
}

func newSteppedClock(c *ecsfake.ManualClock) *steppedClock {
	return &steppedClock{ManualClock: c, start: c.Now()}
}

// at runs do once the clock is d past its start.
func (c *steppedClock) at(d time.Duration, do func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, clockEvent{d, do})
}

func (c *steppedClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	c.mu.Lock()
	var due []func()
	kept := c.events[:0]
	for _, e := range c.events {
		if c.Now().Sub(c.start) >= e.at {
			due = append(due, e.do)
		} else {
			kept = append(kept, e)
		}
	}
	c.events = kept
	c.mu.Unlock()
	for _, do := range due {
		do()
	}
	return ctx.Err()
}

// nativeWorld is the stand-in with a service on cfg and the plan a release
// reads from an ecs-mode stack.
func nativeWorld(t *testing.T, cfg *ecstypes.DeploymentConfiguration) (*ecsfake.Env, *Plan) {
	t.Helper()
	e := ecsfake.NewEnv(t)
	e.CreateService(t, cfg)
	target := stackout.ReleaseTarget{
		Stack: "webapp-service", ClusterName: e.Cluster, ServiceName: e.Service, TaskFamily: "webapp",
		TaskDefinitionArn: e.V1, ContainerName: "webapp", ContainerPort: 3000, DeploymentMode: stackout.ModeECS,
		ProductionUrl: "http://prod.example", TestUrl: "http://prod.example:8080",
	}
	plan, err := LoadTarget(context.Background(), e.ECS, target)
	if err != nil {
		t.Fatalf("LoadTarget: %v", err)
	}
	return e, plan
}

func nativeRequest(clock deploy.Clock, out *strings.Builder, timeout time.Duration) DeployRequest {
	return DeployRequest{
		Options:  Options{Mode: bundle.ModeDirect, Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)},
		ImageURI: nativeImage, ReleaseID: "r-20261130T120000Z-0a1b2c3d",
		Wait: deploy.Options{Clock: clock, Out: out, Timeout: timeout},
	}
}

func canary() *ecstypes.DeploymentConfiguration {
	return &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(10),
		CanaryConfiguration: &ecstypes.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)},
		Alarms:              &ecstypes.DeploymentAlarms{AlarmNames: []string{"green-5xx"}, Enable: true, Rollback: true}}
}

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
	m := regexp.MustCompile(`AWAITING_ACTION hook (\S+)`).FindStringSubmatch(progress)
	if m == nil || m[1] == "" {
		t.Fatalf("no AWAITING_ACTION hook in the progress:\n%s", progress)
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

// TestNativePipelineArtifacts: without --deploy an ecs-mode release renders
// imagedefinitions.json and release.json (no CodeDeploy files), the same
// files Preflight checks before the push.
func TestNativePipelineArtifacts(t *testing.T) {
	_, plan := nativeWorld(t, canary())
	opts := Options{Mode: bundle.ModePipeline}
	if b, err := plan.Preflight(opts, nativeImage); err != nil || b != nil {
		t.Fatalf("Preflight: %v, %v", b, err)
	}
	files, err := plan.RenderNative(opts, nativeImage)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || !strings.Contains(string(files[bundle.FileImageDefinitions]), `"name": "webapp"`) || !strings.Contains(string(files[bundle.FileImageDefinitions]), nativeImage) {
		t.Fatalf("files: %q", files)
	}
	if _, err := plan.Preflight(opts, "registry.example/webapp:v3"); err == nil {
		t.Error("an image without a digest passed the preflight")
	}
}

// TestDeployNativeRefusesATimeoutShorterThanTheSchedule: the canary bake and
// the bake time must fit in --timeout (only the part up to the checkpoint
// with --wait-until traffic-shifted), checked before anything is registered.
func TestDeployNativeRefusesATimeoutShorterThanTheSchedule(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	var out strings.Builder
	req := nativeRequest(newSteppedClock(e.Clock), &out, 10*time.Minute)
	res, err := plan.DeployNative(context.Background(), e.ECS, req)
	if err == nil || !strings.Contains(err.Error(), "--timeout 10m cannot cover a deployment of service webapp: its deployment configuration takes at least 15m (traffic routing 5m (CANARY 10%) + bake time 10m) to reach deployed") || res.TaskDefinitionArn != "" {
		t.Fatalf("err %v, registered %q", err, res.TaskDefinitionArn)
	}
	if err := plan.CheckNativeWait(10*time.Minute, time.Time{}, ecsdeploy.TrafficShifted); err != nil {
		t.Errorf("traffic-shifted needs only the 5 min canary bake: %v", err)
	}
	if err := plan.CheckNativeWait(4*time.Minute, time.Time{}, ecsdeploy.TrafficShifted); err == nil || !strings.Contains(err.Error(), "to reach traffic-shifted") {
		t.Errorf("4m for a 5 min canary bake: %v", err)
	}
	if s := deploy.ServiceSchedule(&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(2),
		LinearConfiguration: &ecstypes.LinearConfiguration{StepPercent: aws.Float64(30), StepBakeTimeInMinutes: aws.Int32(3)}}); s.Minimum() != 11*time.Minute {
		t.Errorf("linear 30%% every 3m + 2m bake: %s (%s), want 11m (three bakes between four steps, then the bake)", s.Minimum(), s)
	}
}

// TestShipAndArtifactsFollowTheStackMode: in ecs mode Ship runs the native
// deployment and Artifacts renders imagedefinitions.json; deployment.json
// records what happened.
func TestShipAndArtifactsFollowTheStackMode(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	files, err := plan.Artifacts(Options{Mode: bundle.ModePipeline}, nativeImage)
	if err != nil || files[bundle.FileImageDefinitions] == nil || files[bundle.FileAppSpec] != nil {
		t.Fatalf("artifacts %v: %v", len(files), err)
	}
	var out strings.Builder
	req := nativeRequest(newSteppedClock(e.Clock), &out, 0)
	req.Wait.Until = ecsdeploy.TrafficShifted
	res, err := plan.Ship(context.Background(), e.ECS, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("{\n  \"releaseId\": %q,\n  \"deploymentId\": %q,\n  \"taskDefinitionArn\": %q,\n  \"waited\": true,\n  \"checkpoint\": \"traffic-shifted\",\n  \"leftRunning\": false\n}\n",
		req.ReleaseID, res.DeploymentID, res.TaskDefinitionArn)
	if got := res.DeploymentJSON(req.ReleaseID); got != want {
		t.Errorf("deployment.json\n%s\nwant\n%s", got, want)
	}
}
