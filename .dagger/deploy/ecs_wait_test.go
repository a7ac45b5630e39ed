package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

const (
	inProgress  = ecstypes.ServiceDeploymentStatusInProgress
	postTest    = ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift
	prodShift   = ecstypes.ServiceDeploymentLifecycleStageProductionTrafficShift
	postProd    = ecstypes.ServiceDeploymentLifecycleStagePostProductionTrafficShift
	bakeTime    = ecstypes.ServiceDeploymentLifecycleStageBakeTime
	hookRollBck = ecstypes.DeploymentLifecycleHookActionRollback
	hookCont    = ecstypes.DeploymentLifecycleHookActionContinue
)

// pausedAfterTheShift: production is fully on green at
// POST_PRODUCTION_TRAFFIC_SHIFT, where a PAUSE hook awaits action and times
// out 2 h after the pause began with action.
func pausedAfterTheShift(t *testing.T, clock *fakeClock, action ecstypes.DeploymentLifecycleHookAction) *simECS {
	expires := clock.start.Add(30*time.Second + 2*time.Hour)
	return newSimECS(t, clock,
		simState{At: 0, D: sd(inProgress, prodShift, 50)},
		simState{At: 30 * time.Second, D: sd(inProgress, postProd, 100, pauseHook("3f1c2a9e-5b7d-4e21-9c0a-6d8e7f1a2b3c", action, expires))},
	)
}

// TestWaitServiceTimeoutAtARollbackPauseIsNoSuccess: a PAUSE hook at
// POST_PRODUCTION_TRAFFIC_SHIFT whose timeout rolls back means ECS undoes
// the release unless someone continues it: the timeout is no success, no
// leftRunning; the progress names the hook, its time left, what happens
// then and the continue line, and never claims the bake time runs.
func TestWaitServiceTimeoutAtARollbackPauseIsNoSuccess(t *testing.T) {
	clock := newFakeClock()
	s := pausedAfterTheShift(t, clock, hookRollBck)
	res, err, out := runWaitService(t, context.Background(), s, Options{Timeout: 2 * time.Minute})
	if !errors.Is(err, ErrTimedOut) || res.LeftRunning || res.Report.Shifted {
		t.Fatalf("err %v, leftRunning %v, shifted %v: a rollback pause was taken for a finished shift", err, res.LeftRunning, res.Report.Shifted)
	}
	mustContain(t, out,
		"PAUSE hook 3f1c2a9e-5b7d-4e21-9c0a-6d8e7f1a2b3c at POST_PRODUCTION_TRAFFIC_SHIFT awaits action: it times out in 2h0m, then ECS rolls the deployment back",
		"continue it with `dagger call continue --deployment "+simARN+"`")
	if strings.Contains(out, "bake time runs") || strings.Contains(out, "finishes on its own") {
		t.Errorf("the progress claims the bake time runs during the pause:\n%s", out)
	}
	stops := s.stopCalls()
	if len(stops) != 1 {
		t.Fatalf("stops = %v", stops)
	}
	if h := ServiceReportAt(stops[0].Before, clock.start.Add(stops[0].At)).Holds; len(h) != 1 || h[0].OnTimeout != "ROLLBACK" || !h[0].TimeoutKnown || h[0].TimesOutIn != 2*time.Hour+30*time.Second-stops[0].At {
		t.Errorf("holds when stopped = %+v", h)
	}
}

// TestWaitServiceUntilTrafficShiftedWaitsForThePause: --wait-until
// traffic-shifted does not return while a PAUSE hook that rolls back on
// its timeout holds the deployment; once it is continued (bake time), it
// does.
func TestWaitServiceUntilTrafficShiftedWaitsForThePause(t *testing.T) {
	clock := newFakeClock()
	s := pausedAfterTheShift(t, clock, hookRollBck)
	s.add(simState{At: 3 * time.Minute, D: sd(inProgress, bakeTime, 100)})
	res, err, out := runWaitService(t, context.Background(), s, Options{Until: ecsdeploy.TrafficShifted, Timeout: time.Hour})
	if err != nil || res.Checkpoint != "traffic-shifted" {
		t.Fatalf("err %v, checkpoint %q", err, res.Checkpoint)
	}
	mustContain(t, out, "[  3m00s] deployment "+simARN+" reached traffic-shifted")
	if strings.Contains(out, "[  0m30s] deployment "+simARN+" reached") {
		t.Errorf("reached traffic-shifted while the pause could still roll back:\n%s", out)
	}
}

