package weightproxy

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/stackout"
)

// Upstream names of a rehearsal: the release that serves production now and
// the one being released.
const (
	Serving   = "serving"
	Releasing = "releasing"
)

// RoutesAPI is the part of the ELBv2 client FindRoutes reads with.
type RoutesAPI interface {
	ELBv2API
	DescribeLoadBalancers(ctx context.Context, in *elbv2.DescribeLoadBalancersInput, opts ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancersOutput, error)
	DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, opts ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error)
}

var _ RoutesAPI = (*elbv2.Client)(nil)

// Routes is what a rehearsal's proxy follows for a service stack: the rule
// or listener carrying production and test traffic, and which target group
// stands for which release.
type Routes struct {
	// Production and Test are rule ARNs (ecs mode: ECS shifts the rules) or
	// listener ARNs (codedeploy mode: CodeDeploy shifts the listeners).
	Production, Test string
	// Serving is the target group production forwards to now; Releasing
	// is the other one, where a deployment moves traffic.
	Serving, Releasing string
}

// TargetGroupOf returns the target group that stands for upstream name
// (Serving or Releasing).
func (r Routes) TargetGroupOf(name string) string {
	switch name {
	case Serving:
		return r.Serving
	case Releasing:
		return r.Releasing
	}
	return ""
}

// FindRoutes reads the routes of a deployed service stack from its outputs
// and its load balancer. In ecs mode the outputs name the rules and the
// target groups. In codedeploy mode the load balancer is the one whose DNS
// name the ProductionUrl output carries; its production listener is the one
// on the ProductionUrl's port (80, or 443 for https), its test listener the
// one on the TestUrl's port. Either way the target group production
// forwards to now is the serving release's: releases alternate sides.
func FindRoutes(ctx context.Context, api RoutesAPI, outputs map[string]string) (Routes, error) {
	var r Routes
	groups := make([]string, 0, 2)
	switch mode := outputs[stackout.KeyDeploymentMode]; mode {
	case stackout.ModeECS:
		r.Production, r.Test = outputs[stackout.KeyProductionListenerRule], outputs[stackout.KeyTestListenerRule]
		groups = append(groups, outputs[stackout.KeyBlueTargetGroup], outputs[stackout.KeyGreenTargetGroup])
		for key, v := range map[string]string{stackout.KeyProductionListenerRule: r.Production, stackout.KeyTestListenerRule: r.Test,
			stackout.KeyBlueTargetGroup: groups[0], stackout.KeyGreenTargetGroup: groups[1]} {
			if v == "" {
				return Routes{}, fmt.Errorf("the stack has no %s output: a rehearsal in ecs mode follows the listener rules it names", key)
			}
		}
	case stackout.ModeCodeDeploy:
		var err error
		if r.Production, r.Test, groups, err = listenersOf(ctx, api, outputs); err != nil {
			return Routes{}, err
		}
	default:
		return Routes{}, fmt.Errorf("the stack's %s output is %q: a rehearsal follows codedeploy or ecs mode", stackout.KeyDeploymentMode, mode)
	}
	// Which side serves: the one production forwards to now.
	probe := ListenerSource{API: api, ARN: r.Production, Upstreams: map[string]string{groups[0]: "a", groups[1]: "b"}}
	w, err := probe.Weights(ctx)
	if err != nil {
		return Routes{}, err
	}
	serving, other := groups[0], groups[1]
	if w["b"] > w["a"] {
		serving, other = other, serving
	}
	if w["a"] > 0 && w["b"] > 0 {
		return Routes{}, fmt.Errorf("%s splits production between both target groups (%s): a deployment is under way; rehearse from a settled service", probe, w)
	}
	r.Serving, r.Releasing = serving, other
	return r, nil
}

// listenersOf finds the production and test listeners of a codedeploy-mode
// stack and its two target groups.
func listenersOf(ctx context.Context, api RoutesAPI, outputs map[string]string) (prod, test string, groups []string, err error) {
	prodURL, err := url.Parse(outputs[stackout.KeyProductionUrl])
	if err != nil || prodURL.Host == "" {
		return "", "", nil, fmt.Errorf("the stack's %s output %q is not a URL", stackout.KeyProductionUrl, outputs[stackout.KeyProductionUrl])
	}
	testURL, err := url.Parse(outputs[stackout.KeyTestUrl])
	if err != nil || testURL.Host == "" {
		return "", "", nil, fmt.Errorf("the stack's %s output %q is not a URL", stackout.KeyTestUrl, outputs[stackout.KeyTestUrl])
	}
	lbs, err := api.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	if err != nil {
		return "", "", nil, fmt.Errorf("listing load balancers: %w", err)
	}
	var lb string
	for _, l := range lbs.LoadBalancers {
		if strings.EqualFold(aws.ToString(l.DNSName), prodURL.Hostname()) {
			lb = aws.ToString(l.LoadBalancerArn)
		}
	}
	if lb == "" {
		return "", "", nil, fmt.Errorf("no load balancer has the DNS name of %s %s", stackout.KeyProductionUrl, prodURL)
	}
	ls, err := api.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(lb)})
	if err != nil {
		return "", "", nil, fmt.Errorf("listing the listeners of %s: %w", lb, err)
	}
	for _, l := range ls.Listeners {
		switch port := fmt.Sprint(aws.ToInt32(l.Port)); port {
		case portOf(prodURL):
			prod = aws.ToString(l.ListenerArn)
		case portOf(testURL):
			test = aws.ToString(l.ListenerArn)
		}
	}
	if prod == "" || test == "" {
		return "", "", nil, fmt.Errorf("load balancer %s has no listener on port %s (production) or %s (test)", lb, portOf(prodURL), portOf(testURL))
	}
	tgs, err := api.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(lb)})
	if err != nil {
		return "", "", nil, fmt.Errorf("listing the target groups of %s: %w", lb, err)
	}
	for _, tg := range tgs.TargetGroups {
		groups = append(groups, aws.ToString(tg.TargetGroupArn))
	}
	if len(groups) != 2 {
		return "", "", nil, fmt.Errorf("load balancer %s has %d target groups, want the blue and the green one", lb, len(groups))
	}
	return prod, test, groups, nil
}

// portOf is a URL's port, or its scheme's default.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}
