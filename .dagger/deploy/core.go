package deploy

import "time"

// Phase is where a deployment stands, in the same words for every mode.
type Phase string

// The phases. Succeeded, Failed and RolledBack are final.
const (
	PhasePending    Phase = "pending"
	PhaseRunning    Phase = "running"
	PhaseWaiting    Phase = "waiting"
	PhaseSucceeded  Phase = "succeeded"
	PhaseFailed     Phase = "failed"
	PhaseRolledBack Phase = "rolled back"
)

// Final reports whether the phase is the end of the deployment.
func (p Phase) Final() bool {
	return p == PhaseSucceeded || p == PhaseFailed || p == PhaseRolledBack
}

// Traffic is the share of traffic sent to the new release, in percent.
type Traffic struct {
	// Known is false until the deployment reports weights.
	Known bool
	// Production is the production share.
	Production float64
	// Test is the test listener's share; HasTest is false when the mode
	// reports none (CodeDeploy reports production weights only).
	Test    float64
	HasTest bool
}

// Tasks are the new release's task counts; Known is false when the mode
// reports none in its summary.
type Tasks struct {
	Known                     bool
	Desired, Running, Pending int64
}

// Core is the part of a report every mode fills in the same terms; the
// progress lines and the waiter's decisions read only the core, so one
// waiter follows a CodeDeploy deployment and an ECS service deployment.
type Core struct {
	// Phase is the neutral state.
	Phase Phase
	// Status is the service's own status word (InProgress, IN_PROGRESS, …).
	Status string
	// Stage is what the deployment works on now, e.g. "AllowTraffic:
	// InProgress" or "PRODUCTION_TRAFFIC_SHIFT"; empty when unknown.
	Stage string
	// Events are the lifecycle events or stages seen, in order; a change in
	// their status is printed.
	Events []Event
	// Traffic is the new release's share of production and test traffic.
	Traffic Traffic
	// Tasks are the new release's task counts.
	Tasks Tasks
	// Notes say what the deployment waits for (approval, a PAUSE hook, the
	// termination wait, the bake time).
	Notes []string
	// Awaiting are the ids of the hooks holding the deployment until someone
	// continues it.
	Awaiting []string
	// Holds are the hooks holding the deployment (PAUSE hooks awaiting
	// action, hooks still running), with what happens when they time out;
	// a hold that may undo the release keeps it from counting as shifted.
	Holds []Hold
	// Shifted is true once production traffic has fully moved, by fresh
	// evidence, and only the bake or termination wait is left, with nothing
	// holding the deployment that could still undo it: the release is live,
	// and a stop with rollback would undo a finished shift. Trackers set it
	// through Settle only.
	Shifted bool
	// Rollback is true when the deployment is itself a rollback (or is
	// rolling back): stopping it with rollback would bring back the release
	// being undone.
	Rollback bool
	// ErrorCode and ErrorMessage say why it failed or what went wrong.
	ErrorCode, ErrorMessage string
	// RollbackDeploymentID is the deployment created to roll this one back,
	// if any; RollbackMessage explains the rollback.
	RollbackDeploymentID, RollbackMessage string
}

// Finished reports whether the deployment reached a final phase.
func (c Core) Finished() bool { return c.Phase.Final() }

// Hold is a hook that holds a deployment until someone answers it (an ECS
// PAUSE hook awaiting action, a Lambda hook still running): while it holds,
// the service itself may still undo the release.
type Hold struct {
	// ID is the hook's id, as `continue` takes it.
	ID string
	// Stage is the lifecycle stage the hook holds, when known.
	Stage string
	// OnTimeout is what the service does when the hold times out:
	// "ROLLBACK", "CONTINUE", or "" when unknown (read as a rollback: the
	// safe assumption for a release).
	OnTimeout string
	// TimesOutIn is the time left until the hold times out; TimeoutKnown is
	// false when the service does not say.
	TimesOutIn   time.Duration
	TimeoutKnown bool
	// Failed is true when the hook has failed: the service rolls the
	// deployment back without waiting for a timeout.
	Failed bool
}

// MayUndo reports whether the hold, left alone, can roll the release back.
func (h Hold) MayUndo() bool { return h.Failed || h.OnTimeout != "CONTINUE" }

// ShiftEvidence is what a mode's tracker read about production traffic in
// its latest successful read, and nothing older: a value carried over from
// an earlier poll must not be passed as evidence.
type ShiftEvidence struct {
	// Moved is true when the service's own record says production traffic
	// is fully on the new release (CodeDeploy: status Baking, or the
	// target's AllowTraffic succeeded with the green task set at 100 %;
	// ECS: the deployment reached the bake time or clean-up with the
	// production weight at 100 %).
	Moved bool
}

// Settle sets c.Shifted by the one rule every mode shares: production
// traffic has fully moved according to fresh evidence, the deployment has
// not finished, and nothing holding it can still undo it on its own.
func (c *Core) Settle(e ShiftEvidence) {
	c.Shifted = e.Moved && !c.Finished() && !c.Undoable()
}

// Undoable reports whether a hold on the deployment may still roll it back.
func (c Core) Undoable() bool {
	for _, h := range c.Holds {
		if h.MayUndo() {
			return true
		}
	}
	return false
}
