package deploy

import (
	"context"
	"errors"
	"testing"
	"time"
)

// shifted is a deployment whose production traffic moved to green at 1m
// and which then waits termWait before terminating blue.
func shifted(t *testing.T, clock *fakeClock, termWait time.Duration) *scriptedCodeDeploy {
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 5), TaskSets: true, Green: 0},
		phase{At: time.Minute, Status: "InProgress", Events: rep("Succeeded", 8), TaskSets: true, Green: 100, TermWait: true},
		phase{At: time.Minute + termWait, Status: "Succeeded", Events: rep("Succeeded", 8), TaskSets: true, Green: 100},
	)
	s.settings.TerminationWait = termWait
	return s
}

// A timeout during the termination wait leaves the shifted release alone:
// stopping it with rollback would send production back to the old release.
func TestWaitTimeoutAfterFullShiftNeverRollsBack(t *testing.T) {
	s := shifted(t, newFakeClock(), time.Hour)
	res, err, out := runWait(t, context.Background(), s, Options{Timeout: 10 * time.Minute})
	t.Logf("error: %v", err)
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("a fully shifted deployment was stopped: %+v", stops)
	}
	if err != nil {
		t.Fatalf("err = %v, want success: production already runs the release", err)
	}
	mustContain(t, out, "traffic fully shifted; waiting for the old task set to terminate", "51m of the 1h0m termination wait left")
	if res.Stopped {
		t.Errorf("result = %+v, want the deployment left running", res)
	}
}

func TestWaitCancelAfterFullShiftNeverRollsBack(t *testing.T) {
	clock := newFakeClock()
	s := shifted(t, clock, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.onAdvance = func(off time.Duration) {
		if off >= 5*time.Minute {
			cancel()
		}
	}
	_, err, out := runWait(t, ctx, s, Options{Timeout: 2 * time.Hour})
	t.Logf("error: %v", err)
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("a fully shifted deployment was stopped on cancel: %+v", stops)
	}
	mustContain(t, out, "traffic fully shifted; waiting for the old task set to terminate")
}

// Credentials that expire during the wait leave the deployment unwatched and
// unstoppable (the stop with rollback cannot be sent either), which is why
// CheckCredentials refuses such a timeout up front.
func TestExpiringCredentialsAreRefusedBeforeTheWait(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress", Events: rep("Succeeded", 2), TaskSets: true})
	s.credsExpireAt = 50 * time.Minute
	expiry := clock.Now().Add(s.credsExpireAt)
	if err := CheckCredentials(clock.Now(), time.Hour, expiry); err == nil {
		t.Fatal("a 1h timeout with credentials expiring in 50m was accepted")
	}
	if err := CheckCredentials(clock.Now(), 40*time.Minute, expiry); err != nil {
		t.Fatalf("a 40m timeout with 50m of credentials left: %v", err)
	}
	_, err, out := runWait(t, context.Background(), s, Options{Timeout: time.Hour})
	if !errors.Is(err, ErrLostTrack) || len(s.stopCalls()) != 0 {
		t.Fatalf("err = %v, stops = %+v; want the deployment lost and never stopped", err, s.stopCalls())
	}
	mustContain(t, out, "ExpiredTokenException")
}
