package lifecyclehook

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"dagger/ecs-bluegreen/analysis"
	"dagger/ecs-bluegreen/internal/awstest"
)

// A real-shaped ALB: one load balancer, blue and green target groups.
const (
	lbArn   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-alb/50dc6c495c0c9188"
	ruleArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
	blueTG  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-blue/73e2d6bc24d8a067"
	greenTG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-green/943f017f100becff"
)

var (
	lbDim    = "app/shop-alb/50dc6c495c0c9188"
	blueDim  = Dimensions{LoadBalancer: lbDim, TargetGroup: "targetgroup/shop-blue/73e2d6bc24d8a067"}
	greenDim = Dimensions{LoadBalancer: lbDim, TargetGroup: "targetgroup/shop-green/943f017f100becff"}
)

// albMinute is what the load balancer publishes for one target group in one
// minute.
type albMinute struct {
	requests, e5, e4 float64
	p50, p99         float64
	unhealthy        float64
}

// putALB publishes one-minute datapoints the way the ALB does, into
// CloudWatch (moto) with PutMetricData, starting at start.
func putALB(t *testing.T, cw *cloudwatch.Client, d Dimensions, start time.Time, minutes []albMinute) {
	t.Helper()
	dims := []cwtypes.Dimension{
		{Name: aws.String("LoadBalancer"), Value: aws.String(d.LoadBalancer)},
		{Name: aws.String("TargetGroup"), Value: aws.String(d.TargetGroup)},
	}
	var data []cwtypes.MetricDatum
	add := func(name string, at time.Time, v float64, unit cwtypes.StandardUnit) {
		data = append(data, cwtypes.MetricDatum{MetricName: aws.String(name), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(v), Unit: unit})
	}
	for i, m := range minutes {
		at := start.Add(time.Duration(i)*time.Minute + 20*time.Second)
		if m.requests > 0 {
			add("RequestCount", at, m.requests, cwtypes.StandardUnitCount)
			// Two samples a minute, so moto's Minimum and Maximum stand
			// for the percentiles (see percentilesAsMinMax).
			add("TargetResponseTime", at, m.p50, cwtypes.StandardUnitSeconds)
			add("TargetResponseTime", at.Add(time.Second), m.p99, cwtypes.StandardUnitSeconds)
		}
		if m.e5 > 0 {
			add("HTTPCode_Target_5XX_Count", at, m.e5, cwtypes.StandardUnitCount)
		}
		if m.e4 > 0 {
			add("HTTPCode_Target_4XX_Count", at, m.e4, cwtypes.StandardUnitCount)
		}
		add("UnHealthyHostCount", at, m.unhealthy, cwtypes.StandardUnitCount)
	}
	for len(data) > 0 {
		n := min(len(data), 500)
		if _, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String(albNamespace), MetricData: data[:n]}); err != nil {
			t.Fatalf("PutMetricData: %v", err)
		}
		data = data[n:]
	}
}

// percentilesAsMinMax stands between the hook and moto where moto is too
// weak: moto 5.2.1 computes only Sum, Average, Minimum, Maximum and
// SampleCount in GetMetricData, and a query for a percentile statistic such
// as p99 makes the whole call fail with HTTP 500. It records the statistics the hook asked for (so a test
// checks that the hook asks real CloudWatch for p50 and p99), then forwards
// the query with p50 as Minimum and p99 as Maximum, which putALB's two
// samples a minute make exact.
type percentilesAsMinMax struct {
	MetricReader
	mu    sync.Mutex
	stats map[string]string // query id → statistic asked for
	calls int
}

func (p *percentilesAsMinMax) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	p.mu.Lock()
	p.calls++
	if p.stats == nil {
		p.stats = map[string]string{}
	}
	cp := *in
	cp.MetricDataQueries = nil
	for _, q := range in.MetricDataQueries {
		p.stats[aws.ToString(q.Id)] = aws.ToString(q.MetricStat.Stat)
		ms := *q.MetricStat
		switch aws.ToString(ms.Stat) {
		case "p50":
			ms.Stat = aws.String("Minimum")
		case "p99":
			ms.Stat = aws.String("Maximum")
		}
		q.MetricStat = &ms
		cp.MetricDataQueries = append(cp.MetricDataQueries, q)
	}
	p.mu.Unlock()
	return p.MetricReader.GetMetricData(ctx, &cp, opts...)
}

func motoCloudWatch(t *testing.T) *cloudwatch.Client {
	return NewCloudWatch(awstest.MotoConfig(t))
}

var w0 = time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC)

