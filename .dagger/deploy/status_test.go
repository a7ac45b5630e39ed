package deploy

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestStatusReportsEventsTimestampsErrorAndRollback(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{At: 0, Status: "InProgress"}, phase{At: 2 * time.Minute, Status: "Failed",
		Events: append(rep("Succeeded", 4), "Failed"), TaskSets: true, Green: 0,
		Diagnostic: [2]string{"ScriptFailed", "smoke test returned 503"},
		ErrCode:    "HEALTH_CONSTRAINTS", ErrMsg: "too many failures", RollbackID: "d-ROLLBACK3", RollbackMsg: "Automatic rollback"})
	s.revisionARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:12"
	clock.advance(3 * time.Minute)
	r, err := Status(context.Background(), s.client(1), s.id)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if !r.Finished() || r.Status != "Failed" || len(r.Events) != 8 || r.Target != "webapp-cluster:webapp" {
		t.Fatalf("report = %+v", r)
	}
	if e, ok := r.FailedEvent(); !ok || e.Name != "AfterAllowTestTraffic" {
		t.Fatalf("failed event = %+v, %t", e, ok)
	}
	text := r.String()
	t.Logf("\n%s", text)
	mustContain(t, text,
		"deployment d-SCRIPTED1 (application webapp, deployment group webapp-dg)",
		"status:      Failed",
		"description: release abc123",
		"task def:    arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:12",
		"created:     2026-03-01T12:00:00Z",
		"started:     2026-03-01T12:00:01Z",
		"completed:   2026-03-01T12:02:00Z",
		"duration:    1m59s",
		"target:      webapp-cluster:webapp (Failed)",
		"traffic:     blue 100% (2/2 tasks running), green 0% (2/2 tasks running)",
		"AfterAllowTestTraffic  Failed     2026-03-01T12:00:05Z  ScriptFailed: smoke test returned 503",
		"AllowTraffic           Pending",
		"error:       HEALTH_CONSTRAINTS: too many failures",
		"rollback:    deployment d-ROLLBACK3 — Automatic rollback",
	)
}

func TestStatusWithoutTargetAccessStillReportsDeployment(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress"})
	s.targetsFail = true
	r, err := Status(context.Background(), s.client(1), s.id)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if r.Status != "InProgress" || !strings.Contains(r.TargetsUnavailable, "AccessDenied") {
		t.Fatalf("report = %+v", r)
	}
	if !strings.Contains(r.String(), "lifecycle events: unavailable") {
		t.Errorf("String() = %s", r.String())
	}
}

// Wait keeps following the deployment status when targets cannot be read,
// and stops asking for them after a few failures.
func TestWaitFollowsStatusWhenTargetsAreDenied(t *testing.T) {
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress"}, phase{At: time.Minute, Status: "Succeeded"})
	s.targetsFail = true
	_, err, _ := runWait(t, context.Background(), s, Options{})
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.calls["ListDeploymentTargets"]; n != maxTargetFailures {
		t.Fatalf("ListDeploymentTargets calls = %d, want %d", n, maxTargetFailures)
	}
}

func TestStatusOfUnknownDeployment(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	_, err := Status(context.Background(), s.client(1), "d-NOPE00000")
	if err == nil || !strings.Contains(err.Error(), "reading deployment d-NOPE00000") || !isNoSuchDeployment(err) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Status(context.Background(), s.client(1), "d-A B"); err == nil || !strings.Contains(err.Error(), "white space") {
		t.Fatalf("err = %v", err)
	}
}

// Without an id, status reports the group's deployment in flight, else its
// latest one.
func TestCurrentDeploymentIsInFlightElseLatest(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	s.awaitCreate = true
	s.history = []pastDeployment{
		{ID: "d-FIRST0001", Status: "Succeeded", Created: -3 * time.Hour},
		{ID: "d-SECOND001", Status: "Failed", Created: -time.Hour},
		{ID: "d-OLDEST001", Status: "Stopped", Created: -5 * time.Hour},
	}
	if id, err := CurrentDeployment(context.Background(), s.client(1), s.app, s.group); err != nil || id != "d-SECOND001" {
		t.Fatalf("with nothing in flight: %q, %v; want the latest, d-SECOND001", id, err)
	}
	if _, err := Start(context.Background(), s.client(1), Request{Application: s.app, DeploymentGroup: s.group, AppSpecContent: appSpecFor("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:3")}); err != nil {
		t.Fatal(err)
	}
	if id, err := CurrentDeployment(context.Background(), s.client(1), s.app, s.group); err != nil || id != s.id {
		t.Fatalf("with %s in flight: %q, %v", s.id, id, err)
	}
	empty := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	empty.awaitCreate = true
	if _, err := CurrentDeployment(context.Background(), empty.client(1), empty.app, empty.group); err == nil || !strings.Contains(err.Error(), "no deployment yet") {
		t.Fatalf("a group without deployments: %v", err)
	}
}
