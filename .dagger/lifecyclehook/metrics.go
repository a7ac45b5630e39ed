package lifecyclehook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"dagger/ecs-bluegreen/analysis"
)

// MetricReader is the one CloudWatch call the hook makes.
type MetricReader interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

var _ MetricReader = (*cloudwatch.Client)(nil)

// The Application Load Balancer's per-target-group metrics the analysis
// reads, with the statistic each one is judged by.
const albNamespace = "AWS/ApplicationELB"

type metricQuery struct {
	id, name, stat string
	set            func(*analysis.Metrics, []analysis.Point)
}

var metricQueries = []metricQuery{
	{"requests", "RequestCount", "Sum", func(m *analysis.Metrics, p []analysis.Point) { m.Requests = p }},
	{"target5xx", "HTTPCode_Target_5XX_Count", "Sum", func(m *analysis.Metrics, p []analysis.Point) { m.Target5XX = p }},
	{"target4xx", "HTTPCode_Target_4XX_Count", "Sum", func(m *analysis.Metrics, p []analysis.Point) { m.Target4XX = p }},
	{"p50", "TargetResponseTime", "p50", func(m *analysis.Metrics, p []analysis.Point) { m.P50 = p }},
	{"p99", "TargetResponseTime", "p99", func(m *analysis.Metrics, p []analysis.Point) { m.P99 = p }},
	{"unhealthy", "UnHealthyHostCount", "Maximum", func(m *analysis.Metrics, p []analysis.Point) { m.UnhealthyHosts = p }},
}

// Dimensions identify one target group behind one load balancer, in
// CloudWatch's form: "app/<name>/<id>" and "targetgroup/<name>/<id>".
type Dimensions struct {
	LoadBalancer string `json:"loadBalancer"`
	TargetGroup  string `json:"targetGroup"`
}

// readRevisions fetches both target groups' one-minute datapoints over
// [start, end) in GetMetricData calls of up to 500 queries, following
// NextToken. 4xx are read only when the policy counts them.
func readRevisions(ctx context.Context, cw MetricReader, newTG, oldTG Dimensions, start, end time.Time, count4xx bool) (newM, oldM analysis.Metrics, err error) {
	type target struct {
		prefix string
		dims   Dimensions
		out    *analysis.Metrics
	}
	targets := []target{{"new_", newTG, &newM}}
	if oldTG.TargetGroup != "" {
		targets = append(targets, target{"old_", oldTG, &oldM})
	}
	var queries []cwtypes.MetricDataQuery
	sets := map[string]func([]analysis.Point){}
	for _, t := range targets {
		for _, q := range metricQueries {
			if q.id == "target4xx" && !count4xx {
				continue
			}
			id := t.prefix + q.id
			out, set := t.out, q.set
			sets[id] = func(p []analysis.Point) { set(out, p) }
			queries = append(queries, cwtypes.MetricDataQuery{
				Id: aws.String(id),
				MetricStat: &cwtypes.MetricStat{
					Metric: &cwtypes.Metric{
						Namespace:  aws.String(albNamespace),
						MetricName: aws.String(q.name),
						Dimensions: []cwtypes.Dimension{
							{Name: aws.String("LoadBalancer"), Value: aws.String(t.dims.LoadBalancer)},
							{Name: aws.String("TargetGroup"), Value: aws.String(t.dims.TargetGroup)},
						},
					},
					Period: aws.Int32(60),
					Stat:   aws.String(q.stat),
				},
			})
		}
	}
	points := map[string][]analysis.Point{}
	in := &cloudwatch.GetMetricDataInput{
		StartTime:         aws.Time(start),
		EndTime:           aws.Time(end),
		MetricDataQueries: queries,
		ScanBy:            cwtypes.ScanByTimestampAscending,
	}
	for page := 0; ; page++ {
		if page == 100 {
			return newM, oldM, fmt.Errorf("cloudwatch GetMetricData: still paging after %d pages", page)
		}
		out, err := cw.GetMetricData(ctx, in)
		if err != nil {
			return newM, oldM, fmt.Errorf("cloudwatch GetMetricData %s–%s: %w", start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), err)
		}
		for _, r := range out.MetricDataResults {
			id := aws.ToString(r.Id)
			if len(r.Timestamps) != len(r.Values) {
				return newM, oldM, fmt.Errorf("cloudwatch GetMetricData: result %s has %d timestamps and %d values", id, len(r.Timestamps), len(r.Values))
			}
			for i, ts := range r.Timestamps {
				points[id] = append(points[id], analysis.Point{Time: ts, Value: r.Values[i]})
			}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	for id, set := range sets {
		set(points[id])
	}
	return newM, oldM, nil
}

// targetGroupDimension turns a target group ARN into CloudWatch's
// TargetGroup dimension ("targetgroup/<name>/<id>").
func targetGroupDimension(arn string) (string, error) {
	i := strings.Index(arn, ":targetgroup/")
	if !strings.HasPrefix(arn, "arn:") || i < 0 || strings.Count(arn[i+1:], "/") != 2 {
		return "", fmt.Errorf("target group %q is not a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)", arn)
	}
	return arn[i+1:], nil
}

// loadBalancerDimension turns a load balancer, listener or listener rule ARN
// (or the dimension itself) into CloudWatch's LoadBalancer dimension
// ("app/<name>/<id>").
func loadBalancerDimension(s string) (string, error) {
	rest := s
	if strings.HasPrefix(s, "arn:") {
		parts := strings.SplitN(s, ":", 6)
		if len(parts) < 6 {
			rest = ""
		} else {
			rest = parts[5]
			for _, kind := range []string{"loadbalancer/", "listener/", "listener-rule/"} {
				if strings.HasPrefix(rest, kind) {
					rest = strings.TrimPrefix(rest, kind)
					break
				}
			}
		}
	}
	segs := strings.Split(rest, "/")
	if len(segs) < 3 || segs[0] != "app" || segs[1] == "" || segs[2] == "" {
		return "", fmt.Errorf("load balancer %q is not an Application Load Balancer (accepted: app/<name>/<id>, or its load balancer, listener or listener rule ARN)", s)
	}
	return strings.Join(segs[:3], "/"), nil
}
