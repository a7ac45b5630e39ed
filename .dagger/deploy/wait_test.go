package deploy

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// runWait follows the scripted deployment with a real CodeDeploy client and
// the fake clock, and checks what every scenario must hold: no credential in
// the output or the error, and no silence longer than ProgressEvery.
func runWait(t *testing.T, ctx context.Context, s *scriptedCodeDeploy, opts Options) (Result, error, string) {
	t.Helper()
	var out strings.Builder
	opts.Out = &out
	opts.Clock = s.clock
	res, err := Wait(ctx, s.client(1), s.id, opts)
	text := out.String()
	t.Logf("progress:\n%s", text)
	for _, secret := range []string{leakKey, leakSecret} {
		if strings.Contains(text, secret) || (err != nil && strings.Contains(err.Error(), secret)) {
			t.Fatalf("credential %q leaked into output or error", secret)
		}
	}
	every := opts.ProgressEvery
	if every == 0 {
		every = DefaultProgressEvery
	}
	stamps := lineStamps(t, text)
	for i := 1; i < len(stamps); i++ {
		if gap := stamps[i] - stamps[i-1]; gap > every {
			t.Fatalf("silence of %s between progress lines %d and %d exceeds %s:\n%s", gap, i, i+1, every, text)
		}
	}
	return res, err, text
}

var stampRE = regexp.MustCompile(`^\[\s*(\d+)m(\d\d)s\] `)

func lineStamps(t *testing.T, text string) []time.Duration {
	t.Helper()
	var out []time.Duration
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		m := stampRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("progress line without elapsed stamp: %q", line)
		}
		mins, _ := strconv.Atoi(m[1])
		secs, _ := strconv.Atoi(m[2])
		out = append(out, time.Duration(mins)*time.Minute+time.Duration(secs)*time.Second)
	}
	return out
}

func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}

func TestWaitSuccessReportsTrafficShiftAndEvents(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{At: 0, Status: "Created"},
		phase{At: 10 * time.Second, Status: "InProgress", Events: evs("Succeeded", "InProgress"), TaskSets: true, Green: 0},
		phase{At: 20 * time.Second, Status: "InProgress", Events: rep("Succeeded", 4), TaskSets: true, Green: 0},
		phase{At: 30 * time.Second, Status: "InProgress", Events: append(rep("Succeeded", 6), "InProgress"), TaskSets: true, Green: 100},
		phase{At: 45 * time.Second, Status: "Succeeded", Events: rep("Succeeded", 8), TaskSets: true, Green: 100},
	)
	res, err, out := runWait(t, context.Background(), s, Options{})
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if res.Report.Status != "Succeeded" || res.Stopped {
		t.Fatalf("result = %+v, want Succeeded and not stopped", res)
	}
	if res.Elapsed != 45*time.Second {
		t.Errorf("elapsed = %s, want 45s (noticed at the first poll after the change)", res.Elapsed)
	}
	mustContain(t, out,
		"[  0m00s] Created",
		"[  0m10s] InProgress · traffic 0% → green · BeforeInstall: Succeeded, Install: InProgress",
		"[  0m20s] InProgress · traffic 0% → green · Install: Succeeded, AfterInstall: Succeeded, AllowTestTraffic: Succeeded",
		"[  0m30s] InProgress · traffic 100% → green",
		"AllowTraffic: InProgress",
		"[  0m45s] Succeeded · traffic 100% → green",
		"deployment d-SCRIPTED1 succeeded after 45s",
	)
	if c := s.stopCalls(); len(c) != 0 {
		t.Fatalf("StopDeployment called on a successful deployment: %+v", c)
	}
}

