package config

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// KeyPreProductionHookPerStep accepts that a hook at
// PRE_PRODUCTION_TRAFFIC_SHIFT runs before every traffic step of a linear or
// canary deployment (ecs mode).
const KeyPreProductionHookPerStep = "preProductionHookPerStep"

// PreProductionStage is the stage ECS runs before each production traffic
// shift: once for blue/green, before every step for linear and canary.
const PreProductionStage = "PRE_PRODUCTION_TRAFFIC_SHIFT"

// EcsDeployActionMaxMinutes is the longest CodePipeline's ECS deploy action
// waits for a deployment (its DeploymentTimeout cannot be set higher). Past
// it the stage fails while ECS carries on with the deployment.
const EcsDeployActionMaxMinutes = 60

// Shifts is how many times ECS moves production traffic: once for
// blue/green, twice for a canary, once per step for linear.
func (d ECSDeployment) Shifts() int {
	switch d.Strategy {
	case StrategyCanary:
		return 2
	case StrategyLinear:
		if d.Percent <= 0 {
			return 1
		}
		// The epsilon keeps a divisor such as 10 from counting an extra step
		// on float noise.
		return int(math.Ceil(100/d.Percent - 1e-9))
	}
	return 1
}

// StepWaits is how many step bake times a deployment waits: between the
// shifts, not after the last (CloudFormation's own count for its 33-hour
// limit: (100 ÷ StepPercent) − 1 when it divides, else the floor).
func (d ECSDeployment) StepWaits() int { return d.Shifts() - 1 }

// preProductionHooked reports a hook (Lambda, PAUSE or the deployment
// check) at PRE_PRODUCTION_TRAFFIC_SHIFT.
func (d ECSDeployment) preProductionHooked() bool {
	return d.AnalysisWaitMinutes > 0 || slices.Contains(d.PauseStages, PreProductionStage) ||
		slices.ContainsFunc(d.LambdaHooks, func(h LambdaHook) bool { return h.Stage == PreProductionStage })
}

// LongestMinutes is the longest an ECS deployment can take and how it adds
// up: the waits between traffic steps, every PAUSE hook running to its
// timeout (the one at PRE_PRODUCTION_TRAFFIC_SHIFT once per shift), and the
// bake. Lambda hooks are left out: ECS bounds them itself.
func (d ECSDeployment) LongestMinutes() (int, string) {
	total := d.StepWaits()*d.StepMinutes + d.BakeMinutes
	parts := []string{}
	if w := d.StepWaits(); w > 0 {
		parts = append(parts, fmt.Sprintf("%d step wait(s) × %d min", w, d.StepMinutes))
	}
	if d.AnalysisWaitMinutes > 0 {
		// The check waits for a verdict before every step but the first (no
		// production traffic on the new revision yet) and after the last.
		total += d.Shifts() * d.AnalysisWaitMinutes
		parts = append(parts, fmt.Sprintf("deployment check %d × %d min", d.Shifts(), d.AnalysisWaitMinutes))
	}
	for _, st := range d.PauseStages {
		n := 1
		if st == PreProductionStage {
			n = d.Shifts()
		}
		total += n * d.PauseTimeoutMinutes
		if n > 1 {
			parts = append(parts, fmt.Sprintf("pause at %s %d × %d min", st, n, d.PauseTimeoutMinutes))
		} else {
			parts = append(parts, fmt.Sprintf("pause at %s %d min", st, d.PauseTimeoutMinutes))
		}
	}
	parts = append(parts, fmt.Sprintf("bake %d min", d.BakeMinutes))
	return total, strings.Join(parts, " + ") + fmt.Sprintf(" = %d min", total)
}

// validateECSTiming checks what depends on how long a deployment runs:
// CloudFormation's 33-hour limit, a PRE_PRODUCTION_TRAFFIC_SHIFT hook that
// would run before every step, and the pipeline's ECS deploy action limit.
func validateECSTiming(c Config, errs *Errors) {
	e := c.ECS
	// CloudFormation refuses linear deployments whose bake times add up past
	// 33 hours (the canary's sum is checked in validateECS).
	if e.Strategy == StrategyLinear && e.StepWaits()*e.StepMinutes+e.BakeMinutes > 33*60 {
		errs.add(KeyTrafficMinutes+"+"+KeyTerminationWait, fmt.Sprintf("%d×%d+%d", e.StepWaits(), e.StepMinutes, e.BakeMinutes),
			"step waits and bake time adding up to at most 1980 minutes (33 h), CloudFormation's limit for a linear deployment")
	}
	if e.Strategy != StrategyBlueGreen && e.preProductionHooked() && !e.PreProductionPerStep {
		errs.add(KeyPreProductionHookPerStep, "", fmt.Sprintf(
			"true to accept that a hook at %s runs before every traffic step of a %s deployment (%d times here, each PAUSE waiting up to %d min), "+
				"or move the hook to POST_TEST_TRAFFIC_SHIFT for one wait before production traffic moves",
			PreProductionStage, e.Strategy, e.Shifts(), e.PauseTimeoutMinutes))
	}
	if !c.Pipeline {
		return
	}
	if total, sum := e.LongestMinutes(); total > EcsDeployActionMaxMinutes {
		errs.add(KeyPipeline, "true", fmt.Sprintf(
			"false, or a deployment that fits the pipeline's ECS deploy action (at most %d min; past it the stage fails while ECS carries on): "+
				"this one can take %s. Shorten %s, %s or %s, or set %s=false and release with `dagger call release` (its --timeout is yours to set)",
			EcsDeployActionMaxMinutes, sum, KeyTrafficMinutes, KeyTerminationWait, KeyPauseTimeoutMinutes, KeyPipeline))
	}
}
