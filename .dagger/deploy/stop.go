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

// abort handles a timeout or a cancelled context. A deployment that already
// finished is reported as such, a fully shifted one or a rollback is left to
// finish (see Wait); otherwise it is stopped with rollback and watched for
// StopGrace so the error can say where it ended up.
func (w *waiter) abort(ctx context.Context, why string) (Result, error) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopCallTimeout)
	defer cancel()
	if ctx.Err() != nil {
		// The caller gave up; look once more before stopping anything.
		if r, err := w.trk.observe(sctx); err == nil {
			w.res.Report = r
			if r.Finished() {
				w.show(r, false)
				return w.finish(r)
			}
		}
	}
	took := w.elapsed().Round(time.Second)
	last := w.res.Report
	// Passing last as its own predecessor names the current event only.
	lastState := strings.TrimPrefix(progressLine(0, last, &last), elapsedStamp(0)+" ")
	if last.Status == "" {
		lastState = "never read"
	}
	if last.TrafficShifted() {
		return w.leaveShifted(last, why, took)
	}
	if last.IsRollback() {
		msg := fmt.Sprintf("deployment %s %s after %s (last state: %s); it is a rollback%s, so it was not stopped: stopping it with rollback would send production back to the release being rolled back. It keeps running in CodeDeploy — follow it with `dagger call status --deployment-id %s`",
			w.id, why, took, lastState, ofDeployment(last.RollbackOf), w.id)
		w.printf("%s", msg)
		return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
	}
	w.printf("deployment %s %s after %s; stopping it with rollback", w.id, why, took)
	status, message, err := w.trk.stop(sctx)
	if err != nil {
		// It may have finished between the last poll and the stop.
		if r, rerr := w.trk.observe(sctx); rerr == nil && r.Finished() {
			w.show(r, false)
			return w.finish(r)
		}
		msg := fmt.Sprintf("deployment %s %s after %s (last state: %s); stopping it with rollback failed: %v; stop it by hand: aws deploy stop-deployment --deployment-id %s --auto-rollback-enabled", w.id, why, took, lastState, err, w.id)
		w.printf("%s", msg)
		return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
	}
	w.res.Stopped = true
	w.res.StopStatus, w.res.StopMessage = status, message
	w.printf("StopDeployment: %s", joinNonEmpty(" — ", w.res.StopStatus, w.res.StopMessage))

	graceEnd := w.opts.Clock.Now().Add(w.opts.StopGrace)
	for {
		if r, err := w.trk.observe(sctx); err == nil {
			w.res.Report = r
			w.show(r, false)
			if r.Finished() {
				break
			}
		}
		now := w.opts.Clock.Now()
		if !now.Before(graceEnd) {
			break
		}
		if w.opts.Clock.Sleep(sctx, min(w.opts.PollInterval, graceEnd.Sub(now))) != nil {
			break
		}
	}
	end := w.res.Report
	msg := fmt.Sprintf("deployment %s %s after %s (last state: %s) and was stopped with rollback (StopDeployment: %s)",
		w.id, why, took, lastState, joinNonEmpty(" — ", w.res.StopStatus, w.res.StopMessage))
	if end.Finished() {
		msg += "; status now " + end.Status
	} else {
		msg += fmt.Sprintf("; the stop had not registered after %s (status %s) — check it with the status function", w.opts.StopGrace, end.Status)
	}
	if end.RollbackDeploymentID != "" {
		msg += "; rollback deployment " + end.RollbackDeploymentID
	}
	w.printf("%s", msg)
	return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
}

// leaveShifted ends the wait with success when production traffic has fully
// moved: a stop with rollback now would undo a finished shift.
func (w *waiter) leaveShifted(r Report, why string, took time.Duration) (Result, error) {
	wait := "the termination wait has begun"
	if total := r.TerminationWait(); total > 0 {
		wait = fmt.Sprintf("%s of the %s termination wait left", minutes(total), minutes(total))
		if left, ok := r.TerminationWaitLeft(w.opts.Clock.Now()); ok {
			wait = fmt.Sprintf("%s of the %s termination wait left", minutes(left), minutes(total))
		}
	}
	w.printf("traffic fully shifted; waiting for the old task set to terminate (%s)", wait)
	w.printf("deployment %s %s after %s with production already on the new release; it was not stopped and finishes on its own — follow it with `dagger call status --deployment-id %s`", w.id, why, took, w.id)
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
