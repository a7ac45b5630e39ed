package deploy

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// What a CodeDeploy report says about the shift of production traffic: the
// evidence the report core's one rule (Core.Settle) reads, and the
// termination wait that follows the shift.

// Lifecycle events the shift rule reads.
const (
	allowTraffic      = "AllowTraffic"
	afterAllowTraffic = "AfterAllowTraffic"
)

// InTerminationWait reports whether CodeDeploy says production traffic has
// moved and it now keeps the original task set until the termination wait
// ends: status Baking, or instanceTerminationWaitTimeStarted. For ECS
// deployments CodeDeploy reports Baking and leaves the flag false during the
// wait (aws/containers-roadmap#269), so the flag alone is not enough.
func (r Report) InTerminationWait() bool {
	if r.Finished() {
		return false
	}
	return r.Status == string(types.DeploymentStatusBaking) || r.TerminationWaitStarted
}

// productionMoved is the shift evidence of this report, which holds only
// what the latest successful reads returned (the observer never carries
// target details over from an earlier poll): CodeDeploy's own statement that
// the termination wait runs, or the target's AllowTraffic event succeeded
// with the green task set at 100 %.
func (r Report) productionMoved() bool {
	if r.InTerminationWait() {
		return true
	}
	e, ok := r.event(allowTraffic)
	if !ok || e.Status != string(types.LifecycleEventStatusSucceeded) {
		return false
	}
	w, ok := r.GreenWeight()
	return ok && w >= 100
}

// event returns the lifecycle event called name, if the report has it.
func (r Report) event(name string) (Event, bool) {
	for _, e := range r.Events {
		if e.Name == name {
			return e, true
		}
	}
	return Event{}, false
}

// TerminationWait is the deployment's termination wait (0 when unknown).
func (r Report) TerminationWait() time.Duration {
	return time.Duration(r.TerminationWaitMinutes) * time.Minute
}

// TerminationWaitLeft is how much of the termination wait remains at now,
// counted from the end of the last lifecycle event; false when unknown.
func (r Report) TerminationWaitLeft(now time.Time) (time.Duration, bool) {
	if !r.InTerminationWait() || r.TerminationWaitMinutes <= 0 {
		return 0, false
	}
	var began time.Time
	for _, e := range r.Events {
		if e.End.After(began) {
			began = e.End
		}
	}
	if began.IsZero() {
		return 0, false
	}
	return max(began.Add(r.TerminationWait()).Sub(now), 0), true
}
