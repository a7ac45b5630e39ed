package lifecyclehook

import (
	"context"
	"time"

	"dagger/ecs-bluegreen/analysis"
)

// ReadRevisions is the hook's CloudWatch read for callers outside a hook
// (the on-demand analysis): both target groups' one-minute datapoints over
// [start, end), the new one's and, when oldTG names a target group, the
// old one's.
func ReadRevisions(ctx context.Context, cw MetricReader, newTG, oldTG Dimensions, start, end time.Time, count4xx bool) (newM, oldM analysis.Metrics, err error) {
	return readRevisions(ctx, cw, newTG, oldTG, start, end, count4xx)
}

// TargetGroupDimension turns a target group ARN into CloudWatch's
// TargetGroup dimension ("targetgroup/<name>/<id>").
func TargetGroupDimension(arn string) (string, error) { return targetGroupDimension(arn) }

// LoadBalancerDimension turns a load balancer, listener or listener rule
// ARN into CloudWatch's LoadBalancer dimension ("app/<name>/<id>").
func LoadBalancerDimension(s string) (string, error) { return loadBalancerDimension(s) }
