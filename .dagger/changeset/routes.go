package changeset

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// A listener rule takes the traffic it matches the moment it exists, and a
// listener takes its port's: neither is "just a new resource" when it joins
// a listener (or load balancer) that serves now. The codedeploy → ecs
// migration adds `/*` rules on the live listeners; they are harmless only
// while production is on the target group the rules forward to. So an added
// rule or listener on an existing listener or load balancer, and (in
// codedeploy mode) a rewritten forward, is judged against what serves that
// listener now, read by the gate (Live.Serving).

// knownAfterApply is how a change set shows a value that exists only once
// it runs: a reference to a resource the change set creates (or replaces).
const knownAfterApply = "KNOWN_AFTER_APPLY"

const (
	typeListener     = "AWS::ElasticLoadBalancingV2::Listener"
	typeListenerRule = "AWS::ElasticLoadBalancingV2::ListenerRule"
	typeLoadBalancer = "AWS::ElasticLoadBalancingV2::LoadBalancer"
)

// route is where a listener or rule sends requests, from its property
// values after the change.
type route struct {
	// what names it in reasons: "new listener rule", …
	what string
	// on is the ARN of the existing listener (for a rule, or a rewritten
	// listener) or load balancer (for a new listener) it serves; empty when
	// that is created by the change set itself.
	on string
	// forwards are the target groups it forwards to with a weight above
	// zero (an unknown one, a group the change set creates, as "").
	forwards []string
	// answers are the action types that answer requests without the tasks
	// (redirect, fixed-response).
	answers []string
	// unreadable says why the property values could not be read, if so.
	unreadable string
	// parentType is the type of what on names (listener or load balancer).
	parentType string
}

// addedRoute reads a new listener rule or listener.
func addedRoute(rc types.ResourceChange) (route, bool) {
	switch aws.ToString(rc.ResourceType) {
	case typeListenerRule:
		return readRoute("new listener rule", rc, "ListenerArn", "Actions", ""), true
	case typeListener:
		return readRoute("new listener", rc, "LoadBalancerArn", "DefaultActions", ""), true
	}
	return route{}, false
}

// rewrittenRoute reads a listener or rule whose actions change in place.
func rewrittenRoute(rc types.ResourceChange) route {
	if aws.ToString(rc.ResourceType) == typeListener {
		return readRoute("rewritten listener", rc, "", "DefaultActions", aws.ToString(rc.PhysicalResourceId))
	}
	return readRoute("rewritten listener rule", rc, "ListenerArn", "Actions", "")
}

func readRoute(what string, rc types.ResourceChange, parentKey, actionsKey, self string) route {
	rt := route{what: what, parentType: typeListener}
	if parentKey == "LoadBalancerArn" {
		rt.parentType = typeLoadBalancer
	}
	props, ok := afterProperties(rc)
	if !ok {
		rt.unreadable = "the change set has no property values for it"
		return rt
	}
	rt.on = self
	if parentKey != "" {
		parent, _ := props[parentKey].(string)
		switch {
		case strings.HasPrefix(parent, "arn:"):
			rt.on = parent
		case strings.Contains(parent, knownAfterApply):
			rt.on = ""
		default:
			rt.unreadable = fmt.Sprintf("its %s (%v) is neither an ARN nor created by the change set", parentKey, props[parentKey])
			return rt
		}
	}
	actions, _ := props[actionsKey].([]any)
	for _, a := range actions {
		action, _ := a.(map[string]any)
		kind, _ := action["Type"].(string)
		switch strings.ToLower(kind) {
		case "forward":
			rt.forwards = append(rt.forwards, forwardTargets(action)...)
		case "authenticate-oidc", "authenticate-cognito":
			// Runs before the action that serves the request.
		default:
			rt.answers = append(rt.answers, kind)
		}
	}
	sort.Strings(rt.forwards)
	rt.forwards = slices.Compact(rt.forwards)
	return rt
}

// forwardTargets are a forward action's target groups that get traffic.
func forwardTargets(action map[string]any) []string {
	var out []string
	if cfg, ok := action["ForwardConfig"].(map[string]any); ok {
		groups, _ := cfg["TargetGroups"].([]any)
		for _, g := range groups {
			tg, _ := g.(map[string]any)
			if weight(tg["Weight"]) > 0 {
				out = append(out, arnOrUnknown(tg["TargetGroupArn"]))
			}
		}
		if len(groups) > 0 {
			return out
		}
	}
	if arn, ok := action["TargetGroupArn"]; ok {
		out = append(out, arnOrUnknown(arn))
	}
	return out
}

// weight reads a target group's weight (a number or a numeric string;
// absent means it gets traffic). An unreadable weight counts as traffic.
func weight(v any) float64 {
	switch w := v.(type) {
	case nil:
		return 1
	case float64:
		return w
	case string:
		var f float64
		if _, err := fmt.Sscan(w, &f); err == nil {
			return f
		}
	}
	return 1
}