func TestWaitFailureReportsEventErrorAndRollback(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{At: 0, Status: "InProgress", Events: evs("Succeeded", "InProgress"), TaskSets: true},
		phase{At: 15 * time.Second, Status: "Failed", Events: append(rep("Succeeded", 4), "Failed"), TaskSets: true,
			Diagnostic: [2]string{"ScriptFailed", "hook CheckHealth returned Failed"},
			ErrCode:    "HEALTH_CONSTRAINTS", ErrMsg: "The overall deployment failed because too many individual instances failed deployment",
			RollbackID: "d-ROLLBACK1", RollbackMsg: "Automatic rollback triggered by failure"},
	)
	res, err, out := runWait(t, context.Background(), s, Options{})
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("err = %v, want ErrFailed", err)
	}
	for _, want := range []string{"d-SCRIPTED1 failed after 15s", "lifecycle event AfterAllowTestTraffic failed (ScriptFailed: hook CheckHealth returned Failed)",
		"HEALTH_CONSTRAINTS: The overall deployment failed", "CodeDeploy created rollback deployment d-ROLLBACK1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if res.Report.RollbackDeploymentID != "d-ROLLBACK1" || res.Stopped {
		t.Fatalf("result = %+v", res)
	}
	mustContain(t, out, "[  0m15s] Failed", "AfterAllowTestTraffic: Failed", "rollback deployment d-ROLLBACK1")
	if c := s.stopCalls(); len(c) != 0 {
		t.Fatalf("StopDeployment called on a failed deployment: %+v", c)
	}
}

func TestWaitFailureWithoutRollbackSaysSo(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "Stopped", ErrCode: "DEPLOYMENT_STOPPED", ErrMsg: "stopped by user"})
	_, err, _ := runWait(t, context.Background(), s, Options{})
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "was stopped") || !strings.Contains(err.Error(), "no rollback deployment was created") {
		t.Fatalf("err = %v", err)
	}
}

func TestWaitTimeoutStopsWithRollback(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 2), TaskSets: true, Green: 0},
	)
	s.stopped = &phase{Status: "Stopped", Events: rep("Succeeded", 2), ErrCode: "DEPLOYMENT_STOPPED", ErrMsg: "stopped with rollback", RollbackID: "d-ROLLBACK2"}
	res, err, out := runWait(t, context.Background(), s, Options{Timeout: 2 * time.Minute})
	if !errors.Is(err, ErrTimedOut) {
		t.Fatalf("err = %v, want ErrTimedOut", err)
	}
	for _, want := range []string{"timed out after 2m0s", "and was stopped with rollback (StopDeployment: Pending — Stop request received)", "status now Stopped", "rollback deployment d-ROLLBACK2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	stops := s.stopCalls()
	if len(stops) != 1 || stops[0].ID != s.id || stops[0].AutoRollback == nil || !*stops[0].AutoRollback || stops[0].At != 2*time.Minute {
		t.Fatalf("stop calls = %+v, want one at 2m with autoRollbackEnabled=true", stops)
	}
	if !res.Stopped || res.StopStatus != "Pending" || res.Report.Status != "Stopped" {
		t.Fatalf("result = %+v", res)
	}
	mustContain(t, out, "[  0m15s] InProgress", "[  2m00s] deployment d-SCRIPTED1 timed out after 2m0s; stopping it with rollback", "Stopped")
}

func TestWaitStuckAtTestTrafficTimesOutAndStops(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 3), TaskSets: true},
		phase{At: 20 * time.Second, Status: "Ready", TargetStatus: "Ready", Events: rep("Succeeded", 5), TaskSets: true, ReadyAction: "STOP_DEPLOYMENT", ReadyWait: 60},
	)
	s.stopped = &phase{Status: "Stopped", Events: rep("Succeeded", 5), RollbackMsg: "traffic returned to the original task set"}
	_, err, out := runWait(t, context.Background(), s, Options{Timeout: 3 * time.Minute})
	if !errors.Is(err, ErrTimedOut) {
		t.Fatalf("err = %v, want ErrTimedOut", err)
	}
	mustContain(t, out,
		"[  0m20s] Ready · traffic 0% → green · AllowTestTraffic: Succeeded, AfterAllowTestTraffic: Succeeded · waiting for test traffic to be approved (continue-deployment --deployment-wait-type READY_WAIT; stops after the configured 60m wait)",
	)
	if !strings.Contains(err.Error(), "last state: Ready · traffic 0% → green · AfterAllowTestTraffic: Succeeded · waiting for test traffic to be approved") || !strings.Contains(err.Error(), "stopped with rollback") {
		t.Errorf("error %q does not say it waited for test traffic and was stopped with rollback", err)
	}
	if stops := s.stopCalls(); len(stops) != 1 || stops[0].AutoRollback == nil || !*stops[0].AutoRollback {
		t.Fatalf("stop calls = %+v", stops)
	}
}

