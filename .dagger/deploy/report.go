package deploy

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// Event is one lifecycle event of the ECS target (BeforeInstall, Install,
// AllowTestTraffic, AfterAllowTestTraffic, AllowTraffic, …).
type Event struct {
	// Name is the lifecycle event name.
	Name string
	// Status is Pending, InProgress, Succeeded, Failed, Skipped or Unknown.
	Status string
	// Start and End are zero until CodeDeploy reports them.
	Start, End time.Time
	// Diagnostic is the error code and message of a failed event, if any.
	Diagnostic string
}

// TaskSet is one side (Blue or Green) of the blue/green pair.
type TaskSet struct {
	// Label is Blue (the original) or Green (the replacement).
	Label string
	// Weight is the share of production traffic it receives, in percent.
	Weight float64
	// Desired, Running and Pending are its task counts.
	Desired, Running, Pending int64
}

// Report is a snapshot of a deployment: what GetDeployment says plus, once
// the deployment has started, the ECS target's lifecycle events and traffic
// weights.
type Report struct {
	// Core is what every mode reports in the same terms.
	Core
	// ID is the deployment id (a service deployment ARN in ecs mode).
	ID string
	// Application and DeploymentGroup locate the deployment.
	Application, DeploymentGroup string
	// Description is the deployment's description, if any.
	Description string
	// TaskDefinition is the task definition ARN the deployment's inline
	// AppSpec names; empty for other revision types.
	TaskDefinition string
	// AppSpec is the deployment's inline AppSpec; empty for other revision
	// types until an S3 revision's object has been read (resolveRevision).
	AppSpec string
	// RevisionType is the deployment's revision type (AppSpecContent, S3, …)
	// and S3Revision its location when the AppSpec is an S3 object.
	RevisionType string
	S3Revision   *S3Location
	// Created, Started and Completed are zero when CodeDeploy has not set them.
	Created, Started, Completed time.Time
	// Target is the ECS target id (cluster:service) once known.
	Target string
	// TargetStatus is the ECS target's status; Ready means it waits for
	// traffic to be rerouted.
	TargetStatus string
	// TaskSets are the blue and green task sets with their traffic weights.
	TaskSets []TaskSet
	// Creator is who started the deployment: user, autoscaling,
	// codeDeployRollback, …
	Creator string
	// RollbackOf is set when this deployment is itself a rollback: the id of
	// the deployment it rolls back.
	RollbackOf string
	// ReadyAction and ReadyWaitMinutes are the deployment group's setting for
	// rerouting traffic: CONTINUE_DEPLOYMENT, or STOP_DEPLOYMENT after
	// ReadyWaitMinutes unless someone continues it.
	ReadyAction      string
	ReadyWaitMinutes int32
	// TerminationWaitStarted is true once traffic has moved and CodeDeploy
	// waits before terminating the original task set.
	TerminationWaitStarted bool
	// TerminationWaitMinutes is how long the original task set is kept after
	// the shift (the deployment's blue/green settings); 0 when unknown.
	TerminationWaitMinutes int32
	// TargetsUnavailable records why target details could not be read (the
	// deployment itself could); empty when they could.
	TargetsUnavailable string
}

