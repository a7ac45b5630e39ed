package codedeployfake

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The stand-in's own calls to moto: what a deployment changes in the account.

func callCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// targetGroupsOf resolves the group's pair to ARNs and tells which one the
// production listener serves now (the original) from the other.
func (s *Server) targetGroupsOf(g *group) (original, replacement string, _ *APIError) {
	ctx, cancel := callCtx()
	defer cancel()
	tgs, err := s.elb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: g.targetGroups})
	if err != nil || len(tgs.TargetGroups) != 2 {
		return "", "", invalid("InvalidTargetGroupPairException", "the target groups %q of deployment group %s cannot be read from ELBv2: %v", g.targetGroups, g.name, err)
	}
	a, b := aws.ToString(tgs.TargetGroups[0].TargetGroupArn), aws.ToString(tgs.TargetGroups[1].TargetGroupArn)
	ls, err := s.elb.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: g.prodListeners})
	if err != nil || len(ls.Listeners) != 1 {
		return "", "", invalid("InvalidTargetGroupPairException", "the production listener %s of deployment group %s cannot be read from ELBv2: %v", g.prodListeners, g.name, err)
	}
	weights := map[string]int32{}
	for _, act := range ls.Listeners[0].DefaultActions {
		if act.TargetGroupArn != nil {
			weights[aws.ToString(act.TargetGroupArn)] = 1
		}
		if act.ForwardConfig != nil {
			for _, t := range act.ForwardConfig.TargetGroups {
				weights[aws.ToString(t.TargetGroupArn)] = aws.ToInt32(t.Weight)
			}
		}
	}
	if weights[b] > weights[a] {
		a, b = b, a
	}
	return a, b, nil
}

// applyTraffic writes d's production share to the production listeners.
func (s *Server) applyTraffic(d *deployment) {
	if d.green == d.applied {
		return
	}
	d.applied = d.green
	for _, l := range d.group.prodListeners {
		s.fail(s.forward(l, d.original, d.replacement, d.green))
	}
}

// moveTest points the test listeners at tg alone.
func (s *Server) moveTest(d *deployment, tg string) {
	other := d.original
	if tg == d.original {
		other = d.replacement
	}
	for _, l := range d.group.testListeners {
		s.fail(s.forward(l, other, tg, 100))
	}
}

// forward makes listener's default action a forward giving share percent
// to b and the rest to a: a plain forward to one target group when the
// other gets nothing (ELBv2 refuses a weight of zero for a listener's
// default action in moto), a weighted one otherwise.
func (s *Server) forward(listener, a, b string, share float64) error {
	ctx, cancel := callCtx()
	defer cancel()
	wb := int32(math.Round(math.Max(0, math.Min(100, share))))
	action := elbtypes.Action{Type: elbtypes.ActionTypeEnumForward}
	switch wb {
	case 0:
		action.TargetGroupArn = aws.String(a)
	case 100:
		action.TargetGroupArn = aws.String(b)
	default:
		action.ForwardConfig = &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
			{TargetGroupArn: aws.String(a), Weight: aws.Int32(100 - wb)},
			{TargetGroupArn: aws.String(b), Weight: aws.Int32(wb)},
		}}
	}
	if _, err := s.elb.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(listener), DefaultActions: []elbtypes.Action{action}}); err != nil {
		return fmt.Errorf("moving listener %s: %w", listener, err)
	}
	return nil
}

// serviceTaskDefinition is the task definition the group's service runs, or
// "" when moto cannot say.
func (s *Server) serviceTaskDefinition(g *group) string {
	ctx, cancel := callCtx()
	defer cancel()
	out, err := s.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(g.cluster), Services: []string{g.service}})
	if err != nil || len(out.Services) != 1 {
		return ""
	}
	return aws.ToString(out.Services[0].TaskDefinition)
}

// setServiceTaskDefinition records in moto's service what a finished
// deployment left running.
func (s *Server) setServiceTaskDefinition(g *group, arn string) {
	ctx, cancel := callCtx()
	defer cancel()
	_, err := s.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(g.cluster), Service: aws.String(g.service), TaskDefinition: aws.String(arn)})
	if err != nil {
		s.fail(fmt.Errorf("pointing service %s at %s: %w", g.service, arn, err))
	}
}
