package deploy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// ServiceReport turns an ECS service deployment (the ECS controller's
// blue/green, linear or canary) into a report with the same core as a
// CodeDeploy one, as of the wall clock. A rolled-back deployment is a failed
// release.
func ServiceReport(d ecstypes.ServiceDeployment) Report { return ServiceReportAt(d, time.Now()) }

// ServiceReportAt is ServiceReport as of now, which dates the time left
// until a holding hook times out.
func ServiceReportAt(d ecstypes.ServiceDeployment, now time.Time) Report {
	r := Report{ID: aws.ToString(d.ServiceDeploymentArn)}
	r.Status = string(d.Status)
	r.Stage = string(d.LifecycleStage)
	r.Created, r.Started = aws.ToTime(d.CreatedAt), aws.ToTime(d.StartedAt)
	r.Completed = aws.ToTime(d.FinishedAt)
	if r.Completed.IsZero() {
		r.Completed = aws.ToTime(d.StoppedAt)
	}
	if t := d.TargetServiceRevision; t != nil {
		r.TaskDefinition = aws.ToString(t.Arn)
		production, test := ecsdeploy.Weights(d)
		r.Traffic = Traffic{Known: true, Production: production, Test: test, HasTest: true}
		r.Tasks = Tasks{Known: true, Desired: int64(t.RequestedTaskCount), Running: int64(t.RunningTaskCount), Pending: int64(t.PendingTaskCount)}
	}
	outcome := ecsdeploy.Judge(d)
	switch outcome {
	case ecsdeploy.Succeeded:
		r.Phase = PhaseSucceeded
	case ecsdeploy.RolledBack:
		r.Phase = PhaseRolledBack
	case ecsdeploy.RollbackFailed, ecsdeploy.Stopped:
		r.Phase = PhaseFailed
	case ecsdeploy.AwaitingAction:
		r.Phase = PhaseWaiting
	default:
		r.Phase = PhaseRunning
		if d.Status == ecstypes.ServiceDeploymentStatusPending {
			r.Phase = PhasePending
		}
	}
	for _, h := range d.LifecycleHookDetails {
		r.Events = append(r.Events, Event{Name: hookName(h), Status: string(h.Status)})
	}
	r.Awaiting = ecsdeploy.AwaitingHooks(d)
	if d.Status == ecstypes.ServiceDeploymentStatusInProgress {
		r.Holds = serviceHolds(d, now)
	}
	for _, h := range r.Holds {
		r.Notes = append(r.Notes, holdNote(h, r.ID, slices.Contains(r.Awaiting, h.ID)))
	}
	rollingBack := d.Status == ecstypes.ServiceDeploymentStatusRollbackRequested || d.Status == ecstypes.ServiceDeploymentStatusRollbackInProgress
	r.Rollback = rollingBack
	// Only what this read says is evidence: d is the latest answer.
	r.Settle(ShiftEvidence{Moved: ecsdeploy.Moved(d)})
	switch {
	case !r.Shifted:
	case len(r.Holds) > 0:
		// A pause whose timeout continues cannot undo the release, but the
		// bake time does not run while it holds.
		r.Notes = append(r.Notes, "production on green; the bake time begins once the hook is continued or times out")
	case d.LifecycleStage == ecstypes.ServiceDeploymentLifecycleStageCleanUp:
		r.Notes = append(r.Notes, "production on green; cleaning up the old revision")
	default:
		bake := "bake time"
		if c := d.DeploymentConfiguration; c != nil && c.BakeTimeInMinutes != nil {
			bake = fmt.Sprintf("%dm bake time", aws.ToInt32(c.BakeTimeInMinutes))
		}
		r.Notes = append(r.Notes, "production on green; the "+bake+" runs before the old revision is cleaned up")
	}
	if rb := d.Rollback; rb != nil {
		r.RollbackMessage = aws.ToString(rb.Reason)
	}
	if reason := aws.ToString(d.StatusReason); reason != "" && (rollingBack || d.Status == ecstypes.ServiceDeploymentStatusStopRequested || outcome.Done() && outcome != ecsdeploy.Succeeded) {
		r.ErrorMessage = reason
	}
	return r
}

// hookName names a lifecycle hook run in events and messages: its type, id
// and, for a Lambda hook, the function.
func hookName(h ecstypes.DeploymentLifecycleHookDetail) string {
	kind := string(h.TargetType)
	if kind == "" {
		kind = "lifecycle"
	}
	name := kind + " hook " + aws.ToString(h.HookId)
	if arn := aws.ToString(h.TargetArn); arn != "" {
		name += " (" + arn + ")"
	}
	return name
}

