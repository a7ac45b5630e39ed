package deploy

import (
	"context"
	"fmt"
	"time"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// FollowStopped follows the rollback of deployment id, which Rollback
// stopped with automatic rollback, until it has ended: first the stopped
// deployment until CodeDeploy has stopped it, then the rollback deployment
// CodeDeploy started for it until that finishes. Progress lines, heartbeat
// and timeout are the waiter's; neither deployment is ever stopped with
// rollback (that would bring back the release being undone), so a timeout
// leaves them running and returns ErrTimedOut.
//
// It returns nil only when the rollback deployment succeeded. The stopped
// deployment finishing before the stop registered (its release stays in
// service), a rollback deployment that failed, or a stop CodeDeploy
// answered with no rollback (its rollback message says why) are ErrFailed.
func FollowStopped(ctx context.Context, api DeploymentWatcher, id string, opts Options) (Result, error) {
	if err := checkDeploymentID(id); err != nil {
		return Result{}, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	opts.Until = ecsdeploy.Deployed
	trk := &stoppedTracker{codeDeployTracker: codeDeployTracker{api: api, observer: &observer{api: api, id: id}}}
	w := &waiter{id: id, opts: opts, trk: trk, goal: PhaseRolledBack, keep: true}
	return w.run(ctx)
}

// stoppedTracker reads a stopped deployment and then the rollback
// deployment CodeDeploy started for it, as one rollback: its report is
// rolled back once the rollback deployment succeeded.
type stoppedTracker struct {
	codeDeployTracker
	// rollback follows the rollback deployment once it is known.
	rollback *observer
	// stopped is the stopped deployment's last report.
	stopped Report
}

func (s *stoppedTracker) observe(ctx context.Context) (Report, error) {
	if s.rollback == nil {
		r, err := s.observer.observe(ctx)
		if err != nil {
			return r, err
		}
		s.stopped = r
		// A stopped release is being undone: whatever traffic it had moved
		// is not a shift to keep.
		r.Settle(ShiftEvidence{})
		switch {
		case !r.Finished(), r.Phase == PhaseSucceeded:
			return r, nil
		case r.RollbackDeploymentID == "" && r.RollbackMessage == "":
			// CodeDeploy records the rollback deployment a moment after
			// the stop: not over yet.
			r.Phase = PhaseRunning
			r.Notes = append(r.Notes, "stopped; waiting for CodeDeploy to start the rollback")
			return r, nil
		case r.RollbackDeploymentID == "":
			return r, nil
		}
		s.rollback = &observer{api: s.api, id: r.RollbackDeploymentID}
	}
	r, err := s.rollback.observe(ctx)
	if err != nil {
		return r, err
	}
	if r.Phase == PhaseSucceeded {
		r.Phase = PhaseRolledBack
	}
	r.Notes = append(r.Notes, "rollback deployment "+r.ID+" of "+s.id)
	return r, nil
}

func (s *stoppedTracker) failure(r Report) string {
	switch {
	case s.rollback == nil && r.Phase == PhaseSucceeded:
		return ": it finished before the stop registered, so its release stays in service — roll it back with `dagger call rollback --deployment-id " + s.id + "`"
	case s.rollback == nil:
		return fmt.Sprintf(" without a rollback deployment (rollback: %s); check which task set serves production with `dagger call status --deployment-id %s`", r.RollbackMessage, s.id)
	}
	return fmt.Sprintf(" — the rollback deployment %s of %s ended %s%s", r.ID, s.id, r.Status, failureDetail(r))
}

func (s *stoppedTracker) followHint() string {
	id := s.id
	if s.rollback != nil {
		id = s.rollback.id
	}
	return "`dagger call status --deployment-id " + id + "`"
}

func (s *stoppedTracker) shiftedNote(Report, time.Time) string {
	return "the rollback runs on"
}

func (s *stoppedTracker) reached(Report, ecsdeploy.Checkpoint) bool { return false }
