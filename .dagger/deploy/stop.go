package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// codeDeployTracker follows a CodeDeploy deployment and stops it with
// automatic rollback.
type codeDeployTracker struct {
	api DeploymentWatcher
	*observer
}

func (c *codeDeployTracker) stop(ctx context.Context) (string, string, error) {
	out, err := c.api.StopDeployment(ctx, &codedeploy.StopDeploymentInput{
		DeploymentId:        aws.String(c.id),
		AutoRollbackEnabled: aws.Bool(true),
	})
	if err != nil {
		return "", "", err
	}
	return string(out.Status), aws.ToString(out.StatusMessage), nil
}

func (c *codeDeployTracker) permanent(err error) bool { return isNoSuchDeployment(err) }

func (c *codeDeployTracker) failure(r Report) string { return failureDetail(r) }

func (c *codeDeployTracker) service() string { return "CodeDeploy" }

func (c *codeDeployTracker) reached(r Report, cp ecsdeploy.Checkpoint) bool {
	return codeDeployReached(r, cp)
}

// stopping: CodeDeploy reports no state of its own for a stop under way.
func (c *codeDeployTracker) stopping(Report) bool { return false }

func (c *codeDeployTracker) stopCall() string { return "StopDeployment" }

func (c *codeDeployTracker) followHint() string {
	return "`dagger call status --deployment-id " + c.id + "`"
}

func (c *codeDeployTracker) stopHint() string {
	return "aws deploy stop-deployment --deployment-id " + c.id + " --auto-rollback-enabled"
}

func (c *codeDeployTracker) shiftedNote(r Report, now time.Time) string {
	wait := "the termination wait has begun"
	if total := r.TerminationWait(); total > 0 {
		wait = fmt.Sprintf("%s of the %s termination wait left", minutes(total), minutes(total))
		if left, ok := r.TerminationWaitLeft(now); ok {
			wait = fmt.Sprintf("%s of the %s termination wait left", minutes(left), minutes(total))
		}
	}
	return "waiting for the old task set to terminate (" + wait + ")"
}

// abort handles a timeout or a cancelled context. It decides from a fresh
// read only: the deployment is read again (retried within the stop budget)
// before anything is stopped. A deployment that already finished is
// reported as such; a fully shifted one or a rollback is left to finish (see
// Wait), one already being stopped is left to its stop; otherwise it is
// stopped with rollback and watched for StopGrace so the error can say
// where it ended up. When no read succeeds, nothing is stopped on the
// strength of an old report and nothing is claimed: the error says what
// was last known and when.
func (w *waiter) abort(ctx context.Context, why string) (Result, error) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopCallTimeout)
	defer cancel()
	took := w.elapsed().Round(time.Second)
	prev := w.res.Report
	r, err := w.reread(sctx)
	if err != nil {
		return w.unreadable(why, took, prev, err)
	}
	w.res.Report = r
	w.show(r, false)
	if r.Finished() {
		return w.finish(r)
	}
	// Passing r as its own predecessor names the current event only.
	lastState := strings.TrimPrefix(progressLine(0, r, &r), elapsedStamp(0)+" ")
	switch {
	case r.Shifted:
		return w.leaveShifted(r, why, took)
	case r.Rollback:
		msg := fmt.Sprintf("deployment %s %s after %s (state: %s); it is a rollback%s, so it was not stopped: stopping it with rollback would send production back to the release being rolled back. It keeps running in %s — follow it with %s",
			w.id, why, took, lastState, ofDeployment(r.RollbackOf), w.trk.service(), w.trk.followHint())
		w.printf("%s", msg)
		return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
	case w.trk.stopping(r):
		msg := fmt.Sprintf("deployment %s %s after %s (state: %s); %s reports %s: a stop without rollback was already requested, so no rollback was sent on top of it. Traffic stays where the stop leaves it — follow it with %s, then roll back with `dagger call rollback` if production must go back",
			w.id, why, took, lastState, w.trk.service(), r.Status, w.trk.followHint())
		w.printf("%s", msg)
		return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
	}
	w.printf("deployment %s %s after %s; stopping it with rollback", w.id, why, took)
	status, message, err := w.trk.stop(sctx)
	if err != nil {
		// It may have finished between the read and the stop.
		if r, rerr := w.trk.observe(sctx); rerr == nil && r.Finished() {
			w.res.Report = r
			w.show(r, false)
			return w.finish(r)
		}
		msg := fmt.Sprintf("deployment %s %s after %s (last state: %s); stopping it with rollback failed: %v; stop it by hand: %s", w.id, why, took, lastState, err, w.trk.stopHint())
		w.printf("%s", msg)
		return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
	}
	w.res.Stopped = true
	w.res.StopStatus, w.res.StopMessage = status, message
	w.printf("%s: %s", w.trk.stopCall(), joinNonEmpty(" — ", w.res.StopStatus, w.res.StopMessage))
	w.graceWatch(sctx)
	end := w.res.Report
	msg := fmt.Sprintf("deployment %s %s after %s (last state: %s) and was stopped with rollback (%s: %s)",
		w.id, why, took, lastState, w.trk.stopCall(), joinNonEmpty(" — ", w.res.StopStatus, w.res.StopMessage))
	switch {
	case end.Finished():
		msg += "; status now " + end.Status
	case end.Rollback:
		msg += fmt.Sprintf("; it is rolling back (status %s) — follow it with %s", end.Status, w.trk.followHint())
	default:
		msg += fmt.Sprintf("; the stop had not registered after %s (status %s) — follow it with %s", w.opts.StopGrace, end.Status, w.trk.followHint())
	}
	if end.RollbackDeploymentID != "" {
		msg += "; rollback deployment " + end.RollbackDeploymentID
	}
	w.printf("%s", msg)
	return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
}

