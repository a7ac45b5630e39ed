package deploy

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// ServiceReport turns an ECS service deployment (the ECS controller's
// blue/green, linear or canary) into a report with the same core as a
// CodeDeploy one. A rolled-back deployment is a failed release.
func ServiceReport(d ecstypes.ServiceDeployment) Report {
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
		r.Events = append(r.Events, Event{Name: "hook " + aws.ToString(h.HookId), Status: string(h.Status)})
	}
	r.Awaiting = ecsdeploy.AwaitingHooks(d)
	for _, id := range r.Awaiting {
		r.Notes = append(r.Notes, "AWAITING_ACTION hook "+id+" (continue it with `dagger call continue`, or `continue --rollback`)")
	}
	rollingBack := d.Status == ecstypes.ServiceDeploymentStatusRollbackRequested || d.Status == ecstypes.ServiceDeploymentStatusRollbackInProgress
	r.Rollback = rollingBack
	r.Settle(ShiftEvidence{Moved: ecsdeploy.Reached(d, ecsdeploy.TrafficShifted)})
	switch {
	case !r.Shifted:
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
	if reason := aws.ToString(d.StatusReason); reason != "" && (rollingBack || outcome.Done() && outcome != ecsdeploy.Succeeded) {
		r.ErrorMessage = reason
	}
	return r
}

// serviceFailure explains a final ECS report that is not a success.
func serviceFailure(r Report) string {
	var parts []string
	if e, ok := r.FailedEvent(); ok {
		parts = append(parts, e.Name+" failed")
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
