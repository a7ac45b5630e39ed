package infragate

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// ListenerReader reads listeners and their rules;
// *elasticloadbalancingv2.Client satisfies it.
type ListenerReader interface {
	DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, optFns ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	DescribeRules(ctx context.Context, in *elb.DescribeRulesInput, optFns ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
}

var _ ListenerReader = (*elb.Client)(nil)

// ReadServing reads, for each listener or load balancer ARN, the target
// groups that receive its traffic now: every forward with a weight above
// zero in the default actions and rules of the listener (of each of the load
// balancer's listeners). The change-set review judges new and rewritten
// routes against it (changeset.Live.Serving).
func ReadServing(ctx context.Context, api ListenerReader, arns []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, arn := range arns {
		in := &elb.DescribeListenersInput{}
		if strings.Contains(arn, ":listener/") {
			in.ListenerArns = []string{arn}
		} else {
			in.LoadBalancerArn = aws.String(arn)
		}
		var groups []string
		for {
			page, err := api.DescribeListeners(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("reading what %s serves now (elasticloadbalancing:DescribeListeners): %w", arn, err)
			}
			for _, l := range page.Listeners {
				groups = append(groups, forwarded(l.DefaultActions)...)
				rules, err := ruleTargets(ctx, api, aws.ToString(l.ListenerArn))
				if err != nil {
					return nil, err
				}
				groups = append(groups, rules...)
			}
			if aws.ToString(page.NextMarker) == "" {
				break
			}
			in.Marker = page.NextMarker
		}
		sort.Strings(groups)
		out[arn] = slices.Compact(groups)
	}
	return out, nil
}

func ruleTargets(ctx context.Context, api ListenerReader, listener string) ([]string, error) {
	var groups []string
	in := &elb.DescribeRulesInput{ListenerArn: aws.String(listener)}
	for {
		page, err := api.DescribeRules(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("reading the rules of listener %s (elasticloadbalancing:DescribeRules): %w", listener, err)
		}
		for _, r := range page.Rules {
			// The default rule repeats the listener's default actions.
			if !aws.ToBool(r.IsDefault) {
				groups = append(groups, forwarded(r.Actions)...)
			}
		}
		if aws.ToString(page.NextMarker) == "" {
			return groups, nil
		}
		in.Marker = page.NextMarker
	}
}

// forwarded are the target groups a list of actions forwards traffic to.
func forwarded(actions []elbtypes.Action) []string {
	var out []string
	for _, a := range actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
			for _, tg := range a.ForwardConfig.TargetGroups {
				if tg.Weight == nil || *tg.Weight > 0 {
					out = append(out, aws.ToString(tg.TargetGroupArn))
				}
			}
			continue
		}
		if a.TargetGroupArn != nil {
			out = append(out, aws.ToString(a.TargetGroupArn))
		}
	}
	return out
}
