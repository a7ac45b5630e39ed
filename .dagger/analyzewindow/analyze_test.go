package analyzewindow

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"dagger/ecs-bluegreen/analysis"
	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/lifecyclehook"
)

// A real-shaped service stack: the ALB and its two target groups.
const (
	lbArn   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/webap-LoadB-1RZ3V9ANJ2C7K/50dc6c495c0c9188"
	blueArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/webapp-blue/73e2d6bc24d8a067"
	greenTG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/webapp-green/943f017f100becff"
)

// stackResources answers ListStackResources from a fixed list, two pages.
type stackResources struct {
	pages [][]cftypes.StackResourceSummary
}

func (s stackResources) ListStackResources(_ context.Context, in *cloudformation.ListStackResourcesInput, _ ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error) {
	i := 0
	if in.NextToken != nil {
		i = 1
	}
	out := &cloudformation.ListStackResourcesOutput{StackResourceSummaries: s.pages[i]}
	if i+1 < len(s.pages) {
		out.NextToken = aws.String("next")
	}
	return out, nil
}

func res(logical, typ, phys string) cftypes.StackResourceSummary {
	return cftypes.StackResourceSummary{LogicalResourceId: aws.String(logical), ResourceType: aws.String(typ), PhysicalResourceId: aws.String(phys)}
}

func serviceStack() stackResources {
	return stackResources{pages: [][]cftypes.StackResourceSummary{
		{res("LoadBalancerBE9EEC3A", "AWS::ElasticLoadBalancingV2::LoadBalancer", lbArn), res("Cluster", "AWS::ECS::Cluster", "webapp")},
		{res("BlueE6E2C9A4", "AWS::ElasticLoadBalancingV2::TargetGroup", blueArn), res("Green5E1A6C8F", "AWS::ElasticLoadBalancingV2::TargetGroup", greenTG)},
	}}
}

func TestReadTargets(t *testing.T) {
	tg, err := ReadTargets(context.Background(), serviceStack(), "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if tg.Blue.LoadBalancer != "app/webap-LoadB-1RZ3V9ANJ2C7K/50dc6c495c0c9188" || tg.Blue.TargetGroup != "targetgroup/webapp-blue/73e2d6bc24d8a067" ||
		tg.Green.TargetGroup != "targetgroup/webapp-green/943f017f100becff" || tg.Green.LoadBalancer != tg.Blue.LoadBalancer {
		t.Fatalf("targets %+v", tg)
	}
	_, err = ReadTargets(context.Background(), stackResources{pages: [][]cftypes.StackResourceSummary{{res("Repo", "AWS::ECR::Repository", "webapp")}}}, "webapp-ecr")
	if err == nil || !strings.Contains(err.Error(), "is it the <app>-service stack?") {
		t.Fatalf("a stack without target groups: %v", err)
	}
}

// minute is what the load balancer publishes for a target group in a minute.
type minute struct{ requests, e5, p50, p99 float64 }

func putALB(t *testing.T, cw *cloudwatch.Client, d lifecyclehook.Dimensions, start time.Time, ms []minute) {
	t.Helper()
	dims := []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(d.LoadBalancer)}, {Name: aws.String("TargetGroup"), Value: aws.String(d.TargetGroup)}}
	var data []cwtypes.MetricDatum
	add := func(name string, at time.Time, v float64) {
		data = append(data, cwtypes.MetricDatum{MetricName: aws.String(name), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(v)})
	}
	for i, m := range ms {
		at := start.Add(time.Duration(i)*time.Minute + 15*time.Second)
		add("RequestCount", at, m.requests)
		if m.e5 > 0 {
			add("HTTPCode_Target_5XX_Count", at, m.e5)
		}
		// Two samples a minute: moto's Minimum and Maximum stand for p50 and p99.
		add("TargetResponseTime", at, m.p50)
		add("TargetResponseTime", at.Add(time.Second), m.p99)
		add("UnHealthyHostCount", at, 0)
	}
	for len(data) > 0 {
		n := min(len(data), 500)
		if _, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/ApplicationELB"), MetricData: data[:n]}); err != nil {
			t.Fatal(err)
		}
		data = data[n:]
	}
}

// percentilesAsMinMax stands between the analysis and moto where moto is
// too weak: moto 5.2.1 computes no percentile statistic in GetMetricData
// (a p99 query fails the whole call). It records what was asked and sends
// p50 as Minimum and p99 as Maximum, which putALB's two samples make exact.
type percentilesAsMinMax struct {
	lifecyclehook.MetricReader
	mu    sync.Mutex
	stats map[string]bool
}

func (p *percentilesAsMinMax) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stats == nil {
		p.stats = map[string]bool{}
	}
	cp := *in
	cp.MetricDataQueries = nil
	for _, q := range in.MetricDataQueries {
		ms := *q.MetricStat
		p.stats[aws.ToString(ms.Stat)] = true
		switch aws.ToString(ms.Stat) {
		case "p50":
			ms.Stat = aws.String("Minimum")
		case "p99":
			ms.Stat = aws.String("Maximum")
		}
		q.MetricStat = &ms
		cp.MetricDataQueries = append(cp.MetricDataQueries, q)
	}
	return p.MetricReader.GetMetricData(ctx, &cp, opts...)
}