func TestReadRevisionsFromCloudWatch(t *testing.T) {
	cw := motoCloudWatch(t)
	putALB(t, cw, greenDim, w0, []albMinute{
		{requests: 120, e5: 3, e4: 7, p50: 0.02, p99: 0.4, unhealthy: 1},
		{requests: 130, p50: 0.03, p99: 0.5},
	})
	putALB(t, cw, blueDim, w0, []albMinute{{requests: 1100, e5: 1, p50: 0.01, p99: 0.2}, {requests: 1000, p50: 0.01, p99: 0.2}})
	// Another target group's data must not leak in.
	putALB(t, cw, Dimensions{LoadBalancer: lbDim, TargetGroup: "targetgroup/other/1234567890abcdef"}, w0, []albMinute{{requests: 9999, e5: 999}})

	pr := &percentilesAsMinMax{MetricReader: cw}
	newM, oldM, err := readRevisions(context.Background(), pr, greenDim, blueDim, w0, w0.Add(2*time.Minute), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := sum(newM.Requests); got != 250 || len(newM.Requests) != 2 {
		t.Errorf("new requests %v", newM.Requests)
	}
	if sum(newM.Target5XX) != 3 || sum(newM.Target4XX) != 7 || sum(oldM.Target5XX) != 1 {
		t.Errorf("errors: new 5xx %v 4xx %v old 5xx %v", newM.Target5XX, newM.Target4XX, oldM.Target5XX)
	}
	if len(newM.P99) != 2 || newM.P99[0].Value != 0.4 || newM.P50[1].Value != 0.03 || oldM.P99[0].Value != 0.2 {
		t.Errorf("latency new p50 %v p99 %v old p99 %v", newM.P50, newM.P99, oldM.P99)
	}
	if !newM.Requests[0].Time.Equal(w0) || !newM.Requests[1].Time.Equal(w0.Add(time.Minute)) {
		t.Errorf("datapoints not at minute starts: %v", newM.Requests)
	}
	if sum(newM.UnhealthyHosts) != 1 || sum(oldM.Requests) != 2100 {
		t.Errorf("unhealthy %v, old requests %v", newM.UnhealthyHosts, oldM.Requests)
	}
	for _, id := range []string{"new_p50", "old_p50"} {
		if pr.stats[id] != "p50" {
			t.Errorf("query %s asked for %q, want p50", id, pr.stats[id])
		}
	}
	for _, id := range []string{"new_p99", "old_p99"} {
		if pr.stats[id] != "p99" {
			t.Errorf("query %s asked for %q, want p99", id, pr.stats[id])
		}
	}
	if pr.stats["new_requests"] != "Sum" || pr.stats["new_unhealthy"] != "Maximum" || pr.stats["new_target5xx"] != "Sum" {
		t.Errorf("statistics %v", pr.stats)
	}
}

func TestReadRevisionsSkips4xxUnlessCounted(t *testing.T) {
	cw := motoCloudWatch(t)
	putALB(t, cw, greenDim, w0, []albMinute{{requests: 10, e4: 5, p50: 0.1, p99: 0.1}})
	pr := &percentilesAsMinMax{MetricReader: cw}
	newM, _, err := readRevisions(context.Background(), pr, greenDim, Dimensions{}, w0, w0.Add(time.Minute), false)
	if err != nil {
		t.Fatal(err)
	}
	if newM.Target4XX != nil || pr.stats["new_target4xx"] != "" {
		t.Errorf("4xx read although not counted: %v", newM.Target4XX)
	}
	if _, ok := pr.stats["old_requests"]; ok {
		t.Error("queried an old revision that has no target group")
	}
}

func TestDimensions(t *testing.T) {
	for _, s := range []string{lbArn, ruleArn, lbDim,
		"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"} {
		if got, err := loadBalancerDimension(s); err != nil || got != lbDim {
			t.Errorf("loadBalancerDimension(%s) = %q, %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "shop-alb", "net/shop-nlb/123", "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/x/1"} {
		if _, err := loadBalancerDimension(bad); err == nil || !strings.Contains(err.Error(), "app/<name>/<id>") {
			t.Errorf("loadBalancerDimension(%q) error %v", bad, err)
		}
	}
	if got, err := targetGroupDimension(greenTG); err != nil || got != greenDim.TargetGroup {
		t.Errorf("targetGroupDimension = %q, %v", got, err)
	}
	if _, err := targetGroupDimension("targetgroup/x"); err == nil {
		t.Error("a bare name passed as a target group ARN")
	}
}

func sum(ps []analysis.Point) float64 {
	var s float64
	for _, p := range ps {
		s += p.Value
	}
	return s
}
