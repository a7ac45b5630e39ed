package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// baking is a deployment whose production traffic moves to green at 1m, and
// which then waits termWait in status Baking without CodeDeploy ever setting
// instanceTerminationWaitTimeStarted, as it does for ECS.
func baking(t *testing.T, clock *fakeClock, termWait time.Duration) *scriptedCodeDeploy {
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 5), TaskSets: true, Green: 0},
		phase{At: time.Minute, Status: "Baking", Events: rep("Succeeded", 8), TaskSets: true, Green: 100, TargetStatus: "Succeeded"},
		phase{At: time.Minute + termWait, Status: "Succeeded", Events: rep("Succeeded", 8), TaskSets: true, Green: 100, TargetStatus: "Succeeded"},
	)
	s.settings.TerminationWait = termWait
	return s
}

func TestWaitTimeoutWhileBakingLeavesTheReleaseLive(t *testing.T) {
	s := baking(t, newFakeClock(), time.Hour)
	res, err, out := runWait(t, context.Background(), s, Options{Timeout: 10 * time.Minute})
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("a Baking deployment (production on green) was stopped with rollback: %+v", stops)
	}
	if err != nil || !res.LeftRunning {
		t.Fatalf("err = %v, LeftRunning = %t; want success with the deployment left to finish its termination wait", err, res.LeftRunning)
	}
	mustContain(t, out, "traffic fully shifted", "waiting to terminate the original task set", "51m of the 1h0m termination wait left")
}

func TestWaitCancelWhileBakingLeavesTheReleaseLive(t *testing.T) {
	clock := newFakeClock()
	s := baking(t, clock, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.onAdvance = func(off time.Duration) {
		if off >= 5*time.Minute {
			cancel()
		}
	}
	res, err, _ := runWait(t, ctx, s, Options{Timeout: 2 * time.Hour})
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("a Baking deployment was stopped with rollback on cancel: %+v", stops)
	}
	if err != nil || !res.LeftRunning {
		t.Fatalf("err = %v, LeftRunning = %t; want the live release left running", err, res.LeftRunning)
	}
}

func TestWaitUntilTrafficShiftedReturnsAtBaking(t *testing.T) {
	s := baking(t, newFakeClock(), time.Hour)
	res, err, _ := runWait(t, context.Background(), s, Options{Timeout: 2 * time.Hour, Until: ecsdeploy.TrafficShifted})
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if res.Checkpoint != ecsdeploy.TrafficShifted.String() || res.Elapsed > 2*time.Minute {
		t.Fatalf("checkpoint %q after %s; want traffic-shifted just after the shift at 1m, not after the termination wait", res.Checkpoint, res.Elapsed)
	}
}

// A throttling burst on the target reads just before the shift must not
// leave a green weight of 0 % read earlier to decide the rest of the wait:
// CodeDeploy's own word (the termination wait runs) is fresh, the weight is
// not.
func TestStaleTrafficNeverOverridesAFreshShift(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shift phase
	}{
		{"termination wait flag", phase{At: time.Minute, Status: "InProgress", Events: rep("Succeeded", 8), TaskSets: true, Green: 100, TermWait: true}},
		{"Baking", phase{At: time.Minute, Status: "Baking", Events: rep("Succeeded", 8), TaskSets: true, Green: 100, TargetStatus: "Succeeded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			s := newScripted(t, clock,
				phase{Status: "InProgress", Events: rep("Succeeded", 5), TaskSets: true, Green: 0},
				tc.shift,
			)
			s.settings.TerminationWait = time.Hour
			s.throttled = []burst{{From: 40 * time.Second, To: 3 * time.Hour, Ops: []string{"BatchGetDeploymentTargets"}}}
			res, err, out := runWait(t, context.Background(), s, Options{Timeout: 10 * time.Minute})
			if stops := s.stopCalls(); len(stops) != 0 {
				t.Fatalf("the shifted release was stopped with rollback on the strength of a stale 0%% weight: %+v", stops)
			}
			if err != nil || !res.LeftRunning {
				t.Fatalf("err = %v, LeftRunning = %t; want the live release left running", err, res.LeftRunning)
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, "traffic 0% → green") && strings.Contains(line, "waiting to terminate") {
					t.Fatalf("progress line contradicts itself: %q", line)
				}
			}
		})
	}
}

// Nor is a stale 100 % evidence: once target reads fail, a weight read
// before is not what the deployment shows now.
func TestFailedTargetReadLeavesTrafficUnknown(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 7), TaskSets: true, Green: 100},
	)
	o := &observer{api: s.client(1), id: s.id}
	r, err := o.observe(context.Background())
	if err != nil || !r.Traffic.Known || !r.Shifted {
		t.Fatalf("first read: err %v, report %+v; want production 100%% on green, shifted", err, r.Core)
	}
	s.throttled = []burst{{From: 0, To: time.Hour, Ops: []string{"BatchGetDeploymentTargets"}}}
	r, err = o.observe(context.Background())
	if err != nil {
		t.Fatalf("second read: %v", err)
	}
	if r.Traffic.Known || len(r.Events) > 0 || r.Shifted {
		t.Fatalf("after a failed target read the report still carries traffic %+v, events %v, shifted %t from the earlier read", r.Traffic, r.Events, r.Shifted)
	}
	if r.TargetsUnavailable == "" || !strings.Contains(progressLine(0, r, nil), "target details unreadable") {
		t.Errorf("the report does not say the target details are unknown: %q", progressLine(0, r, nil))
	}
}

// Throttling passes; it never makes the observer give up on targets for
// the rest of the wait.
func TestThrottledTargetReadsResumeAfterTheBurst(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 5), TaskSets: true, Green: 0},
		phase{At: time.Minute, Status: "InProgress", Events: rep("Succeeded", 7), TaskSets: true, Green: 100},
	)
	s.throttled = []burst{{From: 10 * time.Second, To: 50 * time.Second, Ops: []string{"BatchGetDeploymentTargets"}}}
	o := &observer{api: s.client(1), id: s.id}
	var r Report
	for clock.offset() < 2*time.Minute {
		var err error
		if r, err = o.observe(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.advance(5 * time.Second)
	}
	if !r.Traffic.Known || r.Traffic.Production != 100 || !r.Shifted {
		t.Fatalf("after the burst the report says traffic %+v, shifted %t (%s); want the fresh 100%% read", r.Traffic, r.Shifted, r.TargetsUnavailable)
	}
}

// The AfterAllowTraffic hook runs with production on green, but when it
// fails CodeDeploy moves traffic back: not shifted until it has passed.
func TestAfterAllowTrafficHookHoldsTheShift(t *testing.T) {
	s := newScripted(t, newFakeClock(),
		phase{Status: "InProgress", Events: append(rep("Succeeded", 7), "InProgress"), TaskSets: true, Green: 100},
	)
	r, err := Status(context.Background(), s.client(1), s.id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Shifted || len(r.Holds) != 1 {
		t.Fatalf("shifted %t, holds %+v; want the running AfterAllowTraffic hook to hold the shift", r.Shifted, r.Holds)
	}
}
