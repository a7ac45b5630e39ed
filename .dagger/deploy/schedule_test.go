package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/ecsdeploy"
)

func TestGroupScheduleReadsWaitsAndRouting(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded"})
	s.settings = groupSettings{Config: "custom-canary", Canary: 20 * time.Minute, TerminationWait: 45 * time.Minute}
	sched, err := GroupSchedule(context.Background(), s.client(1), "webapp", "webapp-dg")
	if err != nil {
		t.Fatal(err)
	}
	if sched.Routing != 20*time.Minute || sched.TerminationWait != 45*time.Minute || sched.Minimum() != 65*time.Minute {
		t.Fatalf("schedule = %+v", sched)
	}
	err = CheckTimeout(time.Hour, sched, "webapp", "webapp-dg", ecsdeploy.Deployed)
	t.Logf("error: %v", err)
	for _, want := range []string{"--timeout 1h0m", "at least 1h5m", "traffic routing 20m (custom-canary) + termination wait 45m", "--timeout 1h15m or more", "--wait-until traffic-shifted"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if err := CheckTimeout(65*time.Minute, sched, "webapp", "webapp-dg", ecsdeploy.Deployed); err != nil {
		t.Errorf("a timeout equal to the schedule was refused: %v", err)
	}
	s.settings = groupSettings{Config: "CodeDeployDefault.ECSLinear10PercentEvery3Minutes"}
	if sched, err = GroupSchedule(context.Background(), s.client(1), "webapp", "webapp-dg"); err != nil || sched.Routing != 30*time.Minute {
		t.Fatalf("built-in linear config: %+v, %v", sched, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls["GetDeploymentConfig"] != 1 {
		t.Errorf("GetDeploymentConfig calls = %d, want 1 (built-in configurations are known)", s.calls["GetDeploymentConfig"])
	}
}

func TestCheckCredentials(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	expiry, err := ParseExpiry("2026-03-01T13:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckCredentials(now, 55*time.Minute, expiry); err != nil {
		t.Errorf("55m with 1h left: %v", err)
	}
	err = CheckCredentials(now, time.Hour, expiry)
	t.Logf("error: %v", err)
	for _, want := range []string{"--timeout 1h0m outlives", "expire at 2026-03-01T13:00:00Z (1h0m from now)", "--timeout 55m or less", "role-duration-seconds"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if err := CheckCredentials(now, time.Minute, now.Add(2*time.Minute)); err == nil || !strings.Contains(err.Error(), "too soon") {
		t.Errorf("credentials about to expire: %v", err)
	}
	if err := CheckCredentials(now, 48*time.Hour, time.Time{}); err != nil {
		t.Errorf("unknown expiry refused: %v", err)
	}
	if _, err := ParseExpiry("tomorrow"); err == nil || !strings.Contains(err.Error(), `"tomorrow"`) || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("bad expiry: %v", err)
	}
}

// One rule for both modes: what a wait must cover depends on the
// checkpoint, never on the mode.
func TestScheduleNeededFollowsTheCheckpoint(t *testing.T) {
	group := Schedule{Config: "custom", ReadyWait: 5 * time.Minute, Routing: 15 * time.Minute, TerminationWait: 24 * time.Hour}
	bake, err := ecsdeploy.ParseCheckpoint("BAKE_TIME")
	if err != nil {
		t.Fatal(err)
	}
	early, err := ecsdeploy.ParseCheckpoint("POST_SCALE_UP")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		until ecsdeploy.Checkpoint
		need  time.Duration
		ok    bool
	}{
		{ecsdeploy.Deployed, 24*time.Hour + 20*time.Minute, true},
		{ecsdeploy.Checkpoint{}, 24*time.Hour + 20*time.Minute, true},
		{ecsdeploy.TrafficShifted, 20 * time.Minute, true},
		{bake, 20 * time.Minute, true},
		{early, 0, false},
	} {
		if need, ok := group.Needed(tc.until); need != tc.need || ok != tc.ok {
			t.Errorf("Needed(%s) = %s, %t; want %s, %t", tc.until, need, ok, tc.need, tc.ok)
		}
		codeDeploy := CheckTimeout(45*time.Minute, group, "webapp", "webapp-dg", tc.until)
		service := CheckServiceTimeout(45*time.Minute, group, "webapp", tc.until)
		if (codeDeploy == nil) != (service == nil) {
			t.Errorf("until %s: codedeploy mode says %v, ecs mode says %v; one rule must decide both", tc.until, codeDeploy, service)
		}
	}
}
