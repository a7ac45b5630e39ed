package livestate

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// readRules reads the listener rules of an ecs-mode stack. ECS shifts traffic
// by rewriting the weights of these rules, never the listeners' default
// actions, so after an odd number of deployments the production rule serves
// green while the production listener still says blue. The rules' targets
// become ProductionTarget and TestTarget (what serves), the listeners'
// default actions move to ProductionListenerTarget and TestListenerTarget
// (what must stay as it is). A rule caught mid-shift is an error, as a
// listener is.
func readRules(ctx context.Context, lb ListenersAPI, s State, colors map[string]string, prodRule, testRule string) (State, error) {
	out, err := lb.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{prodRule, testRule}})
	if err != nil {
		return State{}, fmt.Errorf("reading the listener rules of %s (elasticloadbalancing:DescribeRules): %w", s.Stack, err)
	}
	var prod, test string
	for _, r := range out.Rules {
		arn := aws.ToString(r.RuleArn)
		name := "production"
		if arn == testRule {
			name = "test"
		}
		color, err := serves(r.Actions, colors)
		if err != nil {
			return State{}, fmt.Errorf("the %s listener rule of %s: %w", name, s.Stack, err)
		}
		switch arn {
		case prodRule:
			prod = color
		case testRule:
			test = color
		}
	}
	if prod == "" || test == "" {
		return State{}, fmt.Errorf("the listener rules of %s were not found (%s, %s): is the stack being changed? Run deploy-infra again when it is stable", s.Stack, prodRule, testRule)
	}
	s.ProductionListenerTarget, s.TestListenerTarget = s.ProductionTarget, s.TestTarget
	s.ProductionTarget, s.TestTarget = prod, test
	return s, nil
}
