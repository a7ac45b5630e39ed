package weightproxy

import (
	"context"
	"fmt"
	"sort"
	"strings"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Source tells an endpoint its current weights.
type Source interface {
	// Weights reads the weights now.
	Weights(ctx context.Context) (Weights, error)
	// String names where the weights come from, for log lines.
	String() string
}

// Fixed is a Source that never changes: for tests and for a rehearsal
// without a stand-in.
type Fixed Weights

// Weights returns a copy of the fixed weights.
func (f Fixed) Weights(context.Context) (Weights, error) {
	w := make(Weights, len(f))
	for k, v := range f {
		w[k] = v
	}
	return w, nil
}

func (f Fixed) String() string { return "fixed weights" }

// ELBv2API is the part of the ELBv2 client a listener source reads with.
type ELBv2API interface {
	DescribeRules(ctx context.Context, in *elbv2.DescribeRulesInput, opts ...func(*elbv2.Options)) (*elbv2.DescribeRulesOutput, error)
	DescribeListeners(ctx context.Context, in *elbv2.DescribeListenersInput, opts ...func(*elbv2.Options)) (*elbv2.DescribeListenersOutput, error)
}

var _ ELBv2API = (*elbv2.Client)(nil)

// ListenerSource reads the weights of a load balancer's forward action:
// a listener rule's actions (where ECS blue/green deployments, and the
// stand-in, shift traffic) or a listener's default actions (where CodeDeploy
// does). Each target group the action forwards to stands for one upstream.
type ListenerSource struct {
	API ELBv2API
	// ARN is a listener rule ARN (…:listener-rule/app/…) or a listener ARN
	// (…:listener/app/…).
	ARN string
	// Upstreams maps target group ARNs to upstream names.
	Upstreams map[string]string
}

// ARN kinds a ListenerSource reads.
const (
	ruleMarker     = ":listener-rule/"
	listenerMarker = ":listener/"
)

// CheckListenerARN refuses anything but a listener rule or listener ARN;
// input names the flag or field it came from.
func CheckListenerARN(input, arn string) error {
	if strings.HasPrefix(arn, "arn:") && (strings.Contains(arn, ruleMarker) || strings.Contains(arn, listenerMarker)) {
		return nil
	}
	return fmt.Errorf("%s %q is not a listener rule or listener ARN: want arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener-rule/app/… or …:listener/app/…", input, arn)
}

func (s ListenerSource) String() string {
	if strings.Contains(s.ARN, ruleMarker) {
		return "listener rule " + s.ARN
	}
	return "listener " + s.ARN
}

// Weights reads the rule or listener and maps its forward action's target
// groups to upstreams. Upstreams the action does not name get weight 0; a
// target group with traffic that no upstream stands for is an error, since
// the proxy could not send that share anywhere honest.
func (s ListenerSource) Weights(ctx context.Context) (Weights, error) {
	actions, err := s.actions(ctx)
	if err != nil {
		return nil, err
	}
	var forward *elbtypes.Action
	for i := range actions {
		if actions[i].Type == elbtypes.ActionTypeEnumForward {
			forward = &actions[i]
			break
		}
	}
	if forward == nil {
		return nil, fmt.Errorf("%s has no forward action", s)
	}
	raw := map[string]int{}
	if forward.ForwardConfig != nil && len(forward.ForwardConfig.TargetGroups) > 0 {
		for _, tg := range forward.ForwardConfig.TargetGroups {
			w := 1 // ELBv2's weight when none is given
			if tg.Weight != nil {
				w = int(*tg.Weight)
			}
			raw[deref(tg.TargetGroupArn)] += w
		}
	} else if forward.TargetGroupArn != nil {
		raw[*forward.TargetGroupArn] = 1
	}
	out := Weights{}
	for _, name := range s.Upstreams {
		out[name] = 0
	}
	var unmapped []string
	for tg, w := range raw {
		name, ok := s.Upstreams[tg]
		switch {
		case ok:
			out[name] += w
		case w > 0:
			unmapped = append(unmapped, fmt.Sprintf("%s (weight %d)", tg, w))
		}
	}
	if len(unmapped) > 0 {
		sort.Strings(unmapped)
		return nil, fmt.Errorf("%s forwards to target groups no upstream stands for: %s; map each to an upstream", s, strings.Join(unmapped, ", "))
	}
	return out, nil
}

func (s ListenerSource) actions(ctx context.Context) ([]elbtypes.Action, error) {
	if strings.Contains(s.ARN, ruleMarker) {
		out, err := s.API.DescribeRules(ctx, &elbv2.DescribeRulesInput{RuleArns: []string{s.ARN}})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", s, err)
		}
		if len(out.Rules) != 1 {
			return nil, fmt.Errorf("reading %s: %d rules returned", s, len(out.Rules))
		}
		return out.Rules[0].Actions, nil
	}
	out, err := s.API.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{s.ARN}})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s, err)
	}
	if len(out.Listeners) != 1 {
		return nil, fmt.Errorf("reading %s: %d listeners returned", s, len(out.Listeners))
	}
	return out.Listeners[0].DefaultActions, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