// serviceHolds are the hooks holding d now: PAUSE hooks awaiting action,
// Lambda hooks still running and hooks that failed (ECS rolls back), each with what ECS does when it times out and
// how long that is away. The hook's own record (timeoutAction, expiresAt)
// comes first; where it is silent, the service's deployment configuration
// says (the hook configured for the current stage, ECS's defaults: ROLLBACK
// after 24 hours, counted from the deployment's last update).
func serviceHolds(d ecstypes.ServiceDeployment, now time.Time) []Hold {
	var holds []Hold
	for _, h := range d.LifecycleHookDetails {
		if h.Status == ecstypes.DeploymentLifecycleHookStatusFailed {
			// ECS rolls back on a failed hook; until its status says so,
			// the failure is what holds the deployment.
			holds = append(holds, Hold{ID: aws.ToString(h.HookId), Stage: string(d.LifecycleStage),
				OnTimeout: string(ecstypes.DeploymentLifecycleHookActionRollback), TimeoutKnown: true, Failed: true})
			continue
		}
		if h.Status != ecstypes.DeploymentLifecycleHookStatusAwaitingAction && h.Status != ecstypes.DeploymentLifecycleHookStatusInProgress {
			continue
		}
		hold := Hold{ID: aws.ToString(h.HookId), Stage: string(d.LifecycleStage), OnTimeout: string(h.TimeoutAction)}
		cfg := configuredHook(d, h)
		if hold.OnTimeout == "" && cfg != nil && cfg.TimeoutConfiguration != nil {
			hold.OnTimeout = string(cfg.TimeoutConfiguration.Action)
		}
		if hold.OnTimeout == "" {
			hold.OnTimeout = string(ecstypes.DeploymentLifecycleHookActionRollback)
		}
		switch {
		case h.ExpiresAt != nil:
			hold.TimesOutIn, hold.TimeoutKnown = max(h.ExpiresAt.Sub(now), 0), true
		case d.UpdatedAt != nil:
			timeout := defaultHookTimeout
			if cfg != nil && cfg.TimeoutConfiguration != nil && cfg.TimeoutConfiguration.TimeoutInMinutes != nil {
				timeout = time.Duration(*cfg.TimeoutConfiguration.TimeoutInMinutes) * time.Minute
			}
			hold.TimesOutIn, hold.TimeoutKnown = max(d.UpdatedAt.Add(timeout).Sub(now), 0), true
		}
		holds = append(holds, hold)
	}
	return holds
}

// defaultHookTimeout is how long ECS lets a hook hold a deployment when its
// timeout configuration does not say.
const defaultHookTimeout = 24 * time.Hour

// configuredHook finds the hook of d's deployment configuration that h runs:
// the Lambda function it names, or a PAUSE hook of the current stage.
func configuredHook(d ecstypes.ServiceDeployment, h ecstypes.DeploymentLifecycleHookDetail) *ecstypes.DeploymentLifecycleHook {
	if d.DeploymentConfiguration == nil {
		return nil
	}
	for i, c := range d.DeploymentConfiguration.LifecycleHooks {
		kind := c.TargetType
		if kind == "" {
			kind = ecstypes.DeploymentLifecycleHookTargetTypeAwsLambda
		}
		if h.TargetType != "" && kind != h.TargetType {
			continue
		}
		if arn := aws.ToString(h.TargetArn); arn != "" {
			if aws.ToString(c.HookTargetArn) == arn {
				return &d.DeploymentConfiguration.LifecycleHooks[i]
			}
			continue
		}
		for _, st := range c.LifecycleStages {
			if string(st) == string(d.LifecycleStage) {
				return &d.DeploymentConfiguration.LifecycleHooks[i]
			}
		}
	}
	return nil
}

// holdNote says which hook holds service deployment arn, when it times out
// and what ECS does then, and, for a PAUSE hook, the exact line that
// continues it.
func holdNote(h Hold, arn string, pause bool) string {
	then := "ECS rolls the deployment back"
	if !h.MayUndo() {
		then = "ECS continues the deployment"
	}
	when := "when it times out, " + then
	if h.TimeoutKnown {
		when = fmt.Sprintf("it times out in %s, then %s", minutes(h.TimesOutIn), then)
	}
	at := ""
	if h.Stage != "" {
		at = " at " + h.Stage
	}
	if h.Failed {
		return fmt.Sprintf("lifecycle hook %s%s failed: ECS rolls the deployment back", h.ID, at)
	}
	if !pause {
		return fmt.Sprintf("lifecycle hook %s%s is running: %s", h.ID, at, when)
	}
	return fmt.Sprintf("PAUSE hook %s%s awaits action: %s; continue it with `%s` (add --rollback to roll back now)",
		h.ID, at, when, ContinueCommand(arn))
}

// ContinueCommand is the line that continues the PAUSE hooks holding
// service deployment arn.
func ContinueCommand(arn string) string { return "dagger call continue --deployment " + arn }

// serviceFailure explains a final ECS report that is not a success.
func serviceFailure(r Report) string {
	var parts []string
	// ECS writes hook statuses in capitals (FAILED, TIMED_OUT), not as
	// CodeDeploy's lifecycle events do.
	for _, e := range r.Events {
		switch ecstypes.DeploymentLifecycleHookStatus(e.Status) {
		case ecstypes.DeploymentLifecycleHookStatusFailed:
			parts = append(parts, e.Name+" failed")
		case ecstypes.DeploymentLifecycleHookStatusTimedOut:
			parts = append(parts, e.Name+" timed out")
		}
	}
	if r.ErrorMessage != "" {
		parts = append(parts, strings.TrimSuffix(r.ErrorMessage, "."))
	}
	switch ecstypes.ServiceDeploymentStatus(r.Status) {
	case ecstypes.ServiceDeploymentStatusRollbackSuccessful:
		if r.RollbackMessage != "" && r.RollbackMessage != r.ErrorMessage {
			parts = append(parts, "rollback: "+strings.TrimSuffix(r.RollbackMessage, "."))
		}
		parts = append(parts, "ECS rolled it back: production is on the previous revision")
	case ecstypes.ServiceDeploymentStatusRollbackFailed:
		parts = append(parts, "the rollback failed too: check which revision serves before anything else")
	case ecstypes.ServiceDeploymentStatusStopped:
		parts = append(parts, "it was stopped without rollback, or replaced by a newer deployment")
	}
	return ": " + strings.Join(parts, "; ")
}
