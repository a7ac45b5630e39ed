package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// Errors Wait wraps, for errors.Is.
var (
	// ErrFailed: the deployment ended Failed or Stopped.
	ErrFailed = errors.New("deployment failed")
	// ErrTimedOut: the deployment outlived the timeout or the caller's
	// context, and Wait stopped it with rollback (or tried to), or left it
	// running because it is itself a rollback.
	ErrTimedOut = errors.New("deployment timed out")
	// ErrLostTrack: the deployment could not be read; it was not stopped.
	ErrLostTrack = errors.New("deployment could not be followed")
)

// Result is what Wait saw.
type Result struct {
	// Report is the last snapshot of the deployment.
	Report Report
	// Elapsed is the time from the start of Wait to its end.
	Elapsed time.Duration
	// Polls counts GetDeployment calls made while following the deployment.
	Polls int
	// Stopped is true when Wait stopped the deployment (with rollback).
	Stopped bool
	// LeftRunning is true when the timeout or cancellation came after
	// production traffic had fully moved to the replacement: the release is
	// live, Wait returned success and CodeDeploy finishes the termination
	// wait on its own.
	LeftRunning bool
	// StopStatus and StopMessage are StopDeployment's answer.
	StopStatus, StopMessage string
	// Checkpoint is the Options.Until checkpoint the deployment reached
	// before it finished; empty when Wait followed it to the end.
	Checkpoint string
}