func TestWaitCancelledContextStopsWithRollback(t *testing.T) {
	clock := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.onAdvance = func(off time.Duration) {
		if off >= 40*time.Second {
			cancel()
		}
	}
	s := newScripted(t, clock, phase{Status: "InProgress", TaskSets: true, Green: 10})
	s.stopped = &phase{Status: "Stopped"}
	res, err, _ := runWait(t, ctx, s, Options{})
	if !errors.Is(err, ErrTimedOut) || !strings.Contains(err.Error(), "was cancelled after 40s") {
		t.Fatalf("err = %v, want a cancellation reported as stopped with rollback", err)
	}
	if stops := s.stopCalls(); len(stops) != 1 || !*stops[0].AutoRollback || !res.Stopped {
		t.Fatalf("stop calls = %+v, result %+v", stops, res)
	}
}

func TestWaitCancelledAfterFinishDoesNotStop(t *testing.T) {
	clock := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.onAdvance = func(off time.Duration) {
		if off >= 10*time.Second {
			cancel()
		}
	}
	s := newScripted(t, clock,
		phase{Status: "InProgress", TaskSets: true},
		phase{At: 10 * time.Second, Status: "Succeeded", TaskSets: true, Green: 100},
	)
	_, err, _ := runWait(t, ctx, s, Options{})
	if err != nil {
		t.Fatalf("err = %v, want nil: the deployment had succeeded when the context ended", err)
	}
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("stopped a finished deployment: %+v", stops)
	}
}

