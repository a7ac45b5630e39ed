package deploy

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
	// Shifted is true once production traffic has fully moved and only the
	// bake or termination wait is left: the release is live, and a stop with
	// rollback would undo a finished shift.
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
