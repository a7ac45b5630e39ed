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

// abort handles a timeout or a cancelled context. A deployment that already
// finished is reported as such; otherwise it is stopped with rollback and
// watched for StopGrace so the error can say where it ended up.
func (w *waiter) abort(ctx context.Context, why string) (Result, error) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopCallTimeout)
	defer cancel()
	if ctx.Err() != nil {
		// The caller gave up; look once more before stopping anything.
		if r, err := w.obs.observe(sctx); err == nil {
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
	w.printf("deployment %s %s after %s; stopping it with rollback", w.id, why, took)
	out, err := w.api.StopDeployment(sctx, &codedeploy.StopDeploymentInput{
		DeploymentId:        aws.String(w.id),
		AutoRollbackEnabled: aws.Bool(true),
	})
	if err != nil {
		// It may have finished between the last poll and the stop.
		if r, rerr := w.obs.observe(sctx); rerr == nil && r.Finished() {
			w.show(r, false)
			return w.finish(r)
		}
		msg := fmt.Sprintf("deployment %s %s after %s (last state: %s); stopping it with rollback failed: %v; stop it by hand: aws deploy stop-deployment --deployment-id %s --auto-rollback-enabled", w.id, why, took, lastState, err, w.id)
		w.printf("%s", msg)
		return w.done(fmt.Errorf("%w: %s", ErrTimedOut, msg))
	}
	w.res.Stopped = true
	w.res.StopStatus, w.res.StopMessage = string(out.Status), aws.ToString(out.StatusMessage)
	w.printf("StopDeployment: %s", joinNonEmpty(" — ", w.res.StopStatus, w.res.StopMessage))

	graceEnd := w.opts.Clock.Now().Add(w.opts.StopGrace)
	for {
		if r, err := w.obs.observe(sctx); err == nil {
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

// isNoSuchDeployment reports errors that no retry can fix.
func isNoSuchDeployment(err error) bool {
	var missing *types.DeploymentDoesNotExistException
	var invalid *types.InvalidDeploymentIdException
	return errors.As(err, &missing) || errors.As(err, &invalid)
}
