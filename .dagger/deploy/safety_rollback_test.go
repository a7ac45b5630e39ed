package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// arnOf is revision n of family webapp in the emulator's account.
func rev(arns []string, n int) string { return arns[n-1] }

// Revision 2 never served (its CreateDeployment was refused), so the
// release before the current one is revision 1: the group's history says so,
// the list of ACTIVE revisions does not.
func TestRollbackTargetIsTheLastReleaseThatServed(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = rev(arns, 3)
	s.history = []pastDeployment{
		{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: rev(arns, 1), Created: -3 * time.Hour, Description: "release of image A"},
	}
	var rendered []string
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, _ string) (string, error) {
		rendered = append(rendered, arn)
		return appSpecFor(arn), nil
	})
	t.Logf("result: %v; error: %v", res, err)
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if res.To != rev(arns, 1) {
		t.Fatalf("rollback redeploys %s, want revision 1 (%s), the last release that served", res.To, rev(arns, 1))
	}
	if !strings.Contains(res.String(), "d-FIRST0001") || !strings.Contains(res.String(), "registry.example/webapp@sha256:") {
		t.Errorf("String() = %q, want it to name the deployment that served the target and its image", res.String())
	}
}

// A release that CodeDeploy rolled back by itself is already undone: a
// rollback without an id must not take the service one more release back.
func TestRollbackAfterAutomaticRollbackDoesNotGoOneReleaseTooFar(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 2)
	s := newScripted(t, newFakeClock(), phase{Status: "Failed", ErrCode: "HEALTH_CONSTRAINTS", RollbackID: "d-AUTORB001"})
	s.revisionARN = rev(arns, 3)
	s.history = []pastDeployment{
		{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: rev(arns, 1), Created: -3 * time.Hour},
		{ID: "d-SECOND001", Status: "Succeeded", TaskDef: rev(arns, 2), Created: -2 * time.Hour},
		{ID: "d-AUTORB001", Status: "Succeeded", Creator: "codeDeployRollback", RollbackOf: s.id, TaskDef: rev(arns, 3), Created: time.Minute},
	}
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("result: %v; error: %v", res, err)
	if err == nil {
		t.Fatalf("Rollback redeployed %s after CodeDeploy had already rolled the last release back", res.To)
	}
	for _, want := range []string{s.id, "d-AUTORB001", "--deployment-id d-SECOND001"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.created) != 0 || len(s.stops) != 0 {
		t.Fatalf("created %d deployments, stopped %+v", len(s.created), s.stops)
	}
}

// With no deployment in the group's history that served another task
// definition there is nothing to go back to, whatever revisions exist.
func TestRollbackWithoutServedPredecessorRefuses(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded"})
	s.revisionARN = rev(arns, 3)
	_, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "no earlier release") {
		t.Fatalf("err = %v, want a refusal naming the missing earlier release", err)
	}
}

// The redeploy a rollback creates is itself a rollback: a second rollback
// while it runs must leave it alone, and its own waiter must not stop it
// with rollback on timeout (that would bring back the release being undone).
func TestOwnRollbackIsNeverStoppedWithRollback(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 2, 2)
	clock := newFakeClock()
	s := newScripted(t, clock, phase{Status: "InProgress", Events: rep("Succeeded", 2), TaskSets: true, Green: 0})
	s.awaitCreate = true
	s.history = []pastDeployment{
		{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: rev(arns, 1), Created: -3 * time.Hour},
		{ID: "d-SECOND001", Status: "Succeeded", TaskDef: rev(arns, 2), Created: -2 * time.Hour},
	}
	render := func(arn, _ string) (string, error) { return appSpecFor(arn), nil }
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", render)
	if err != nil || res.DeploymentID != s.id {
		t.Fatalf("first rollback = %+v, %v", res, err)
	}

	_, err = Rollback(context.Background(), s.client(1), e.ecs, target, "", render)
	t.Logf("second rollback: %v", err)
	if err == nil || !strings.Contains(err.Error(), "rollback") {
		t.Errorf("second rollback err = %v, want a refusal", err)
	}
	_, err = Rollback(context.Background(), s.client(1), e.ecs, target, s.id, render)
	t.Logf("second rollback with id: %v", err)
	if err == nil {
		t.Error("second rollback given the id was accepted")
	}

	_, err, out := runWait(t, context.Background(), s, Options{Timeout: 2 * time.Minute})
	if !errors.Is(err, ErrTimedOut) || !strings.Contains(err.Error(), "not stopped") {
		t.Errorf("wait err = %v, want a timeout that says the rollback was not stopped", err)
	}
	mustContain(t, out, "is a rollback")
	if stops := s.stopCalls(); len(stops) != 0 {
		t.Fatalf("the rollback deployment was stopped: %+v", stops)
	}
}
