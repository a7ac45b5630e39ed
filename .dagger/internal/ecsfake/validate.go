package ecsfake

import (
	"fmt"
	"math"
	"slices"
)

// Strategies run by the ECS controller with traffic shifting between two
// target groups; ROLLING is the classic rolling update.
var shiftingStrategies = []string{"BLUE_GREEN", "LINEAR", "CANARY"}

// hookStages are the stages a lifecycle hook may name, in the order a
// deployment reaches them.
var hookStages = []string{
	"RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
	"PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
}

// Stages where ECS itself moves traffic: only Lambda hooks may run there.
var noPauseStages = []string{"TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"}

func isShifting(strategy string) bool { return slices.Contains(shiftingStrategies, strategy) }

// validateConfig checks a deployment configuration the way ECS does on
// CreateService and UpdateService. ECS reports one problem per call; so does
// the stand-in.
func validateConfig(controller string, c deploymentConfig) *apiError {
	strategy := c.Strategy
	if strategy == "" {
		strategy = "ROLLING"
	}
	if strategy != "ROLLING" && !isShifting(strategy) {
		return invalidParameter("deploymentConfiguration.strategy %q is not valid; valid values are ROLLING, BLUE_GREEN, LINEAR, CANARY", c.Strategy)
	}
	if isShifting(strategy) && controller != "ECS" {
		return invalidParameter("deployment strategy %s is supported only with the ECS deployment controller; the service uses %s", strategy, controller)
	}
	if c.LinearConfiguration != nil && strategy != "LINEAR" {
		return invalidParameter("linearConfiguration can be set only when the deployment strategy is LINEAR (strategy is %s)", strategy)
	}
	if c.CanaryConfiguration != nil && strategy != "CANARY" {
		return invalidParameter("canaryConfiguration can be set only when the deployment strategy is CANARY (strategy is %s)", strategy)
	}
	if strategy == "BLUE_GREEN" && c.BakeTimeInMinutes == nil {
		return invalidParameter("bakeTimeInMinutes is required when the deployment strategy is BLUE_GREEN")
	}
	if e := minutes("bakeTimeInMinutes", c.BakeTimeInMinutes, 0, 1440); e != nil {
		return e
	}
	if l := c.LinearConfiguration; l != nil {
		if e := percent("linearConfiguration.stepPercent", l.StepPercent, 3.0, 100.0); e != nil {
			return e
		}
		if e := minutes("linearConfiguration.stepBakeTimeInMinutes", l.StepBakeTimeInMinutes, 0, 1440); e != nil {
			return e
		}
	}
	if cc := c.CanaryConfiguration; cc != nil {
		if e := percent("canaryConfiguration.canaryPercent", cc.CanaryPercent, 0.1, 100.0); e != nil {
			return e
		}
		if e := minutes("canaryConfiguration.canaryBakeTimeInMinutes", cc.CanaryBakeTimeInMinutes, 0, 1440); e != nil {
			return e
		}
	}
	if len(c.LifecycleHooks) > 0 && !isShifting(strategy) {
		return invalidParameter("lifecycleHooks are supported only with the BLUE_GREEN, LINEAR and CANARY deployment strategies (strategy is %s)", strategy)
	}
	for i, h := range c.LifecycleHooks {
		if e := validateHook(i, h); e != nil {
			return e
		}
	}
	if a := c.Alarms; a != nil && a.Enable && len(a.AlarmNames) == 0 {
		return invalidParameter("deploymentConfiguration.alarms.alarmNames is empty; name at least one CloudWatch alarm when alarms are enabled")
	}
	return nil
}