var t0 = time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC)

func repeat(m minute, n int) []minute {
	out := make([]minute, n)
	for i := range out {
		out[i] = m
	}
	return out
}

// A canary on green at 10 % with 4 % errors and a doubled p99, against blue
// at 0.1 %: the on-demand judgment fails it, on green, by the auto rule.
func TestAnalyzeFailingCanary(t *testing.T) {
	cw := lifecyclehook.NewCloudWatch(awstest.MotoConfig(t))
	tg, err := ReadTargets(context.Background(), serviceStack(), "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	putALB(t, cw, tg.Blue, t0, repeat(minute{requests: 900, e5: 1, p50: 0.02, p99: 0.18}, 10))
	putALB(t, cw, tg.Green, t0, repeat(minute{requests: 100, e5: 4, p50: 0.03, p99: 0.42}, 10))
	pr := &percentilesAsMinMax{MetricReader: cw}
	r, err := Analyze(context.Background(), pr, tg, Window{Start: t0, End: t0.Add(10 * time.Minute)}, NewAuto, analysis.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict.Outcome != analysis.Fail || r.NewGroup != NewGreen || r.OldGroup != NewBlue {
		t.Fatalf("verdict %s on %s:\n%s", r.Verdict.Outcome, r.NewGroup, r.Report())
	}
	if !pr.stats["p99"] || !pr.stats["p50"] {
		t.Errorf("percentiles not asked of CloudWatch: %v", pr.stats)
	}
	rep := r.Report()
	for _, want := range []string{"fail: ", "new revision on green (green served fewer requests (1000 against 9000))", "new (green)", "old (blue)",
		"requests          1000", "40 (4.00 %)", "10 (0.11 %)", "420 ms", "180 ms"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
	t.Logf("failing verdict as printed:\n%s", rep)
}

// Production on green this time: the canary is blue, healthy; naming the
// group explicitly gives the same answer as auto.
func TestAnalyzePassingCanaryOnBlue(t *testing.T) {
	cw := lifecyclehook.NewCloudWatch(awstest.MotoConfig(t))
	tg, _ := ReadTargets(context.Background(), serviceStack(), "webapp-service")
	putALB(t, cw, tg.Green, t0, repeat(minute{requests: 900, e5: 1, p50: 0.02, p99: 0.2}, 6))
	putALB(t, cw, tg.Blue, t0, repeat(minute{requests: 100, p50: 0.02, p99: 0.21}, 6))
	for _, side := range []string{NewAuto, NewBlue} {
		r, err := Analyze(context.Background(), &percentilesAsMinMax{MetricReader: cw}, tg, Window{Start: t0, End: t0.Add(6 * time.Minute)}, side, analysis.Policy{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict.Outcome != analysis.Pass || r.NewGroup != NewBlue {
			t.Fatalf("%s: verdict %s on %s:\n%s", side, r.Verdict.Outcome, r.NewGroup, r.Report())
		}
		if side == NewAuto {
			t.Logf("passing verdict as printed:\n%s", r.Report())
		}
	}
	// Judging the wrong side says so in numbers, not silently.
	r, err := Analyze(context.Background(), &percentilesAsMinMax{MetricReader: cw}, tg, Window{Start: t0, End: t0.Add(6 * time.Minute)}, NewGreen, analysis.Policy{})
	if err != nil || r.NewGroup != NewGreen || r.Verdict.New.Requests != 5400 {
		t.Fatalf("explicit green: %+v %v", r.Verdict.New, err)
	}
}

// Too little traffic is inconclusive, never a pass.
func TestAnalyzeQuietIsInconclusive(t *testing.T) {
	cw := lifecyclehook.NewCloudWatch(awstest.MotoConfig(t))
	tg, _ := ReadTargets(context.Background(), serviceStack(), "webapp-service")
	putALB(t, cw, tg.Blue, t0, repeat(minute{requests: 300, p50: 0.02, p99: 0.2}, 4))
	putALB(t, cw, tg.Green, t0, repeat(minute{requests: 3, p50: 0.02, p99: 0.2}, 4))
	r, err := Analyze(context.Background(), &percentilesAsMinMax{MetricReader: cw}, tg, Window{Start: t0, End: t0.Add(4 * time.Minute)}, NewAuto, analysis.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict.Outcome != analysis.Inconclusive {
		t.Fatalf("verdict %s:\n%s", r.Verdict.Outcome, r.Report())
	}
}

func TestAnalyzeRefusesBadInput(t *testing.T) {
	tg, _ := ReadTargets(context.Background(), serviceStack(), "webapp-service")
	w := Window{Start: t0, End: t0.Add(time.Hour)}
	if _, err := Analyze(context.Background(), nil, tg, w, "purple", analysis.Policy{}); err == nil || !strings.Contains(err.Error(), `"purple" is not accepted`) {
		t.Errorf("bad side: %v", err)
	}
	if _, err := Analyze(context.Background(), nil, tg, w, NewAuto, analysis.Policy{MaxErrorRate: 3}); err == nil || !strings.Contains(err.Error(), "maxErrorRate 3 is out of range") {
		t.Errorf("bad policy: %v", err)
	}
}
