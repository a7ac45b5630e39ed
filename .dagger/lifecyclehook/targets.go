package lifecyclehook

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// RevisionReader is the one ECS call the hook makes: which target group
// each service revision serves from.
type RevisionReader interface {
	DescribeServiceRevisions(ctx context.Context, in *ecs.DescribeServiceRevisionsInput, opts ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error)
}

var _ RevisionReader = (*ecs.Client)(nil)

// resolveTargets maps the new and (when there is one) the old revision to
// their target groups' CloudWatch dimensions. The revision's resolved
// configuration names the target group that serves it and the listener rule
// in front (whose ARN carries the load balancer); a revision without one
// falls back to its load balancer list and the configured load balancer.
func resolveTargets(ctx context.Context, ecsAPI RevisionReader, newRev, oldRev, fallbackLB string) (newD, oldD Dimensions, err error) {
	arns := []string{newRev}
	if oldRev != "" {
		arns = append(arns, oldRev)
	}
	out, err := ecsAPI.DescribeServiceRevisions(ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: arns})
	if err != nil {
		return newD, oldD, &apiError{fmt.Errorf("ecs DescribeServiceRevisions: %w", err)}
	}
	byArn := map[string]ecstypes.ServiceRevision{}
	for _, r := range out.ServiceRevisions {
		byArn[aws.ToString(r.ServiceRevisionArn)] = r
	}
	dims := func(arn string) (Dimensions, error) {
		r, ok := byArn[arn]
		if !ok {
			return Dimensions{}, fmt.Errorf("ecs DescribeServiceRevisions did not return revision %s%s", arn, failureReason(out.Failures, arn))
		}
		var tg, lb string
		if rc := r.ResolvedConfiguration; rc != nil && len(rc.LoadBalancers) > 0 {
			tg = aws.ToString(rc.LoadBalancers[0].TargetGroupArn)
			lb = aws.ToString(rc.LoadBalancers[0].ProductionListenerRule)
		} else if len(r.LoadBalancers) > 0 {
			tg = aws.ToString(r.LoadBalancers[0].TargetGroupArn)
		}
		if tg == "" {
			return Dimensions{}, fmt.Errorf("service revision %s serves from no target group: the analysis needs a service behind an Application Load Balancer", arn)
		}
		if lb == "" {
			lb = fallbackLB
		}
		if lb == "" {
			return Dimensions{}, fmt.Errorf("service revision %s names no listener rule, and no load balancer is configured (%s)", arn, EnvLoadBalancer)
		}
		var d Dimensions
		var err error
		if d.TargetGroup, err = targetGroupDimension(tg); err != nil {
			return d, fmt.Errorf("service revision %s: %w", arn, err)
		}
		if d.LoadBalancer, err = loadBalancerDimension(lb); err != nil {
			return d, fmt.Errorf("service revision %s: %w", arn, err)
		}
		return d, nil
	}
	if newD, err = dims(newRev); err != nil {
		return newD, oldD, err
	}
	if oldRev == "" {
		return newD, oldD, nil
	}
	if oldD, err = dims(oldRev); err != nil {
		return newD, oldD, err
	}
	if oldD == newD {
		// Comparing a target group with itself would pass anything.
		return newD, oldD, fmt.Errorf("revisions %s and %s resolve to the same target group %s: cannot tell their traffic apart", newRev, oldRev, newD.TargetGroup)
	}
	return newD, oldD, nil
}

func failureReason(fs []ecstypes.Failure, arn string) string {
	for _, f := range fs {
		if aws.ToString(f.Arn) == arn {
			return " (" + aws.ToString(f.Reason) + ")"
		}
	}
	return ""
}

// apiError marks a failed AWS call, which a later invocation may retry, as
// opposed to a deployment the hook can never analyse.
type apiError struct{ err error }

func (e *apiError) Error() string { return e.err.Error() }
func (e *apiError) Unwrap() error { return e.err }
