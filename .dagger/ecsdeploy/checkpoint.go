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

// Stages are the lifecycle stages a deployment reports, in order. In a
// linear or canary deployment PRODUCTION_TRAFFIC_SHIFT and
// POST_PRODUCTION_TRAFFIC_SHIFT repeat at every step.
var Stages = []types.ServiceDeploymentLifecycleStage{
	types.ServiceDeploymentLifecycleStageReconcileService,
	types.ServiceDeploymentLifecycleStagePreScaleUp,
	types.ServiceDeploymentLifecycleStageScaleUp,
	types.ServiceDeploymentLifecycleStagePostScaleUp,
	types.ServiceDeploymentLifecycleStageTestTrafficShift,
	types.ServiceDeploymentLifecycleStagePostTestTrafficShift,
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
// rolling back or stopped never does. Stages repeat in linear and canary
// deployments, so a waiter keeps the first true answer.
func Reached(d types.ServiceDeployment, c Checkpoint) bool {
	switch d.Status {
	case types.ServiceDeploymentStatusSuccessful:
		return true
	case types.ServiceDeploymentStatusInProgress:
	default:
		return false
	}
	at := slices.Index(Stages, d.LifecycleStage)
	switch c {
	case Deployed:
		return false
	case TrafficShifted:
		production, _ := Weights(d)
		return production >= 100 && at >= slices.Index(Stages, types.ServiceDeploymentLifecycleStagePostProductionTrafficShift)
	}
	return at >= 0 && at >= slices.Index(Stages, c.stage)
}
