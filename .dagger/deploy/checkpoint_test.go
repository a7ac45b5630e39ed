package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/ecsdeploy"
)

func checkpoint(t *testing.T, s string) ecsdeploy.Checkpoint {
	t.Helper()
	c, err := ecsdeploy.ParseCheckpoint(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestWaitUntilTrafficShiftedStopsBeforeTheTerminationWait: in codedeploy
// mode traffic-shifted returns as soon as production has moved and the
// termination wait began, without stopping anything.
func TestWaitUntilTrafficShiftedStopsBeforeTheTerminationWait(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 5), TaskSets: true, Green: 0},
		phase{At: 30 * time.Second, Status: "InProgress", Events: rep("Succeeded", 6), TaskSets: true, Green: 100},
		phase{At: 45 * time.Second, Status: "InProgress", Events: rep("Succeeded", 7), TaskSets: true, Green: 100, TermWait: true},
		phase{At: 61 * time.Minute, Status: "Succeeded", Events: rep("Succeeded", 8), TaskSets: true, Green: 100},
	)
	res, err, out := runWait(t, context.Background(), s, Options{Until: ecsdeploy.TrafficShifted})
	if err != nil || res.Checkpoint != "traffic-shifted" || res.Stopped {
		t.Fatalf("err %v, checkpoint %q, stopped %v\n%s", err, res.Checkpoint, res.Stopped, out)
	}
	mustContain(t, out, "until traffic-shifted", "[  0m45s] deployment d-SCRIPTED1 reached traffic-shifted after 45s; not waiting for the rest")
	if len(s.stopCalls()) != 0 {
		t.Fatalf("stop calls %+v", s.stopCalls())
	}
}

// TestWaitUntilAStageMapsToItsLifecycleEvent: TEST_TRAFFIC_SHIFT is
// CodeDeploy's AllowTestTraffic; a stage without a counterpart is refused
// before the first read.
func TestWaitUntilAStageMapsToItsLifecycleEvent(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 3), TaskSets: true},
		phase{At: 20 * time.Second, Status: "InProgress", Events: evs("Succeeded", "Succeeded", "Succeeded", "InProgress"), TaskSets: true},
	)
	res, err, out := runWait(t, context.Background(), s, Options{Until: checkpoint(t, "test-traffic-shift")})
	if err != nil || res.Checkpoint != "TEST_TRAFFIC_SHIFT" || !strings.Contains(out, "[  0m20s] deployment d-SCRIPTED1 reached TEST_TRAFFIC_SHIFT") {
		t.Fatalf("err %v, checkpoint %q\n%s", err, res.Checkpoint, out)
	}
	_, err = Wait(context.Background(), s.client(0), s.id, Options{Until: checkpoint(t, "clean-up")})
	if err == nil || !strings.Contains(err.Error(), "wait-until CLEAN_UP has no counterpart in a CodeDeploy deployment") {
		t.Fatalf("err = %v", err)
	}
}