// Wait follows deployment id until it settles, writing a progress line to
// opts.Out at every change it sees and at least every ProgressEvery.
//
// It returns nil when the deployment succeeds. When it ends Failed or Stopped
// the error (ErrFailed) says what failed and whether CodeDeploy created a
// rollback deployment. When Timeout passes, or ctx ends before the deployment
// finishes, Wait stops it with automatic rollback, watches briefly for the
// stop to register, and returns ErrTimedOut saying so — with two exceptions
// where a stop with rollback would do harm:
//
//   - production traffic has fully moved to the replacement and the
//     termination wait has begun: the release is live, so Wait returns nil
//     with Result.LeftRunning and says how much of the wait is left;
//   - the deployment is itself a rollback (CodeDeploy's, or Rollback's
//     redeployment): stopping it would bring back the release being undone,
//     so it is left running and Wait returns ErrTimedOut saying so.
//
// The Result is filled in every case.
func Wait(ctx context.Context, api DeploymentWatcher, id string, opts Options) (Result, error) {
	if err := checkDeploymentID(id); err != nil {
		return Result{}, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	if err := CheckCodeDeployCheckpoint(opts.Until); err != nil {
		return Result{}, err
	}
	w := &waiter{id: id, opts: opts, trk: &codeDeployTracker{api: api, observer: &observer{api: api, id: id}}}
	return w.run(ctx)
}

// tracker is what the waiter needs from one deployment mode: read the
// deployment, stop it with rollback, and tell errors no retry can fix. The
// schedule, heartbeat, deadline, read budget and the decision whether a stop
// is safe stay in the waiter.
type tracker interface {
	observe(ctx context.Context) (Report, error)
	stop(ctx context.Context) (status, message string, err error)
	permanent(err error) bool
	// failure explains a final report that is not a success: what failed
	// and what happened about rollback, starting with ": ".
	failure(r Report) string
	// service names where the deployment runs ("CodeDeploy", "ECS").
	service() string
	// stopCall names the API call stop makes.
	stopCall() string
	// followHint and stopHint tell a person how to follow the deployment
	// and how to stop it by hand.
	followHint() string
	stopHint() string
	// shiftedNote says what is left once production traffic has moved.
	shiftedNote(r Report, now time.Time) string
	// reached reports whether the last observed deployment got to c.
	reached(r Report, c ecsdeploy.Checkpoint) bool
	// stopping reports whether someone already asked the service to stop
	// the deployment (without rollback): a stop with rollback is not sent
	// on top of it.
	stopping(r Report) bool
}

type waiter struct {
	id   string
	opts Options
	trk  tracker
	// goal is the final phase that counts as success: PhaseSucceeded for a
	// release, PhaseRolledBack when following a rollback (zero: succeeded).
	goal Phase
	// keep: the deployment is a rollback the tracker cannot recognise as
	// one (a rollback's redeployment through UpdateService); every report
	// is marked as a rollback, so it is never stopped with rollback.
	keep  bool
	start time.Time
	// lastRead is the elapsed time of the last successful read.
	lastRead time.Duration
	shown    *Report
	res      Result
}

func (w *waiter) elapsed() time.Duration { return w.opts.Clock.Now().Sub(w.start) }

func (w *waiter) printf(format string, args ...any) {
	fmt.Fprintf(w.opts.Out, "%s %s\n", elapsedStamp(w.elapsed()), fmt.Sprintf(format, args...))
}

// show prints r if it differs from the last line, or unconditionally.
func (w *waiter) show(r Report, always bool) {
	if !always && w.shown != nil && signature(r) == signature(*w.shown) {
		return
	}
	fmt.Fprintln(w.opts.Out, progressLine(w.elapsed(), r, w.shown))
	w.shown = &r
}

func (w *waiter) run(ctx context.Context) (Result, error) {
	clock, every := w.opts.Clock, w.opts.PollInterval
	w.start = clock.Now()
	w.res.Report.ID = w.id
	deadline := w.start.Add(w.opts.Timeout)
	until := ""
	if !w.opts.Until.IsDeployed() {
		until = ", until " + w.opts.Until.String()
	}
	onTimeout := "stop with rollback"
	if w.keep {
		onTimeout = "leave it running"
	}
	w.printf("following deployment %s (poll every %s%s, %s after %s)", w.id, every, until, onTimeout, w.opts.Timeout)

	// Polls happen on a fixed schedule, start + k·PollInterval, so a slow
	// request never stretches the gap between two polls beyond PollInterval
	// plus that request; a missed slot is skipped, not queued.
	lastShownSlot, failures := time.Duration(0), 0
	for slot := time.Duration(0); ; {
		pctx, cancel := context.WithTimeout(ctx, pollCallTimeout)
		r, err := w.trk.observe(pctx)
		cancel()
		w.res.Polls++
		switch {
		case err != nil && ctx.Err() != nil:
			return w.abort(ctx, "was cancelled")
		case err != nil && w.trk.permanent(err):
			return w.done(fmt.Errorf("%w: %v", ErrLostTrack, err))
		case err != nil:
			failures++
			w.printf("could not read the deployment (%d of %d attempts): %v", failures, maxReadFailures, err)
			if failures >= maxReadFailures {
				return w.done(fmt.Errorf("%w: %d reads of deployment %s failed in a row, last: %v; it was not stopped and keeps running in %s — follow it with %s", ErrLostTrack, failures, w.id, err, w.trk.service(), w.trk.followHint()))
			}
		default:
			failures = 0
			w.lastRead = w.elapsed()
			r.Rollback = r.Rollback || w.keep
			w.res.Report = r
			// A heartbeat is due when waiting for the next slot would make
			// the silence longer than ProgressEvery.
			heartbeat := slot-lastShownSlot+every > w.opts.ProgressEvery
			if w.shown == nil || heartbeat || signature(r) != signature(*w.shown) {
				w.show(r, true)
				lastShownSlot = slot
			}
			if r.Finished() {
				return w.finish(r)
			}
			if until := w.opts.Until; !until.IsDeployed() && w.trk.reached(r, until) {
				w.res.Checkpoint = until.String()
				w.printf("deployment %s reached %s after %s; not waiting for the rest: it goes on in %s — follow it with %s",
					w.id, until, w.elapsed().Round(time.Second), w.trk.service(), w.trk.followHint())
				return w.done(nil)
			}
		}
		now := clock.Now()
		if !now.Before(deadline) {
			return w.abort(ctx, "timed out")
		}
		slot = (now.Sub(w.start)/every + 1) * every
		next := w.start.Add(slot)
		if next.After(deadline) {
			next = deadline
		}
		if err := clock.Sleep(ctx, next.Sub(now)); err != nil {
			return w.abort(ctx, "was cancelled")
		}
	}
}

func (w *waiter) done(err error) (Result, error) {
	w.res.Elapsed = w.elapsed()
	return w.res, err
}

// finish turns a final report into the result: nil for a success, an
// ErrFailed error that explains the failure otherwise.
func (w *waiter) finish(r Report) (Result, error) {
	w.res.Report = r
	took := w.elapsed().Round(time.Second)
	switch {
	case r.Phase == PhaseSucceeded && w.goal != PhaseRolledBack:
		w.printf("deployment %s succeeded after %s", w.id, took)
		return w.done(nil)
	case r.Phase == PhaseRolledBack && w.goal == PhaseRolledBack:
		w.printf("deployment %s rolled back after %s: production is on the previous revision", w.id, took)
		return w.done(nil)
	}
	verb := "failed"
	switch {
	case r.Phase == PhaseRolledBack:
		verb = "was rolled back"
	case r.Status == string(types.DeploymentStatusStopped) || r.Status == "STOPPED":
		verb = "was stopped"
	}
	msg := fmt.Sprintf("deployment %s %s after %s%s", w.id, verb, took, w.trk.failure(r))
	w.printf("%s", msg)
	return w.done(fmt.Errorf("%w: %s", ErrFailed, msg))
}

// failureDetail explains a Failed or Stopped CodeDeploy report: the failing
// lifecycle event, CodeDeploy's error information and what happened about
// rollback.
func failureDetail(r Report) string {
	var parts []string
	if e, ok := r.FailedEvent(); ok {
		parts = append(parts, "lifecycle event "+e.Name+" failed"+wrapParen(e.Diagnostic))
	}
	if r.ErrorCode != "" || r.ErrorMessage != "" {
		parts = append(parts, "error "+joinNonEmpty(": ", r.ErrorCode, r.ErrorMessage))
	}
	switch {
	case r.RollbackDeploymentID != "":
		parts = append(parts, "CodeDeploy created rollback deployment "+r.RollbackDeploymentID+wrapParen(r.RollbackMessage))
	case r.RollbackMessage != "":
		parts = append(parts, "rollback: "+r.RollbackMessage)
	default:
		parts = append(parts, "no rollback deployment was created (automatic rollback may be off for the deployment group)")
	}
	return ": " + strings.Join(parts, "; ")
}

func wrapParen(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