func arnOrUnknown(v any) string {
	if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") {
		return s
	}
	return ""
}

// afterProperties decodes the resource's property values after the change.
func afterProperties(rc types.ResourceChange) (map[string]any, bool) {
	if rc.AfterContext == nil {
		return nil, false
	}
	var doc map[string]any
	if json.Unmarshal([]byte(*rc.AfterContext), &doc) != nil {
		return nil, false
	}
	if props, ok := doc["Properties"].(map[string]any); ok {
		return props, true
	}
	return doc, true
}

// judgeRoute decides whether a new or rewritten route takes live traffic
// somewhere it does not go now.
func judgeRoute(f Finding, rt route, live Live) Finding {
	if rt.unreadable != "" {
		return refuse(f, TakesLiveTraffic, fmt.Sprintf("%s: which listener it joins or where it forwards cannot be told (%s), and it may take live traffic", rt.what, rt.unreadable))
	}
	if rt.on == "" && !live.creates[rt.parentType] {
		// Known only after apply, yet nothing of that type is created:
		// which live one it joins cannot be told.
		return refuse(f, TakesLiveTraffic, fmt.Sprintf("%s: its %s is known only once the change set runs, yet the change set creates none, so which live one it joins cannot be told", rt.what, strings.TrimPrefix(rt.parentType, "AWS::ElasticLoadBalancingV2::")))
	}
	if rt.on == "" {
		if f.Action == string(types.ChangeActionAdd) {
			f.Reason = "new resource, on a listener (or load balancer) the change set creates: no traffic reaches it yet"
			return f
		}
		return care(f, "in-place update of a listener on the traffic path")
	}
	where := resourceName(rt.on)
	serving, known := live.Serving[rt.on]
	switch {
	case !known:
		return refuse(f, TakesLiveTraffic, fmt.Sprintf("%s on the existing %s: what serves it now could not be read, and the route takes its traffic the moment it exists", rt.what, where))
	case len(rt.answers) > 0 && len(rt.forwards) == 0 && rt.parentType == typeLoadBalancer:
		// A new listener takes only its own port, which no listener served
		// (ports are unique per load balancer): the HTTP → HTTPS redirect
		// added when HTTPS is turned on.
		return care(f, fmt.Sprintf("%s on the live %s answers requests on its own port itself (%s), sending nothing to the tasks", rt.what, where, strings.Join(rt.answers, ", ")))
	case len(rt.answers) > 0:
		return refuse(f, TakesLiveTraffic, fmt.Sprintf("%s on the live %s answers requests itself (%s) instead of the tasks serving them now", rt.what, where, strings.Join(rt.answers, ", ")))
	case len(rt.forwards) == 0:
		return refuse(f, TakesLiveTraffic, fmt.Sprintf("%s on the live %s forwards to no target group", rt.what, where))
	}
	now := append([]string(nil), serving...)
	sort.Strings(now)
	for _, tg := range rt.forwards {
		if tg == "" {
			return refuse(f, TakesLiveTraffic, fmt.Sprintf("%s on the live %s forwards to a target group the change set creates, which has no tasks registered", rt.what, where))
		}
	}
	if len(now) == 1 && slices.Equal(rt.forwards, now) {
		return care(f, fmt.Sprintf("%s on the live %s forwards all its traffic to %s, which serves that traffic now: requests keep reaching the same tasks", rt.what, where, resourceName(now[0])))
	}
	return refuse(f, TakesLiveTraffic, fmt.Sprintf("%s on the live %s would send its traffic to %s, but %s serves it now: the route takes that traffic the moment it exists. For the codedeploy → ecs migration production must first be on the target group the new rules forward to (release once more, and run again)",
		rt.what, where, names(rt.forwards), namesOrNothing(now)))
}

func isRoute(rc types.ResourceChange) bool {
	t := aws.ToString(rc.ResourceType)
	return t == typeListener || t == typeListenerRule
}

// resourceName names an ELB ARN for people: a listener by its ARN (which
// says its load balancer), a load balancer or target group by its name.
func resourceName(arn string) string {
	if strings.Contains(arn, ":listener/") {
		return "listener " + arn
	}
	if _, res, ok := strings.Cut(arn, ":loadbalancer/"); ok {
		if parts := strings.Split(res, "/"); len(parts) >= 2 {
			return "load balancer " + parts[1]
		}
	}
	if _, res, ok := strings.Cut(arn, ":targetgroup/"); ok {
		name, _, _ := strings.Cut(res, "/")
		return "target group " + name
	}
	return arn
}

func names(arns []string) string {
	out := make([]string, len(arns))
	for i, a := range arns {
		out[i] = resourceName(a)
	}
	return strings.Join(out, " and ")
}

func namesOrNothing(arns []string) string {
	if len(arns) == 0 {
		return "nothing (no forward)"
	}
	return names(arns)
}
