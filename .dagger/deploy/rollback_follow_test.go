package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// followStopped stops the scripted deployment through Rollback (given its
// id: the rollback deployment in the history exists only after the stop) and follows
// its rollback, checking the progress cadence as runWait does.
func followStopped(t *testing.T, s *scriptedCodeDeploy, opts Options) (Result, error, string) {
	t.Helper()
	res, err := Rollback(context.Background(), s.client(1), nil, target, s.id, func(string, string) (string, error) {
		t.Fatal("render called while a deployment was in flight")
		return "", nil
	})
	if err != nil || res.Action != ActionStopped {
		t.Fatalf("Rollback = %+v, %v; want the deployment in flight stopped", res, err)
	}
	var out strings.Builder
	opts.Out, opts.Clock = &out, s.clock
	r, err := FollowStopped(context.Background(), s.client(1), s.id, opts)
	text := out.String()
	t.Logf("progress:\n%s", text)
	stamps := lineStamps(t, text)
	for i := 1; i < len(stamps); i++ {
		if gap := stamps[i] - stamps[i-1]; gap > DefaultProgressEvery {
			t.Fatalf("silence of %s while following the rollback:\n%s", gap, text)
		}
	}
	return r, err, text
}

// inFlight is a canary deployment with 10 % on green; a stop with rollback
// ends it Stopped and CodeDeploy's rollback deployment d-ROLLBK001 restores
// blue, finishing at 4m with endStatus.
func inFlight(t *testing.T, endStatus string) *scriptedCodeDeploy {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress", Events: rep("Succeeded", 6), TaskSets: true, Green: 10})
	s.stopped = &phase{Status: "Stopped", Events: rep("Succeeded", 6), TaskSets: true, Green: 0, ErrCode: "DEPLOYMENT_STOPPED", ErrMsg: "stopped by user", RollbackID: "d-ROLLBK001", RollbackMsg: "Rolled back by user request"}
	s.latency = time.Second // the stop registers a second after it is sent
	s.history = []pastDeployment{{ID: "d-ROLLBK001", Status: "InProgress", Creator: "codeDeployRollback", RollbackOf: s.id, TaskDef: "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:1", EndStatus: endStatus, EndsAt: 4 * time.Minute}}
	return s
}

func TestRollbackInFlightFollowsTheRollbackToItsEnd(t *testing.T) {
	s := inFlight(t, "Succeeded")
	res, err, out := followStopped(t, s, Options{Timeout: 30 * time.Minute})
	if err != nil {
		t.Fatalf("FollowStopped: %v", err)
	}
	if res.Report.ID != "d-ROLLBK001" || res.Report.Phase != PhaseRolledBack || res.Elapsed < 3*time.Minute {
		t.Fatalf("result: %s %s after %s; want the rollback deployment followed until it succeeded at 4m", res.Report.ID, res.Report.Phase, res.Elapsed)
	}
	mustContain(t, out, "rollback deployment d-ROLLBK001", "rolled back after")
	if len(s.stopCalls()) != 1 {
		t.Errorf("stop calls = %+v, want only Rollback's", s.stopCalls())
	}
}

func TestRollbackInFlightFailsWhenTheRollbackFails(t *testing.T) {
	s := inFlight(t, "Failed")
	_, err, _ := followStopped(t, s, Options{Timeout: 30 * time.Minute})
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "d-ROLLBK001") {
		t.Fatalf("err = %v, want a failure naming the failed rollback deployment", err)
	}
}

// The timeout never stops a rollback: it is left running, and the call
// fails saying so.
func TestRollbackInFlightTimeoutLeavesTheRollbackRunning(t *testing.T) {
	s := inFlight(t, "Succeeded")
	_, err, _ := followStopped(t, s, Options{Timeout: 2 * time.Minute})
	if !errors.Is(err, ErrTimedOut) || !strings.Contains(err.Error(), "not stopped") {
		t.Fatalf("err = %v, want a timeout that leaves the rollback running", err)
	}
	if len(s.stopCalls()) != 1 {
		t.Fatalf("stop calls = %+v: the rollback was stopped", s.stopCalls())
	}
}

// CodeDeploy stopped the deployment but started no rollback (automatic
// rollback is off for the group): the call says so and fails.
func TestRollbackInFlightWithoutARollbackDeploymentFails(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress", Events: rep("Succeeded", 6), TaskSets: true, Green: 10})
	s.stopped = &phase{Status: "Stopped", Events: rep("Succeeded", 6), TaskSets: true, Green: 10, RollbackMsg: "Automatic rollback is not enabled for the deployment group"}
	_, err, _ := followStopped(t, s, Options{Timeout: 30 * time.Minute})
	if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "Automatic rollback is not enabled") || !strings.Contains(err.Error(), "without a rollback deployment") {
		t.Fatalf("err = %v, want a failure saying no rollback deployment was started and why", err)
	}
}
