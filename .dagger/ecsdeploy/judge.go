// Package ecsdeploy judges ECS service deployments — the ECS controller's
// blue/green, linear and canary — from what DescribeServiceDeployments
// returns: how a deployment ended (or that it has not), and whether it has
// reached a checkpoint a release may stop waiting at. It reads no clock and
// calls no API, so a waiter of any shape can use it.
package ecsdeploy

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Outcome is where a service deployment stands, for a release.
type Outcome string

const (
	// Running: PENDING, IN_PROGRESS, or a stop or rollback not yet done.
	Running Outcome = "running"
	// AwaitingAction: IN_PROGRESS and held by a PAUSE hook until someone
	// continues it (ContinueServiceDeployment) or the pause times out.
	AwaitingAction Outcome = "awaiting-action"
	// Succeeded: SUCCESSFUL.
	Succeeded Outcome = "succeeded"
	// RolledBack: ROLLBACK_SUCCESSFUL — the release failed and production is
	// back on the previous revision.
	RolledBack Outcome = "rolled-back"
	// RollbackFailed: ROLLBACK_FAILED — neither revision is known to serve.
	RollbackFailed Outcome = "rollback-failed"
	// Stopped: STOPPED (aborted, or superseded by a newer deployment).
	Stopped Outcome = "stopped"
)

// Done reports whether the outcome is final.
func (o Outcome) Done() bool {
	return o == Succeeded || o == RolledBack || o == RollbackFailed || o == Stopped
}

// Judge returns the outcome of d. A rolled-back deployment is a failed
// release even though ECS reports the rollback itself as successful.
func Judge(d types.ServiceDeployment) Outcome {
	switch d.Status {
	case types.ServiceDeploymentStatusSuccessful:
		return Succeeded
	case types.ServiceDeploymentStatusRollbackSuccessful:
		return RolledBack
	case types.ServiceDeploymentStatusRollbackFailed:
		return RollbackFailed
	case types.ServiceDeploymentStatusStopped:
		return Stopped
	case types.ServiceDeploymentStatusInProgress:
		if len(AwaitingHooks(d)) > 0 {
			return AwaitingAction
		}
	}
	return Running
}

// AwaitingHooks returns the ids of the PAUSE hooks holding d.
func AwaitingHooks(d types.ServiceDeployment) []string {
	var ids []string
	for _, h := range d.LifecycleHookDetails {
		if h.Status == types.DeploymentLifecycleHookStatusAwaitingAction {
			ids = append(ids, aws.ToString(h.HookId))
		}
	}
	return ids
}

// Weights returns the production and test traffic percentages ECS has
// requested for the new (target) revision.
func Weights(d types.ServiceDeployment) (production, test float64) {
	if r := d.TargetServiceRevision; r != nil {
		return aws.ToFloat64(r.RequestedProductionTrafficWeight), aws.ToFloat64(r.RequestedTestTrafficWeight)
	}
	return 0, 0
}
