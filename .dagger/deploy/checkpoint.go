package deploy

import (
	"fmt"

	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// codeDeployEvents maps the ECS lifecycle stages a checkpoint may name to
// the CodeDeploy lifecycle event that does the same work. BAKE_TIME is the
// termination wait (handled apart); RECONCILE_SERVICE and CLEAN_UP have no
// CodeDeploy counterpart a release could stop at.
var codeDeployEvents = map[ecstypes.ServiceDeploymentLifecycleStage]string{
	ecstypes.ServiceDeploymentLifecycleStagePreScaleUp:                 "BeforeInstall",
	ecstypes.ServiceDeploymentLifecycleStageScaleUp:                    "Install",
	ecstypes.ServiceDeploymentLifecycleStagePostScaleUp:                "AfterInstall",
	ecstypes.ServiceDeploymentLifecycleStageTestTrafficShift:           "AllowTestTraffic",
	ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift:       "AfterAllowTestTraffic",
	ecsdeploy.StagePreProductionTrafficShift:                           "BeforeAllowTraffic",
	ecstypes.ServiceDeploymentLifecycleStageProductionTrafficShift:     "AllowTraffic",
	ecstypes.ServiceDeploymentLifecycleStagePostProductionTrafficShift: "AfterAllowTraffic",
}

// CheckCodeDeployCheckpoint refuses a checkpoint a CodeDeploy deployment
// never reports: deployed, traffic-shifted, BAKE_TIME (the termination wait)
// and the stages with a lifecycle event counterpart are accepted.
func CheckCodeDeployCheckpoint(c ecsdeploy.Checkpoint) error {
	stage, ok := c.Stage()
	if !ok || stage == ecstypes.ServiceDeploymentLifecycleStageBakeTime {
		return nil
	}
	if _, ok := codeDeployEvents[stage]; ok {
		return nil
	}
	return fmt.Errorf("wait-until %s has no counterpart in a CodeDeploy deployment; accepted in codedeploy mode: deployed, traffic-shifted, BAKE_TIME (the termination wait) and PRE_SCALE_UP … POST_PRODUCTION_TRAFFIC_SHIFT (BeforeInstall … AfterAllowTraffic)", c)
}

// codeDeployReached reports whether a CodeDeploy deployment got to c:
// traffic-shifted and BAKE_TIME once the termination wait began with all
// production traffic moved, a stage once its lifecycle event started.
func codeDeployReached(r Report, c ecsdeploy.Checkpoint) bool {
	if r.Phase == PhaseFailed || r.Phase == PhaseRolledBack {
		return false
	}
	if r.Phase == PhaseSucceeded {
		return true
	}
	stage, ok := c.Stage()
	switch {
	case c == ecsdeploy.TrafficShifted, ok && stage == ecstypes.ServiceDeploymentLifecycleStageBakeTime:
		return r.Shifted
	case !ok:
		return false
	}
	e, found := r.event(codeDeployEvents[stage])
	if !found {
		return false
	}
	switch cdtypes.LifecycleEventStatus(e.Status) {
	case cdtypes.LifecycleEventStatusInProgress, cdtypes.LifecycleEventStatusSucceeded, cdtypes.LifecycleEventStatusSkipped:
		return true
	}
	return false
}