// TestWaitServicePauseThatContinuesIsShiftedWithoutBakeClaim: a PAUSE hook
// whose timeout continues cannot undo the release, so the shift counts;
// but the bake time does not run during the pause, and nothing says so.
func TestWaitServicePauseThatContinuesIsShiftedWithoutBakeClaim(t *testing.T) {
	clock := newFakeClock()
	s := pausedAfterTheShift(t, clock, hookCont)
	res, err, out := runWaitService(t, context.Background(), s, Options{Timeout: 2 * time.Minute})
	if err != nil || !res.LeftRunning || len(s.stopCalls()) != 0 {
		t.Fatalf("err %v, leftRunning %v, stops %v", err, res.LeftRunning, s.stopCalls())
	}
	mustContain(t, out, "then ECS continues the deployment", "the bake time begins once the hook is continued or times out")
	if strings.Contains(out, "bake time runs") {
		t.Errorf("the progress claims the bake time runs during the pause:\n%s", out)
	}
}

// TestWaitServiceCountsAStagePassedBetweenPolls: the deployment moves from
// TEST_TRAFFIC_SHIFT through POST_TEST_TRAFFIC_SHIFT to a pause at
// PRE_PRODUCTION_TRAFFIC_SHIFT between two polls; --wait-until
// POST_TEST_TRAFFIC_SHIFT counts it as reached instead of timing out and
// rolling back, and PRE_PRODUCTION_TRAFFIC_SHIFT is itself a checkpoint.
func TestWaitServiceCountsAStagePassedBetweenPolls(t *testing.T) {
	for _, until := range []string{"POST_TEST_TRAFFIC_SHIFT", "pre-production-traffic-shift"} {
		t.Run(until, func(t *testing.T) {
			clock := newFakeClock()
			s := newSimECS(t, clock,
				simState{At: 0, D: sd(inProgress, ecstypes.ServiceDeploymentLifecycleStageTestTrafficShift, 0)},
				simState{At: 2 * time.Second, D: sd(inProgress, postTest, 0)},
				simState{At: 3 * time.Second, D: sd(inProgress, ecsdeploy.StagePreProductionTrafficShift, 0,
					pauseHook("0b6e9a52-1c3d-4f5e-8a7b-9c0d1e2f3a4b", hookRollBck, clock.start.Add(time.Hour)))},
			)
			res, err, out := runWaitService(t, context.Background(), s, Options{Until: checkpoint(t, until), Timeout: 10 * time.Minute})
			if err != nil || res.Checkpoint == "" || len(s.stopCalls()) != 0 {
				t.Fatalf("err %v, checkpoint %q, stops %v", err, res.Checkpoint, s.stopCalls())
			}
			mustContain(t, out, "[  0m05s] deployment "+simARN+" reached "+res.Checkpoint)
		})
	}
}

// TestWaitServiceTimeoutRereadsBeforeStopping: the poll at the deadline
// saw traffic half-way, and the shift finished while its answer travelled
// (reads take 2 s). The timeout reads again and leaves the finished shift
// running instead of rolling it back.
func TestWaitServiceTimeoutRereadsBeforeStopping(t *testing.T) {
	clock := newFakeClock()
	s := newSimECS(t, clock,
		simState{At: 0, D: sd(inProgress, prodShift, 50)},
		simState{At: 61 * time.Second, D: sd(inProgress, bakeTime, 100)},
	)
	s.latency = 2 * time.Second
	res, err, _ := runWaitService(t, context.Background(), s, Options{Timeout: time.Minute, PollInterval: 5 * time.Second})
	if err != nil || !res.LeftRunning || len(s.stopCalls()) != 0 {
		t.Fatalf("err %v, leftRunning %v, stops %v: the timeout decided from the read before the deadline", err, res.LeftRunning, s.stopCalls())
	}
}