// reread reads the deployment for abort, retrying a failed read up to
// maxReadFailures times a PollInterval apart (within ctx, the stop budget),
// and says so at each failure.
func (w *waiter) reread(ctx context.Context) (Report, error) {
	var err error
	for attempt := 1; ; attempt++ {
		var r Report
		pctx, cancel := context.WithTimeout(ctx, pollCallTimeout)
		r, err = w.trk.observe(pctx)
		cancel()
		w.res.Polls++
		if err == nil {
			r.Rollback = r.Rollback || w.keep
			return r, nil
		}
		w.printf("could not read the deployment before deciding whether to stop it (%d of %d attempts): %v", attempt, maxReadFailures, err)
		if attempt >= maxReadFailures || w.trk.permanent(err) || ctx.Err() != nil {
			return Report{}, err
		}
		if w.opts.Clock.Sleep(ctx, w.opts.PollInterval) != nil {
			return Report{}, err
		}
	}
}

// unreadable ends an abort whose fresh read failed: nothing is stopped and
// nothing claimed; the error says what the last successful read said, and
// how long ago.
func (w *waiter) unreadable(why string, took time.Duration, prev Report, err error) (Result, error) {
	known := "it was never read"
	if prev.Status != "" {
		state := strings.TrimPrefix(progressLine(0, prev, &prev), elapsedStamp(0)+" ")
		known = fmt.Sprintf("the last successful read, %s ago, said: %s", (w.elapsed() - w.lastRead).Round(time.Second), state)
	}
	msg := fmt.Sprintf("deployment %s %s after %s, and it could not be read again before deciding (%v); %s. It was not stopped: a stop with rollback decided from an old read could undo a release that has finished shifting. Its outcome is unknown — check it with %s, and stop it by hand if it is still shifting traffic: %s",
		w.id, why, took, err, known, w.trk.followHint(), w.trk.stopHint())
	w.printf("%s", msg)
	return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
}

// graceWatch follows a stopped deployment for StopGrace or until it
// finishes, printing every change and, when nothing changes, a heartbeat
// at least every ProgressEvery, so the log never looks hung.
func (w *waiter) graceWatch(ctx context.Context) {
	clock, every := w.opts.Clock, w.opts.PollInterval
	graceEnd := clock.Now().Add(w.opts.StopGrace)
	lastLine := clock.Now()
	for {
		r, err := w.trk.observe(ctx)
		w.res.Polls++
		now := clock.Now()
		switch {
		case err != nil:
			w.printf("could not read the deployment while waiting for the stop to register: %v", err)
			lastLine = now
		default:
			w.res.Report = r
			// An unchanged state is printed again as the heartbeat.
			if w.shown == nil || signature(r) != signature(*w.shown) || now.Sub(lastLine)+every > w.opts.ProgressEvery {
				w.show(r, true)
				lastLine = now
			}
			if r.Finished() {
				return
			}
		}
		if !now.Before(graceEnd) {
			return
		}
		if clock.Sleep(ctx, min(every, graceEnd.Sub(now))) != nil {
			return
		}
	}
}

// leaveShifted ends the wait with success when production traffic has fully
// moved: a stop with rollback now would undo a finished shift.
func (w *waiter) leaveShifted(r Report, why string, took time.Duration) (Result, error) {
	w.printf("traffic fully shifted; %s", w.trk.shiftedNote(r, w.opts.Clock.Now()))
	w.printf("deployment %s %s after %s with production already on the new release; it was not stopped and finishes on its own — follow it with %s", w.id, why, took, w.trk.followHint())
	w.res.LeftRunning = true
	return w.done(nil)
}

// minutes renders d rounded to the minute without the trailing "0s".
func minutes(d time.Duration) string {
	if d = d.Round(time.Minute); d == 0 {
		return "0m"
	}
	return strings.TrimSuffix(d.String(), "0s")
}

// isNoSuchDeployment reports errors that no retry can fix.
func isNoSuchDeployment(err error) bool {
	var missing *types.DeploymentDoesNotExistException
	var invalid *types.InvalidDeploymentIdException
	return errors.As(err, &missing) || errors.As(err, &invalid)
}
