package ecsdeploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Checkpoint is how far a release follows a deployment before it reports:
// to the end (Deployed, the default), until all production traffic has
// moved (TrafficShifted, before the bake time), or until a lifecycle stage.
type Checkpoint struct {
	name  string
	stage types.ServiceDeploymentLifecycleStage // set for a stage checkpoint
}

// The named checkpoints.
var (
	Deployed       = Checkpoint{name: "deployed"}
	TrafficShifted = Checkpoint{name: "traffic-shifted"}
)

// String is the checkpoint as a user writes it.
func (c Checkpoint) String() string {
	if c.stage != "" {
		return string(c.stage)
	}
	return c.name
}

// Stage returns the lifecycle stage a stage checkpoint names; false for
// deployed and traffic-shifted.
func (c Checkpoint) Stage() (types.ServiceDeploymentLifecycleStage, bool) {
	return c.stage, c.stage != ""
}

// IsDeployed reports whether c is deployed (the zero Checkpoint counts as
// deployed): follow the deployment to its end.
func (c Checkpoint) IsDeployed() bool { return c == Deployed || c == Checkpoint{} }

// StagePreProductionTrafficShift is the stage before every production
// traffic shift step. The API documents it as a lifecycleStage value and a
// hook stage, but the SDK's enum has no constant for it.
const StagePreProductionTrafficShift types.ServiceDeploymentLifecycleStage = "PRE_PRODUCTION_TRAFFIC_SHIFT"

// Stages are the lifecycle stages a deployment reports, in order. In a
// linear or canary deployment PRE_PRODUCTION_TRAFFIC_SHIFT,
// PRODUCTION_TRAFFIC_SHIFT and POST_PRODUCTION_TRAFFIC_SHIFT repeat at
// every step.
var Stages = []types.ServiceDeploymentLifecycleStage{
	types.ServiceDeploymentLifecycleStageReconcileService,
	types.ServiceDeploymentLifecycleStagePreScaleUp,
	types.ServiceDeploymentLifecycleStageScaleUp,
	types.ServiceDeploymentLifecycleStagePostScaleUp,
	types.ServiceDeploymentLifecycleStageTestTrafficShift,
	types.ServiceDeploymentLifecycleStagePostTestTrafficShift,
	StagePreProductionTrafficShift,
	types.ServiceDeploymentLifecycleStageProductionTrafficShift,
	types.ServiceDeploymentLifecycleStagePostProductionTrafficShift,
	types.ServiceDeploymentLifecycleStageBakeTime,
	types.ServiceDeploymentLifecycleStageCleanUp,
}

// ParseCheckpoint reads deployed, traffic-shifted or a lifecycle stage name
// (case and '-'/'_' do not matter); "" is deployed.
func ParseCheckpoint(s string) (Checkpoint, error) {
	norm := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	switch norm {
	case "", "DEPLOYED":
		return Deployed, nil
	case "TRAFFIC_SHIFTED":
		return TrafficShifted, nil
	}
	for _, st := range Stages {
		if string(st) == norm {
			return Checkpoint{name: strings.ToLower(norm), stage: st}, nil
		}
	}
	names := []string{Deployed.name, TrafficShifted.name}
	for _, st := range Stages {
		names = append(names, string(st))
	}
	return Checkpoint{}, fmt.Errorf("wait-until %q is not a checkpoint; want one of %s", s, strings.Join(names, ", "))
}

// Reached reports whether d has got to c. Only a deployment that is going
// forward (IN_PROGRESS) or has succeeded reaches a checkpoint; one that is
// rolling back or stopped never does. A stage counts as reached once the
// deployment reports it or a later one, so a short stage that began and
// ended between two reads is not missed. Stages repeat in linear and canary
// deployments, so a waiter keeps the first true answer. TrafficShifted
// needs all production traffic moved (Moved) and no hook holding the
// deployment that may still roll it back (Holding).
func Reached(d types.ServiceDeployment, c Checkpoint) bool {
	switch d.Status {
	case types.ServiceDeploymentStatusSuccessful:
		return true
	case types.ServiceDeploymentStatusInProgress:
	default:
		return false
	}
	switch c {
	case Deployed:
		return false
	case TrafficShifted:
		return Moved(d) && !Holding(d)
	}
	at := slices.Index(Stages, d.LifecycleStage)
	return at >= 0 && at >= slices.Index(Stages, c.stage)
}

// Moved reports whether d's own record says all production traffic is on
// the new revision: the production weight is 100 % and the deployment is at
// POST_PRODUCTION_TRAFFIC_SHIFT or later. It says nothing about hooks that
// may still roll the deployment back (see Holding).
func Moved(d types.ServiceDeployment) bool {
	if d.Status != types.ServiceDeploymentStatusInProgress {
		return false
	}
	production, _ := Weights(d)
	return production >= 100 && slices.Index(Stages, d.LifecycleStage) >= slices.Index(Stages, types.ServiceDeploymentLifecycleStagePostProductionTrafficShift)
}

// Holding reports whether a lifecycle hook holds d and may roll it back on
// its own: a PAUSE hook awaiting action or a Lambda hook still running
// whose timeout action is not CONTINUE (ROLLBACK is ECS's default), or a
// hook that failed (ECS rolls back after it).
func Holding(d types.ServiceDeployment) bool {
	for _, h := range d.LifecycleHookDetails {
		switch h.Status {
		case types.DeploymentLifecycleHookStatusFailed:
			return true
		case types.DeploymentLifecycleHookStatusAwaitingAction, types.DeploymentLifecycleHookStatusInProgress:
			if h.TimeoutAction != types.DeploymentLifecycleHookActionContinue {
				return true
			}
		}
	}
	return false
}