// TestWaitServiceTimeoutNeverDecidesFromAStaleRead: reads fail (throttling)
// from the last two polls before the deadline on; the last good read saw traffic
// half-way. Nothing is stopped on the strength of that old read, success
// is not claimed, and the error says what was last known and how long ago.
func TestWaitServiceTimeoutNeverDecidesFromAStaleRead(t *testing.T) {
	clock := newFakeClock()
	s := newSimECS(t, clock,
		simState{At: 0, D: sd(inProgress, prodShift, 50)},
		simState{At: 58 * time.Second, D: sd(inProgress, bakeTime, 100)},
	)
	s.failReads = []simWindow{{From: 52 * time.Second, To: 10 * time.Minute}}
	res, err, out := runWaitService(t, context.Background(), s, Options{Timeout: time.Minute})
	if !errors.Is(err, ErrTimedOut) || res.LeftRunning || res.Stopped || len(s.stopCalls()) != 0 {
		t.Fatalf("err %v, leftRunning %v, stopped %v, stops %v", err, res.LeftRunning, res.Stopped, s.stopCalls())
	}
	mustContain(t, err.Error(), "could not be read again before deciding", "the last successful read, 20s ago, said: IN_PROGRESS · traffic 50% → green", "It was not stopped")
	mustContain(t, out, "could not read the deployment before deciding whether to stop it (3 of 3 attempts)")
}

// TestWaitServiceTimeoutAfterFailedReadsDecidesFromTheReread: reads failed
// up to the deadline, the re-read works: it decides from that.
func TestWaitServiceTimeoutAfterFailedReadsDecidesFromTheReread(t *testing.T) {
	clock := newFakeClock()
	s := newSimECS(t, clock,
		simState{At: 0, D: sd(inProgress, prodShift, 50)},
		simState{At: 58 * time.Second, D: sd(inProgress, bakeTime, 100)},
	)
	s.failReads = []simWindow{{From: 52 * time.Second, To: 61 * time.Second}}
	res, err, _ := runWaitService(t, context.Background(), s, Options{Timeout: time.Minute})
	if err != nil || !res.LeftRunning || len(s.stopCalls()) != 0 {
		t.Fatalf("err %v, leftRunning %v, stops %v", err, res.LeftRunning, s.stopCalls())
	}
}

// TestWaitServiceStopGraceKeepsTalking: after the stop, the rollback takes
// longer than the grace and nothing changes for a minute; a line still
// appears at least every 15 s (runWaitService checks the gaps).
func TestWaitServiceStopGraceKeepsTalking(t *testing.T) {
	clock := newFakeClock()
	s := newSimECS(t, clock, simState{At: 0, D: sd(inProgress, prodShift, 50)})
	res, err, out := runWaitService(t, context.Background(), s, Options{Timeout: time.Minute, StopGrace: 40 * time.Second})
	if !errors.Is(err, ErrTimedOut) || !res.Stopped {
		t.Fatalf("err %v, stopped %v", err, res.Stopped)
	}
	stamps := lineStamps(t, out)
	if last := stamps[len(stamps)-1]; last < time.Minute+40*time.Second {
		t.Errorf("the last line at %s comes before the grace ended", last)
	}
}

// TestWaitServiceTimeoutLeavesAStopRequestedAlone: someone stopped the
// deployment (STOP_REQUESTED); a timeout sends no ROLLBACK on top and says
// what it saw.
func TestWaitServiceTimeoutLeavesAStopRequestedAlone(t *testing.T) {
	clock := newFakeClock()
	s := newSimECS(t, clock,
		simState{At: 0, D: sd(inProgress, prodShift, 50)},
		simState{At: 20 * time.Second, D: sd(ecstypes.ServiceDeploymentStatusStopRequested, prodShift, 50)},
	)
	res, err, _ := runWaitService(t, context.Background(), s, Options{Timeout: time.Minute})
	if !errors.Is(err, ErrTimedOut) || res.Stopped || len(s.stopCalls()) != 0 {
		t.Fatalf("err %v, stopped %v, stops %v", err, res.Stopped, s.stopCalls())
	}
	mustContain(t, err.Error(), "ECS reports STOP_REQUESTED", "no rollback was sent")
	if strings.Contains(err.Error(), "stopped with rollback") {
		t.Errorf("error claims a stop with rollback: %v", err)
	}
}

