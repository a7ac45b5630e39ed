package config

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ModeECS: the service uses the ECS deployment controller, which runs
// blue/green, linear and canary deployments itself (no CodeDeploy); an
// UpdateService with a new task definition is the deployment.
const ModeECS Mode = "ecs"

// Context keys of ecs mode only (trafficPercent, trafficMinutes and
// terminationWaitMinutes are shared with the other modes).
const (
	KeyHookLambdas         = "hookLambdas"
	KeyPauseStages         = "pauseStages"
	KeyPauseTimeoutMinutes = "pauseTimeoutMinutes"
	KeyPauseTimeoutAction  = "pauseTimeoutAction"
)

// Defaults of the ecs-mode keys (ECS's own defaults).
const (
	DefaultPauseTimeoutMinutes = 1440
	DefaultPauseTimeoutAction  = "ROLLBACK"
)

// ECS deployment strategies with traffic shifting.
const (
	StrategyBlueGreen = "BLUE_GREEN"
	StrategyLinear    = "LINEAR"
	StrategyCanary    = "CANARY"
)

// HookStages are the lifecycle stages a hook may run at, in the order a
// deployment reaches them.
var HookStages = []string{
	"RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
	"PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
}

// PauseStages are the stages a PAUSE hook may wait at: every hook stage but
// the two where ECS itself moves traffic.
var PauseStages = slices.DeleteFunc(slices.Clone(HookStages), func(s string) bool {
	return s == "TEST_TRAFFIC_SHIFT" || s == "PRODUCTION_TRAFFIC_SHIFT"
})

// LambdaHook runs a Lambda function at a lifecycle stage.
type LambdaHook struct {
	// Stage is one of HookStages.
	Stage string
	// FunctionArn is the function ECS invokes.
	FunctionArn string
}

// ECSDeployment is how ECS shifts traffic in ecs mode, from deploymentConfig
// and the keys beside it.
type ECSDeployment struct {
	// Strategy is BLUE_GREEN, LINEAR or CANARY.
	Strategy string
	// Percent is the linear step or the canary share, in 0.1 steps.
	Percent float64
	// StepMinutes is the bake after each linear step, or after the canary.
	StepMinutes int
	// BakeMinutes is how long the old revision stays ready to take traffic
	// back after all production traffic moved (terminationWaitMinutes).
	BakeMinutes int
	// LambdaHooks run at their stages (hookLambdas).
	LambdaHooks []LambdaHook
	// PauseStages hold the deployment until someone continues it.
	PauseStages []string
	// PauseTimeoutMinutes ends a pause after this long, with PauseTimeoutAction.
	PauseTimeoutMinutes int
	// PauseTimeoutAction is CONTINUE or ROLLBACK.
	PauseTimeoutAction string
	// PreProductionPerStep accepts that a hook at
	// PRE_PRODUCTION_TRAFFIC_SHIFT runs before every step of a linear or
	// canary deployment (preProductionHookPerStep).
	PreProductionPerStep bool
	// AnalysisWaitMinutes is the deployment check's longest wait per stage
	// (analysisMaxWaitMinutes; 0 with analysis off).
	AnalysisWaitMinutes int
}

// String describes the strategy for humans.
func (d ECSDeployment) String() string {
	switch d.Strategy {
	case StrategyLinear:
		return fmt.Sprintf("ECS linear %g%% every %d min, then %d min bake", d.Percent, d.StepMinutes, d.BakeMinutes)
	case StrategyCanary:
		return fmt.Sprintf("ECS canary %g%% for %d min, then the rest and %d min bake", d.Percent, d.StepMinutes, d.BakeMinutes)
	}
	return fmt.Sprintf("ECS blue/green all at once, then %d min bake", d.BakeMinutes)
}

var lambdaArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$`)

// ecsDeployment reads the traffic shifting of ecs mode. deploymentConfig
// maps onto ECS's strategies: ALL_AT_ONCE → BLUE_GREEN, the predefined
// canaries and linears to CANARY and LINEAR with their percent and minutes,
// CUSTOM_CANARY / CUSTOM_LINEAR with trafficPercent (in 0.1 steps, as ECS
// accepts) and trafficMinutes.
func (r reader) ecsDeployment(bakeMinutes int) (Deployment, ECSDeployment) {
	name := r.str(KeyDeploymentConfig, DefaultDeploymentConfig)
	e := ECSDeployment{Strategy: StrategyBlueGreen, BakeMinutes: bakeMinutes}
	d, ok := predefined[name]
	switch {
	case ok:
		d.Name = name
		e.Percent, e.StepMinutes = float64(d.Percent), d.Minutes
	case name == CustomCanary || name == CustomLinear:
		d = Deployment{Name: name, Kind: Canary}
		lo := 0.1
		if name == CustomLinear {
			d.Kind, lo = Linear, 3
		}
		e.Percent = r.tenths(KeyTrafficPercent, lo, 100, name)
		e.StepMinutes = r.integer(KeyTrafficMinutes, -1, 0, 1440)
		if e.StepMinutes == -1 {
			r.errs.addf(KeyTrafficMinutes, "", "required with %s=%s: a whole number from 0 to 1440", KeyDeploymentConfig, name)
		}
		d.Percent, d.Minutes = int(math.Round(e.Percent)), e.StepMinutes
	default:
		r.errs.add(KeyDeploymentConfig, name, "one of "+strings.Join(DeploymentNames, ", "))
		return Deployment{Name: DefaultDeploymentConfig, Kind: AllAtOnce}, e
	}
	switch d.Kind {
	case Canary:
		e.Strategy = StrategyCanary
	case Linear:
		e.Strategy = StrategyLinear
	}
	e.LambdaHooks = r.lambdaHooks()
	e.PauseStages = r.list(KeyPauseStages)
	e.PauseTimeoutMinutes = r.integer(KeyPauseTimeoutMinutes, DefaultPauseTimeoutMinutes, 1, 20160)
	e.PauseTimeoutAction = r.str(KeyPauseTimeoutAction, DefaultPauseTimeoutAction)
	e.PreProductionPerStep = r.boolean(KeyPreProductionHookPerStep, false)
	return d, e
}

// tenths reads a percentage from lo to hi in steps of 0.1, required with
// the custom deployment configuration name.
func (r reader) tenths(key string, lo, hi float64, name string) float64 {
	accepted := fmt.Sprintf("a percentage from %g to %g in steps of 0.1", lo, hi)
	raw := r.str(key, "")
	if raw == "" {
		r.errs.addf(key, "", "required with %s=%s: %s", KeyDeploymentConfig, name, accepted)
		return lo
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < lo || v > hi || math.Abs(v*10-math.Round(v*10)) > 1e-9 {
		r.errs.add(key, raw, accepted)
		return lo
	}
	return v
}

// lambdaHooks reads hookLambdas: STAGE=functionArn pairs, comma-separated.
func (r reader) lambdaHooks() []LambdaHook {
	var hooks []LambdaHook
	for _, item := range r.list(KeyHookLambdas) {
		stage, arn, ok := strings.Cut(item, "=")
		if !ok {
			r.errs.add(KeyHookLambdas, item, "STAGE=arn:aws:lambda:<region>:<account>:function:<name> pairs, comma-separated")
			continue
		}
		hooks = append(hooks, LambdaHook{Stage: strings.TrimSpace(stage), FunctionArn: strings.TrimSpace(arn)})
	}
	return hooks
}

// validateECS checks the ecs-mode settings: ranges ECS and CloudFormation
// enforce, hook stages, and keys of other modes that would be ignored.
func validateECS(c Config, errs *Errors) {
	e := c.ECS
	if c.TerminationWaitMinutes > 1440 && c.TerminationWaitMinutes <= 2880 {
		errs.add(KeyTerminationWait, fmt.Sprint(c.TerminationWaitMinutes), fmt.Sprintf("a whole number from 0 to 1440 with %s=%s (ECS bake time)", KeyDeploymentMode, ModeECS))
	}
	// CloudFormation refuses a canary whose bake times add up past 33 hours.
	if e.Strategy == StrategyCanary && e.StepMinutes+e.BakeMinutes > 33*60 {
		errs.add(KeyTrafficMinutes+"+"+KeyTerminationWait, fmt.Sprintf("%d+%d", e.StepMinutes, e.BakeMinutes), "canary bake and bake time adding up to at most 1980 minutes (33 h)")
	}
	if c.AfterAllowTestTrafficHook != "" {
		errs.add(KeyAfterAllowTestTraffic, c.AfterAllowTestTrafficHook, fmt.Sprintf("unset with %s=%s: ECS calls its hooks with a different contract than CodeDeploy; use %s=POST_TEST_TRAFFIC_SHIFT=<function ARN>", KeyDeploymentMode, ModeECS, KeyHookLambdas))
	}
	seen := map[string]bool{}
	for _, h := range e.LambdaHooks {
		if !slices.Contains(HookStages, h.Stage) {
			errs.add(KeyHookLambdas, h.Stage+"="+h.FunctionArn, "a stage among "+strings.Join(HookStages, ", "))
		}
		if !lambdaArnRe.MatchString(h.FunctionArn) {
			errs.add(KeyHookLambdas, h.Stage+"="+h.FunctionArn, "a Lambda function ARN arn:aws:lambda:<region>:<account>:function:<name>")
		}
		if seen[h.Stage+"="+h.FunctionArn] {
			errs.add(KeyHookLambdas, h.Stage+"="+h.FunctionArn, "each stage and function once")
		}
		seen[h.Stage+"="+h.FunctionArn] = true
	}
	for i, s := range e.PauseStages {
		if !slices.Contains(PauseStages, s) {
			errs.add(KeyPauseStages, s, "stages among "+strings.Join(PauseStages, ", ")+" (no PAUSE where ECS moves traffic)")
		}
		if slices.Contains(e.PauseStages[:i], s) {
			errs.add(KeyPauseStages, s, "each stage once")
		}
	}
	if e.PauseTimeoutAction != "CONTINUE" && e.PauseTimeoutAction != "ROLLBACK" {
		errs.add(KeyPauseTimeoutAction, e.PauseTimeoutAction, "CONTINUE or ROLLBACK")
	}
	validateECSTiming(c, errs)
}

// validateNotECS reports ecs-mode keys set in another mode, where they would
// be silently ignored.
func validateNotECS(get Lookup, errs *Errors) {
	for _, k := range []string{KeyHookLambdas, KeyPauseStages, KeyPauseTimeoutMinutes, KeyPauseTimeoutAction, KeyPreProductionHookPerStep} {
		if v, ok := get(k); ok && v != nil && strings.TrimSpace(fmt.Sprint(v)) != "" {
			errs.add(k, fmt.Sprint(v), fmt.Sprintf("unset unless %s=%s", KeyDeploymentMode, ModeECS))
		}
	}
}
