package deploy

import (
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// ECS's defaults for a linear or canary configuration that leaves a field
// unset.
const (
	defaultLinearStepPercent = 10.0
	defaultLinearStepBake    = 6 * time.Minute
	defaultCanaryPercent     = 5.0
	defaultCanaryBake        = 10 * time.Minute
)

// ServiceSchedule is the shortest time a service deployment with cfg takes
// by its own configuration: the canary bake, or every linear step's bake,
// then the bake time (a PAUSE hook can be continued at once, so it adds
// nothing). A linear or canary field left unset takes ECS's default, as
// the deployment itself will. A ROLLING (or unset) strategy has none.
func ServiceSchedule(cfg *ecstypes.DeploymentConfiguration) Schedule {
	s := Schedule{Config: "ROLLING", Bake: "bake time"}
	if cfg == nil || cfg.Strategy == "" {
		return s
	}
	s.Config = string(cfg.Strategy)
	s.TerminationWait = time.Duration(aws.ToInt32(cfg.BakeTimeInMinutes)) * time.Minute
	switch cfg.Strategy {
	case ecstypes.DeploymentStrategyCanary:
		pct, bake := defaultCanaryPercent, defaultCanaryBake
		if c := cfg.CanaryConfiguration; c != nil {
			pct = valueOr(c.CanaryPercent, pct)
			bake = minutesOr(c.CanaryBakeTimeInMinutes, bake)
		}
		if pct < 100 {
			s.Routing = bake
		}
		s.Config = fmt.Sprintf("CANARY %s%%", percent(pct))
	case ecstypes.DeploymentStrategyLinear:
		pct, bake := defaultLinearStepPercent, defaultLinearStepBake
		if l := cfg.LinearConfiguration; l != nil {
			pct = valueOr(l.StepPercent, pct)
			bake = minutesOr(l.StepBakeTimeInMinutes, bake)
		}
		if pct > 0 {
			steps := math.Ceil(100 / pct)
			// Every step but the last bakes before the next one.
			s.Routing = time.Duration(steps-1) * bake
			s.Config = fmt.Sprintf("LINEAR %s%% steps", percent(pct))
		}
	}
	return s
}

func valueOr(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}

func minutesOr(v *int32, def time.Duration) time.Duration {
	if v == nil {
		return def
	}
	return time.Duration(*v) * time.Minute
}

// CheckServiceTimeout refuses a --timeout shorter than what a service
// deployment of the service takes by its configuration up to the checkpoint
// the release waits for, by the rule CheckTimeout shares (Schedule.Needed).
func CheckServiceTimeout(timeout time.Duration, s Schedule, service string, until ecsdeploy.Checkpoint) error {
	return checkNeeded(timeout, s, until, "a deployment of service "+service, "its deployment configuration", "shorten the bake times in the infrastructure")
}