// settle fills the core of a CodeDeploy report from what GetDeployment and
// the ECS target said.
func (r *Report) settle() {
	switch types.DeploymentStatus(r.Status) {
	case types.DeploymentStatusCreated, types.DeploymentStatusQueued:
		r.Phase = PhasePending
	case types.DeploymentStatusSucceeded:
		r.Phase = PhaseSucceeded
	case types.DeploymentStatusFailed, types.DeploymentStatusStopped:
		r.Phase = PhaseFailed
	default:
		r.Phase = PhaseRunning
	}
	r.Stage = ""
	if e, ok := r.currentEvent(); ok {
		r.Stage = e.Name + ": " + e.Status
	}
	r.Traffic = Traffic{}
	if w, ok := r.GreenWeight(); ok {
		r.Traffic = Traffic{Known: true, Production: w}
	}
	r.Notes = nil
	if r.WaitingForTestTraffic() {
		r.Notes = append(r.Notes, r.waitingNote())
		if !r.Finished() {
			r.Phase = PhaseWaiting
		}
	}
	if r.TargetsUnavailable != "" {
		r.Notes = append(r.Notes, "target details unreadable (traffic and lifecycle events not known from this read)")
	}
	r.Holds = nil
	if e, ok := r.event(afterAllowTraffic); ok && e.Status == string(types.LifecycleEventStatusInProgress) {
		// The AfterAllowTraffic hook runs with production already on green;
		// when it fails (or times out), CodeDeploy moves traffic back.
		r.Holds = append(r.Holds, Hold{ID: afterAllowTraffic, Stage: afterAllowTraffic})
		r.Notes = append(r.Notes, "AfterAllowTraffic hook running: CodeDeploy moves traffic back if it fails")
	}
	if r.InTerminationWait() {
		r.Notes = append(r.Notes, "waiting to terminate the original task set")
	}
	r.Settle(ShiftEvidence{Moved: r.productionMoved()})
	r.Rollback = r.IsRollback()
}

// WaitingForTestTraffic reports whether the deployment is parked at the
// test-traffic stage: the replacement task set serves test traffic and
// production traffic moves only when someone continues the deployment (or
// the configured wait runs out).
func (r Report) WaitingForTestTraffic() bool {
	return r.Status == string(types.DeploymentStatusReady) || r.TargetStatus == string(types.TargetStatusReady)
}

// GreenWeight returns the replacement task set's share of production traffic
// in percent, and false when no task set is known yet.
func (r Report) GreenWeight() (float64, bool) {
	for _, ts := range r.TaskSets {
		if ts.Label == string(types.TargetLabelGreen) {
			return ts.Weight, true
		}
	}
	return 0, false
}

// IsRollback reports whether this deployment rolls another one back:
// CodeDeploy created it to do so, or Rollback redeployed an earlier release
// with it. Stopping such a deployment with rollback would bring back the
// release being undone, so nothing in this package ever does.
func (r Report) IsRollback() bool {
	return r.RollbackOf != "" || r.Creator == string(types.DeploymentCreatorCodeDeployRollback) || r.IsOwnRollback()
}

// FailedEvent returns the first failed lifecycle event, if any.
func (r Report) FailedEvent() (Event, bool) { return failedEvent(r.Events) }

func failedEvent(events []Event) (Event, bool) {
	for _, e := range events {
		if e.Status == string(types.LifecycleEventStatusFailed) {
			return e, true
		}
	}
	return Event{}, false
}

// currentEvent is the event CodeDeploy is working on: the first one in
// progress, else the last one that left Pending.
func (r Report) currentEvent() (Event, bool) {
	last := -1
	for i, e := range r.Events {
		switch e.Status {
		case string(types.LifecycleEventStatusInProgress):
			return e, true
		case string(types.LifecycleEventStatusPending), "":
		default:
			last = i
		}
	}
	if last < 0 {
		return Event{}, false
	}
	return r.Events[last], true
}

// waitingNote says what the deployment waits for at the test-traffic stage.
func (r Report) waitingNote() string {
	note := "waiting for test traffic to be approved"
	switch types.DeploymentReadyAction(r.ReadyAction) {
	case types.DeploymentReadyActionStopDeployment:
		if r.ReadyWaitMinutes > 0 {
			return fmt.Sprintf("%s (continue-deployment --deployment-wait-type READY_WAIT; stops after the configured %dm wait)", note, r.ReadyWaitMinutes)
		}
		return note + " (continue-deployment --deployment-wait-type READY_WAIT)"
	case types.DeploymentReadyActionContinueDeployment:
		if r.ReadyWaitMinutes > 0 {
			return fmt.Sprintf("test traffic on green; production traffic moves after the configured %dm wait", r.ReadyWaitMinutes)
		}
	}
	return note
}