// TestWaitServiceNamesAFailedHook: ECS rolled the deployment back after a
// Lambda hook FAILED; the error names the hook.
func TestWaitServiceNamesAFailedHook(t *testing.T) {
	clock := newFakeClock()
	failed := ecstypes.DeploymentLifecycleHookDetail{HookId: aws.String("7d2f0c4b-8e9a-4b1c-a2d3-e4f5a6b7c8d9"), TargetType: ecstypes.DeploymentLifecycleHookTargetTypeAwsLambda,
		TargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:smoke"), Status: ecstypes.DeploymentLifecycleHookStatusFailed}
	done := sd(ecstypes.ServiceDeploymentStatusRollbackSuccessful, postTest, 0, failed)
	done.StatusReason = aws.String("Lifecycle hook failed.")
	s := newSimECS(t, clock,
		simState{At: 0, D: sd(inProgress, postTest, 0)},
		simState{At: 10 * time.Second, D: done},
	)
	_, err, _ := runWaitService(t, context.Background(), s, Options{})
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("err = %v", err)
	}
	mustContain(t, err.Error(), "AWS_LAMBDA hook 7d2f0c4b-8e9a-4b1c-a2d3-e4f5a6b7c8d9 (arn:aws:lambda:us-east-1:123456789012:function:smoke) failed")
}

// TestServiceScheduleTakesECSDefaults: a linear or canary configuration
// that leaves its fields unset takes ECS's defaults (10 % steps baking 6
// min; a 5 % canary baking 10 min), and the timeout check counts them.
func TestServiceScheduleTakesECSDefaults(t *testing.T) {
	for _, tc := range []struct {
		cfg     *ecstypes.DeploymentConfiguration
		routing time.Duration
	}{
		{&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear}, 9 * 6 * time.Minute},
		{&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear, LinearConfiguration: &ecstypes.LinearConfiguration{StepPercent: aws.Float64(25)}}, 3 * 6 * time.Minute},
		{&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear, LinearConfiguration: &ecstypes.LinearConfiguration{StepBakeTimeInMinutes: aws.Int32(2)}}, 9 * 2 * time.Minute},
		{&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyCanary}, 10 * time.Minute},
		{&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyCanary, CanaryConfiguration: &ecstypes.CanaryConfiguration{CanaryPercent: aws.Float64(20)}}, 10 * time.Minute},
	} {
		if got := ServiceSchedule(tc.cfg).Routing; got != tc.routing {
			t.Errorf("%s %+v %+v: routing %s, want %s", tc.cfg.Strategy, tc.cfg.LinearConfiguration, tc.cfg.CanaryConfiguration, got, tc.routing)
		}
	}
	err := CheckServiceTimeout(30*time.Minute, ServiceSchedule(&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear}), "webapp", ecsdeploy.Deployed)
	if err == nil || !strings.Contains(err.Error(), "takes at least 54m") {
		t.Fatalf("a 30m timeout for a default linear deployment: %v", err)
	}
}

// TestRollbackServiceRefusesAStopRequested: a deployment someone is
// stopping without rollback keeps stopping whatever a ROLLBACK asks, so
// rollback refuses and says so instead of promising a rollback.
func TestRollbackServiceRefusesAStopRequested(t *testing.T) {
	clock := newFakeClock()
	s := newSimECS(t, clock, simState{At: 0, D: sd(ecstypes.ServiceDeploymentStatusStopRequested, prodShift, 50)})
	_, err := RollbackService(context.Background(), s, s.arn, Options{Clock: clock})
	if err == nil || !strings.Contains(err.Error(), "is being stopped without rollback (STOP_REQUESTED)") || len(s.stopCalls()) != 0 {
		t.Fatalf("err %v, stops %v", err, s.stopCalls())
	}
}