func validateHook(i int, h lifecycleHook) *apiError {
	name := fmt.Sprintf("lifecycleHooks[%d]", i)
	switch h.TargetType {
	case "", "AWS_LAMBDA":
		if h.HookTargetArn == "" {
			return invalidParameter("%s.hookTargetArn is required for an AWS_LAMBDA hook", name)
		}
		if h.RoleArn == "" {
			return invalidParameter("%s.roleArn is required for an AWS_LAMBDA hook", name)
		}
	case "PAUSE":
		if h.HookTargetArn != "" {
			return invalidParameter("%s.hookTargetArn must be empty for a PAUSE hook", name)
		}
	default:
		return invalidParameter("%s.targetType %q is not valid; valid values are AWS_LAMBDA, PAUSE", name, h.TargetType)
	}
	if len(h.LifecycleStages) == 0 {
		return invalidParameter("%s.lifecycleStages is empty; name at least one stage", name)
	}
	for _, s := range h.LifecycleStages {
		if !slices.Contains(hookStages, s) {
			return invalidParameter("%s.lifecycleStages: %q is not a lifecycle stage; valid values are %v", name, s, hookStages)
		}
		if h.TargetType == "PAUSE" && slices.Contains(noPauseStages, s) {
			return invalidParameter("%s: a PAUSE hook is not supported at lifecycle stage %s", name, s)
		}
	}
	if t := h.TimeoutConfiguration; t != nil {
		if t.Action != "" && t.Action != "CONTINUE" && t.Action != "ROLLBACK" {
			return invalidParameter("%s.timeoutConfiguration.action %q is not valid; valid values are CONTINUE, ROLLBACK", name, t.Action)
		}
		if e := minutes(name+".timeoutConfiguration.timeoutInMinutes", t.TimeoutInMinutes, 1, 20160); e != nil {
			return e
		}
	}
	return nil
}

func minutes(name string, v *int, lo, hi int) *apiError {
	if v != nil && (*v < lo || *v > hi) {
		return invalidParameter("%s %d is out of range; valid values are %d to %d", name, *v, lo, hi)
	}
	return nil
}

func percent(name string, v *float64, lo, hi float64) *apiError {
	if v == nil {
		return nil
	}
	tenths := *v * 10
	if *v < lo || *v > hi || math.Abs(tenths-math.Round(tenths)) > 1e-6 {
		return invalidParameter("%s %g is not valid; valid values are %.1f to %.1f in steps of 0.1", name, *v, lo, hi)
	}
	return nil
}

// validateLoadBalancers checks what a traffic-shifting strategy needs from
// each load balancer: an alternate target group, a production listener rule
// and an infrastructure role, and listener rules (read from ELBv2) that
// forward to both target groups.
func validateLoadBalancers(lbs []loadBalancer, rules ruleReader) *apiError {
	for i, lb := range lbs {
		name := fmt.Sprintf("loadBalancers[%d]", i)
		a := lb.AdvancedConfiguration
		if a == nil {
			return invalidParameter("%s.advancedConfiguration is required for a blue/green, linear or canary deployment", name)
		}
		switch {
		case a.AlternateTargetGroupArn == "":
			return invalidParameter("%s.advancedConfiguration.alternateTargetGroupArn is required", name)
		case a.AlternateTargetGroupArn == lb.TargetGroupArn:
			return invalidParameter("%s: alternateTargetGroupArn must differ from targetGroupArn", name)
		case a.ProductionListenerRule == "":
			return invalidParameter("%s.advancedConfiguration.productionListenerRule is required", name)
		case a.RoleArn == "":
			return invalidParameter("%s.advancedConfiguration.roleArn is required", name)
		}
		for _, arn := range []string{a.ProductionListenerRule, a.TestListenerRule} {
			if arn == "" {
				continue
			}
			r, err := rules.rule(arn)
			if err != nil {
				return invalidParameter("%s: listener rule %s could not be described: %v", name, arn, err)
			}
			if r.otherActions {
				return invalidParameter("listener rule %s mixes a forward action with other action types; ECS can manage only a rule whose action is a single forward", arn)
			}
			if _, ok := r.weights[lb.TargetGroupArn]; !ok {
				return invalidParameter("Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule or testListenerRule (rule %s does not forward to %s)", arn, lb.TargetGroupArn)
			}
			if _, ok := r.weights[a.AlternateTargetGroupArn]; !ok {
				return invalidParameter("Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule or testListenerRule (rule %s does not forward to %s)", arn, a.AlternateTargetGroupArn)
			}
		}
	}
	return nil
}