func TestWaitStopFailureTellsHowToStopByHand(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress"})
	s.stopFails = true
	res, err, _ := runWait(t, context.Background(), s, Options{Timeout: 30 * time.Second})
	if !errors.Is(err, ErrTimedOut) || res.Stopped {
		t.Fatalf("err = %v, stopped = %t", err, res.Stopped)
	}
	for _, want := range []string{"stopping it with rollback failed", "StatusCode: 500", "aws deploy stop-deployment --deployment-id d-SCRIPTED1 --auto-rollback-enabled"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestWaitUnknownDeploymentFailsWithoutStopping(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress"})
	var out strings.Builder
	_, err := Wait(context.Background(), s.client(1), "d-MISSING00", Options{Clock: clock, Out: &out})
	if !errors.Is(err, ErrLostTrack) || !strings.Contains(err.Error(), "d-MISSING00") {
		t.Fatalf("err = %v", err)
	}
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("stop calls = %+v", stops)
	}
}

func TestWaitRejectsBadOptionsBeforeAnyCall(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress"})
	cases := []struct {
		name string
		id   string
		opts Options
		want string
	}{
		{"progress too slow", s.id, Options{ProgressEvery: 20 * time.Second}, "progress interval 20s is out of range"},
		{"poll slower than progress", s.id, Options{PollInterval: 10 * time.Second, ProgressEvery: 5 * time.Second}, "poll interval 10s is out of range"},
		{"negative timeout", s.id, Options{Timeout: -time.Second}, "timeout -1s is negative"},
		{"empty id", "", Options{}, "deployment id is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Clock = clock
			_, err := Wait(context.Background(), s.client(1), c.id, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.calls) != 0 {
		t.Fatalf("calls made despite bad input: %v", s.calls)
	}
}

// TestPollScheduleNeverLeavesGapOverFiveSeconds is the speed goal "a change
// at the server is noticed within 5 s" as a deterministic property: with the
// default poll interval, and every request taking 700 ms, GetDeployment calls
// are never more than 5 s apart and every change is seen by the first poll
// after it, within 5 s.
func TestPollScheduleNeverLeavesGapOverFiveSeconds(t *testing.T) {
	clock := newFakeClock()
	var phases []phase
	changes := []time.Duration{0}
	for at, i := time.Duration(0), 0; at < 10*time.Minute; i++ {
		phases = append(phases, phase{At: at, Status: "InProgress", TaskSets: true, Green: float64(i % 101)})
		at += time.Duration(1300+(i*7919)%9000) * time.Millisecond // irregular, 1.3–10.3 s apart
		changes = append(changes, at)
	}
	s := newScripted(t, clock, phases...)
	s.latency = 700 * time.Millisecond
	s.stopped = &phase{Status: "Stopped"}
	_, err, _ := runWait(t, context.Background(), s, Options{Timeout: 10 * time.Minute})
	if !errors.Is(err, ErrTimedOut) {
		t.Fatalf("err = %v", err)
	}
	gets := s.getTimes()
	stops := s.stopCalls()
	if len(stops) != 1 {
		t.Fatalf("stop calls = %+v", stops)
	}
	var polls []time.Duration
	for _, g := range gets {
		if g < stops[0].At {
			polls = append(polls, g)
		}
	}
	maxGap := time.Duration(0)
	for i := 1; i < len(polls); i++ {
		maxGap = max(maxGap, polls[i]-polls[i-1])
	}
	if maxGap > DefaultPollInterval {
		t.Fatalf("largest gap between polls = %s, want ≤ %s", maxGap, DefaultPollInterval)
	}
	worst := time.Duration(0)
	for _, c := range changes[:len(changes)-1] {
		for _, p := range polls {
			if p >= c {
				worst = max(worst, p-c)
				break
			}
		}
	}
	if worst > DefaultPollInterval {
		t.Fatalf("worst delay between a change and the poll that sees it = %s, want ≤ %s", worst, DefaultPollInterval)
	}
	t.Logf("%d polls over 10m, largest gap %s, worst notice delay %s", len(polls), maxGap, worst)
}

func TestElapsedStamp(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                     "[  0m00s]",
		65 * time.Second:                      "[  1m05s]",
		65*time.Second + 900*time.Millisecond: "[  1m05s]",
		125 * time.Minute:                     "[125m00s]",
		-time.Second:                          "[  0m00s]",
	} {
		if got := elapsedStamp(d); got != want {
			t.Errorf("elapsedStamp(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestWaitSaysWhenStopHasNotRegistered(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress", TaskSets: true, Green: 20})
	// No stopped phase: the deployment keeps reporting InProgress.
	res, err, _ := runWait(t, context.Background(), s, Options{Timeout: time.Minute, StopGrace: 10 * time.Second})
	if !errors.Is(err, ErrTimedOut) || !res.Stopped {
		t.Fatalf("err = %v, stopped = %t", err, res.Stopped)
	}
	if !strings.Contains(err.Error(), "the stop had not registered after 10s (status InProgress)") {
		t.Fatalf("err = %v", err)
	}
	if res.Elapsed != 70*time.Second {
		t.Errorf("elapsed = %s, want 1m10s (timeout plus stop grace)", res.Elapsed)
	}
}

func TestWaitLosesTrackAfterRepeatedReadFailuresWithoutStopping(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress"})
	s.getFailsFrom = 20 * time.Second
	_, err, out := runWait(t, context.Background(), s, Options{})
	if !errors.Is(err, ErrLostTrack) || !strings.Contains(err.Error(), "3 reads of deployment d-SCRIPTED1 failed in a row") || !strings.Contains(err.Error(), "it was not stopped") {
		t.Fatalf("err = %v", err)
	}
	mustContain(t, out, "[  0m20s] could not read the deployment (1 of 3 attempts)", "[  0m30s] could not read the deployment (3 of 3 attempts)")
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("stop calls = %+v", stops)
	}
}

func TestWaitTimeoutRacingCompletionReportsTheOutcome(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress", TaskSets: true, Green: 100})
	s.completesAtStop = &phase{Status: "Succeeded", TaskSets: true, Green: 100}
	res, err, out := runWait(t, context.Background(), s, Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("err = %v, want nil: the deployment succeeded before the stop arrived", err)
	}
	if res.Stopped || res.Report.Status != "Succeeded" || len(s.stopCalls()) != 1 {
		t.Fatalf("result = %+v, stop calls %+v", res, s.stopCalls())
	}
	mustContain(t, out, "succeeded after 30s")
}

func TestParseTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{"30m": 30 * time.Minute, " 1h30m ": 90 * time.Minute, "45s": 45 * time.Second, "48h": 48 * time.Hour} {
		if got, err := ParseTimeout(in); err != nil || got != want {
			t.Errorf("ParseTimeout(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "30", "-5m", "0s", "49h", "soon"} {
		if _, err := ParseTimeout(in); err == nil || !strings.Contains(err.Error(), `timeout "`+in+`" is not accepted`) {
			t.Errorf("ParseTimeout(%q) err = %v", in, err)
		}
	}
}