// taskDefinitionARNPattern finds the task definition ARN in an AppSpec,
// whether YAML or JSON, quoted or not.
var taskDefinitionARNPattern = regexp.MustCompile(`arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition/[A-Za-z0-9_-]+:\d+`)

// reportFrom copies what GetDeployment returned.
func reportFrom(d *types.DeploymentInfo) Report {
	r := Report{
		Core:            Core{Status: string(d.Status)},
		ID:              aws.ToString(d.DeploymentId),
		Application:     aws.ToString(d.ApplicationName),
		DeploymentGroup: aws.ToString(d.DeploymentGroupName),
		Description:     aws.ToString(d.Description),
		Creator:         string(d.Creator),
		Created:         aws.ToTime(d.CreateTime),
		Started:         aws.ToTime(d.StartTime),
		Completed:       aws.ToTime(d.CompleteTime),

		TerminationWaitStarted: d.InstanceTerminationWaitTimeStarted,
	}
	if rev := d.Revision; rev != nil {
		r.RevisionType = string(rev.RevisionType)
		switch {
		case rev.AppSpecContent != nil:
			r.AppSpec = aws.ToString(rev.AppSpecContent.Content)
			r.TaskDefinition = taskDefinitionARNPattern.FindString(r.AppSpec)
		case rev.String_ != nil:
			// The deprecated RawString form of an inline AppSpec.
			r.AppSpec = aws.ToString(rev.String_.Content)
			r.TaskDefinition = taskDefinitionARNPattern.FindString(r.AppSpec)
		case rev.S3Location != nil:
			r.S3Revision = s3LocationFrom(rev.S3Location)
		}
	}
	if e := d.ErrorInformation; e != nil {
		r.ErrorCode, r.ErrorMessage = string(e.Code), aws.ToString(e.Message)
	}
	if rb := d.RollbackInfo; rb != nil {
		r.RollbackDeploymentID = aws.ToString(rb.RollbackDeploymentId)
		r.RollbackMessage = aws.ToString(rb.RollbackMessage)
		r.RollbackOf = aws.ToString(rb.RollbackTriggeringDeploymentId)
	}
	if bg := d.BlueGreenDeploymentConfiguration; bg != nil {
		if bg.DeploymentReadyOption != nil {
			r.ReadyAction = string(bg.DeploymentReadyOption.ActionOnTimeout)
			r.ReadyWaitMinutes = bg.DeploymentReadyOption.WaitTimeInMinutes
		}
		if t := bg.TerminateBlueInstancesOnDeploymentSuccess; t != nil {
			r.TerminationWaitMinutes = t.TerminationWaitTimeInMinutes
		}
	}
	r.settle()
	return r
}

// addECSTarget copies an ECS target's status, lifecycle events and task sets.
func (r *Report) addECSTarget(t *types.ECSTarget) {
	r.Target = aws.ToString(t.TargetId)
	r.TargetStatus = string(t.Status)
	r.Events = r.Events[:0]
	for _, e := range t.LifecycleEvents {
		ev := Event{
			Name:   aws.ToString(e.LifecycleEventName),
			Status: string(e.Status),
			Start:  aws.ToTime(e.StartTime),
			End:    aws.ToTime(e.EndTime),
		}
		if dg := e.Diagnostics; dg != nil {
			ev.Diagnostic = joinNonEmpty(": ", string(dg.ErrorCode), aws.ToString(dg.Message))
		}
		r.Events = append(r.Events, ev)
	}
	r.TaskSets = r.TaskSets[:0]
	for _, ts := range t.TaskSetsInfo {
		r.TaskSets = append(r.TaskSets, TaskSet{
			Label:   string(ts.TaskSetLabel),
			Weight:  ts.TrafficWeight,
			Desired: ts.DesiredCount,
			Running: ts.RunningCount,
			Pending: ts.PendingCount,
		})
	}
	r.settle()
}
