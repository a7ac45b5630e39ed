package deploy

import (
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// ServiceSchedule is the shortest time a service deployment with cfg takes
// by its own configuration: the canary bake, or every linear step's bake,
// then the bake time (a PAUSE hook can be continued at once, so it adds
// nothing). A ROLLING (or unset) strategy has none.
func ServiceSchedule(cfg *ecstypes.DeploymentConfiguration) Schedule {
	s := Schedule{Config: "ROLLING", Bake: "bake time"}
	if cfg == nil || cfg.Strategy == "" {
		return s
	}
	s.Config = string(cfg.Strategy)
	s.TerminationWait = time.Duration(aws.ToInt32(cfg.BakeTimeInMinutes)) * time.Minute
	switch cfg.Strategy {
	case ecstypes.DeploymentStrategyCanary:
		if c := cfg.CanaryConfiguration; c != nil {
			s.Routing = time.Duration(aws.ToInt32(c.CanaryBakeTimeInMinutes)) * time.Minute
			s.Config = fmt.Sprintf("CANARY %s%%", percent(aws.ToFloat64(c.CanaryPercent)))
		}
	case ecstypes.DeploymentStrategyLinear:
		if l := cfg.LinearConfiguration; l != nil && aws.ToFloat64(l.StepPercent) > 0 {
			steps := math.Ceil(100 / aws.ToFloat64(l.StepPercent))
			// Every step but the last bakes before the next one.
			s.Routing = time.Duration(steps-1) * time.Duration(aws.ToInt32(l.StepBakeTimeInMinutes)) * time.Minute
			s.Config = fmt.Sprintf("LINEAR %s%% steps", percent(aws.ToFloat64(l.StepPercent)))
		}
	}
	return s
}

// CheckServiceTimeout refuses a --timeout shorter than what a service
// deployment of the service takes by its configuration up to the checkpoint
// the release waits for, by the rule CheckTimeout shares (Schedule.Needed).
func CheckServiceTimeout(timeout time.Duration, s Schedule, service string, until ecsdeploy.Checkpoint) error {
	return checkNeeded(timeout, s, until, "a deployment of service "+service, "its deployment configuration", "shorten the bake times in the infrastructure")
}
