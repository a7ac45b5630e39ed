package deploy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/lifecyclehook"
)

const verdictService = "arn:aws:ecs:us-east-1:123456789012:service/web/webapp"

// TestHookMetricNamespaceIsTheHooks: the release reads where the hook
// writes.
func TestHookMetricNamespaceIsTheHooks(t *testing.T) {
	if HookMetricNamespace != lifecyclehook.MetricNamespace {
		t.Fatalf("deploy reads %q, the hook writes %q", HookMetricNamespace, lifecyclehook.MetricNamespace)
	}
}

// putVerdict publishes one verdict the way CloudWatch Logs extracts it from
// the hook's embedded-metric log line.
func putVerdict(t *testing.T, cw *cloudwatch.Client, service, check, verdict string, at time.Time, numbers map[string]float64) {
	t.Helper()
	dims := []cwtypes.Dimension{
		{Name: aws.String("service"), Value: aws.String(service)},
		{Name: aws.String("check"), Value: aws.String(check)},
		{Name: aws.String("verdict"), Value: aws.String(verdict)},
	}
	data := []cwtypes.MetricDatum{{MetricName: aws.String("verdicts"), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(1), Unit: cwtypes.StandardUnitCount}}
	for name, v := range numbers {
		data = append(data, cwtypes.MetricDatum{MetricName: aws.String(name), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(v)})
	}
	if _, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String(HookMetricNamespace), MetricData: data}); err != nil {
		t.Fatalf("PutMetricData: %v", err)
	}
}

func numbers(newReq, oldReq, newErr, oldErr, newP99, oldP99 float64) map[string]float64 {
	return map[string]float64{"newRequests": newReq, "oldRequests": oldReq, "newErrorPercent": newErr, "oldErrorPercent": oldErr, "newP99Millis": newP99, "oldP99Millis": oldP99}
}

// TestCloudWatchVerdictsReadsTheLatest reads the verdicts from CloudWatch
// (moto): the latest minute wins, the graver verdict within a minute, the
// analysis over the smoke check; another service's verdicts and those
// before the deployment never count.
func TestCloudWatchVerdictsReadsTheLatest(t *testing.T) {
	srv := moto.Shared(t)
	cw := lifecyclehook.NewCloudWatch(aws.Config{Region: moto.Region, BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, "")})
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	now := t0.Add(20 * time.Minute)
	r := CloudWatchVerdicts{API: cw, Now: func() time.Time { return now }}
	ctx := context.Background()

	if _, found, err := r.LatestVerdict(ctx, verdictService, t0); err != nil || found {
		t.Fatalf("no verdicts yet: found %v, err %v", found, err)
	}
	// Before the deployment began, and for another service.
	putVerdict(t, cw, verdictService, "analysis", "fail", t0.Add(-10*time.Minute), numbers(1, 1, 50, 0, 1, 1))
	putVerdict(t, cw, verdictService+"-other", "analysis", "fail", t0.Add(15*time.Minute), numbers(1, 1, 50, 0, 1, 1))
	putVerdict(t, cw, verdictService, "smoke", "pass", t0.Add(time.Minute+45*time.Second), nil)
	v, found, err := r.LatestVerdict(ctx, verdictService, t0)
	if err != nil || !found || v.Check != "smoke" || v.Verdict != "pass" || v.New.Known || !v.At.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after the smoke check: %+v found %v err %v", v, found, err)
	}
	putVerdict(t, cw, verdictService, "analysis", "inconclusive", t0.Add(9*time.Minute), numbers(240, 2160, 6.67, 0.09, 800, 200))
	putVerdict(t, cw, verdictService, "analysis", "pass", t0.Add(11*time.Minute+10*time.Second), numbers(480, 4320, 0, 0.09, 220, 200))
	putVerdict(t, cw, verdictService, "analysis", "fail", t0.Add(11*time.Minute+40*time.Second), numbers(480, 4320, 6.67, 0.09, 800, 200))
	v, found, err = r.LatestVerdict(ctx, verdictService, t0)
	if err != nil || !found {
		t.Fatalf("found %v err %v", found, err)
	}
	want := HookVerdict{At: t0.Add(11 * time.Minute), Check: "analysis", Verdict: "fail",
		New: RevisionNumbers{Known: true, Requests: 480, ErrorPercent: 6.67, P99Millis: 800, HasP99: true},
		Old: RevisionNumbers{Known: true, Requests: 4320, ErrorPercent: 0.09, P99Millis: 200, HasP99: true}}
	if v != want {
		t.Fatalf("latest = %+v\nwant     %+v", v, want)
	}
	if got := verdictNote(v); got != "hook analysis fail (12:11 UTC): new 480 req, 6.7% errors, p99 800ms | old 4320 req, 0.09% errors, p99 200ms" {
		t.Errorf("note = %q", got)
	}
}

func TestVerdictNote(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 9, 0, 0, time.UTC)
	for _, c := range []struct {
		v    HookVerdict
		want string
	}{
		{HookVerdict{At: at, Check: "smoke", Verdict: "fail"}, "hook smoke fail (12:09 UTC)"},
		{HookVerdict{At: at, Check: "analysis", Verdict: "inconclusive", New: RevisionNumbers{Known: true, Requests: 12}},
			"hook analysis inconclusive (12:09 UTC): new 12 req, 0.0% errors"},
		{HookVerdict{At: at, Check: "analysis", Verdict: "pass", New: RevisionNumbers{Known: true, Requests: 600, ErrorPercent: 0.5, P99Millis: 181.4, HasP99: true},
			Old: RevisionNumbers{Known: true, Requests: 5400, ErrorPercent: 0.04}},
			"hook analysis pass (12:09 UTC): new 600 req, 0.5% errors, p99 181ms | old 5400 req, 0.04% errors"},
	} {
		if got := verdictNote(c.v); got != c.want {
			t.Errorf("verdictNote(%+v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// scriptedVerdicts answers LatestVerdict from a timeline on the fake
// clock, and records each call.
type scriptedVerdicts struct {
	clock *fakeClock
	mu    sync.Mutex
	at    []time.Duration
	v     []HookVerdict
	err   error
	calls []verdictCall
}

type verdictCall struct {
	at             time.Duration
	service        string
	since          time.Time
	found, errored bool
}

func (s *scriptedVerdicts) LatestVerdict(_ context.Context, service string, since time.Time) (HookVerdict, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el := s.clock.Now().Sub(s.clock.start)
	call := verdictCall{at: el, service: service, since: since}
	defer func() { s.calls = append(s.calls, call) }()
	if s.err != nil {
		call.errored = true
		return HookVerdict{}, false, s.err
	}
	var v HookVerdict
	for i, from := range s.at {
		if el >= from {
			v, call.found = s.v[i], true
		}
	}
	return v, call.found, nil
}

// withService is sd with the service, creation time and Lambda hook a real
// answer of a service with the analysis on has.
func withService(d ecstypes.ServiceDeployment, created time.Time) ecstypes.ServiceDeployment {
	d.ServiceArn, d.CreatedAt = aws.String(verdictService), aws.Time(created)
	cfg := *d.DeploymentConfiguration
	cfg.LifecycleHooks = []ecstypes.DeploymentLifecycleHook{{HookTargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:analysis"),
		LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{ecstypes.DeploymentLifecycleHookStage("PRE_PRODUCTION_TRAFFIC_SHIFT")}}}
	d.DeploymentConfiguration = &cfg
	return d
}

// TestWaitServiceShowsTheHookVerdict: while traffic moves the progress
// carries the hook's latest verdict with both revisions' numbers, read at
// most once a minute (and once more at the end) for the deployment's
// service since it was created; the rolled-back release's error says the
// verdict that rolled it back.
func TestWaitServiceShowsTheHookVerdict(t *testing.T) {
	clock := newFakeClock()
	created := clock.start.Add(-2 * time.Minute)
	failed := ecstypes.DeploymentLifecycleHookDetail{HookId: aws.String("7d2f0c4b-8e9a-4b1c-a2d3-e4f5a6b7c8d9"), TargetType: ecstypes.DeploymentLifecycleHookTargetTypeAwsLambda,
		TargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:analysis"), Status: ecstypes.DeploymentLifecycleHookStatusFailed}
	done := withService(sd(ecstypes.ServiceDeploymentStatusRollbackSuccessful, ecstypes.ServiceDeploymentLifecycleStage("PRE_PRODUCTION_TRAFFIC_SHIFT"), 0, failed), created)
	s := newSimECS(t, clock,
		simState{At: 0, D: withService(sd(inProgress, prodShift, 10), created)},
		simState{At: 5*time.Minute + 30*time.Second, D: done},
	)
	at := func(m int) time.Time { return clock.start.Add(time.Duration(m) * time.Minute) }
	vs := &scriptedVerdicts{clock: clock,
		at: []time.Duration{90 * time.Second, 4*time.Minute + 10*time.Second},
		v: []HookVerdict{
			{At: at(1), Check: "analysis", Verdict: "inconclusive", New: RevisionNumbers{Known: true, Requests: 240, ErrorPercent: 6.67, P99Millis: 800, HasP99: true},
				Old: RevisionNumbers{Known: true, Requests: 2160, ErrorPercent: 0.09, P99Millis: 200, HasP99: true}},
			{At: at(4), Check: "analysis", Verdict: "fail", New: RevisionNumbers{Known: true, Requests: 480, ErrorPercent: 6.67, P99Millis: 800, HasP99: true},
				Old: RevisionNumbers{Known: true, Requests: 4320, ErrorPercent: 0.09, P99Millis: 200, HasP99: true}},
		}}
	_, err, out := runWaitService(t, context.Background(), s, Options{Verdicts: vs})
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("err = %v", err)
	}
	mustContain(t, out,
		"[  2m00s] IN_PROGRESS · traffic 10% → green (test 100%) · green tasks 2/2 running · PRODUCTION_TRAFFIC_SHIFT · hook analysis inconclusive (12:01 UTC): new 240 req, 6.7% errors, p99 800ms | old 2160 req, 0.09% errors, p99 200ms",
		"[  5m00s] IN_PROGRESS · traffic 10% → green (test 100%) · green tasks 2/2 running · PRODUCTION_TRAFFIC_SHIFT · hook analysis fail (12:04 UTC): new 480 req, 6.7% errors, p99 800ms | old 4320 req, 0.09% errors, p99 200ms")
	if strings.Contains(out, "[  1m00s] IN_PROGRESS · traffic 10% → green (test 100%) · green tasks 2/2 running · PRODUCTION_TRAFFIC_SHIFT · hook") {
		t.Errorf("a verdict shown before there was one:\n%s", out)
	}
	mustContain(t, err.Error(), "AWS_LAMBDA hook 7d2f0c4b-8e9a-4b1c-a2d3-e4f5a6b7c8d9 (arn:aws:lambda:us-east-1:123456789012:function:analysis) failed",
		"the deployment hook's latest verdict: hook analysis fail (12:04 UTC): new 480 req, 6.7% errors, p99 800ms | old 4320 req, 0.09% errors, p99 200ms")
	// Once a minute from the first poll, and the final read.
	var ats []time.Duration
	for _, c := range vs.calls {
		ats = append(ats, c.at)
		if c.service != verdictService || !c.since.Equal(created) {
			t.Errorf("read for %s since %s, want %s since %s", c.service, c.since, verdictService, created)
		}
	}
	want := []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5*time.Minute + 30*time.Second}
	if len(ats) != len(want) {
		t.Fatalf("verdict reads at %v, want %v", ats, want)
	}
	for i := range want {
		if ats[i] != want[i] {
			t.Fatalf("verdict reads at %v, want %v", ats, want)
		}
	}
}

// TestWaitServiceVerdictReadFailureIsANote: a release without
// cloudwatch:GetMetricData still follows its deployment to the end; the
// progress says the verdicts are unreadable, with the error code only.
func TestWaitServiceVerdictReadFailureIsANote(t *testing.T) {
	clock := newFakeClock()
	s := newSimECS(t, clock,
		simState{At: 0, D: withService(sd(inProgress, prodShift, 10), clock.start)},
		simState{At: 40 * time.Second, D: withService(sd(ecstypes.ServiceDeploymentStatusSuccessful, ecstypes.ServiceDeploymentLifecycleStageCleanUp, 100), clock.start)},
	)
	vs := &scriptedVerdicts{clock: clock, err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized to perform: cloudwatch:GetMetricData (request 1f2e)"}}
	res, err, out := runWaitService(t, context.Background(), s, Options{Verdicts: vs})
	if err != nil || res.Report.Phase != PhaseSucceeded {
		t.Fatalf("err %v, phase %s", err, res.Report.Phase)
	}
	mustContain(t, out, "PRODUCTION_TRAFFIC_SHIFT · hook verdicts unreadable: cloudwatch GetMetricData failed: AccessDenied")
	if strings.Contains(out, "request 1f2e") {
		t.Errorf("the error message reached the progress:\n%s", out)
	}
}

// TestWaitServiceReadsNoVerdictsWithoutALambdaHook: with the analysis off
// (no Lambda hook, or only a PAUSE hook) no verdict is read, and a release
// without cloudwatch:GetMetricData sees no note about it.
func TestWaitServiceReadsNoVerdictsWithoutALambdaHook(t *testing.T) {
	plain := sd(inProgress, prodShift, 10)
	plain.ServiceArn, plain.CreatedAt = aws.String(verdictService), aws.Time(newFakeClock().start)
	paused := plain
	cfg := *paused.DeploymentConfiguration
	cfg.LifecycleHooks = []ecstypes.DeploymentLifecycleHook{{TargetType: ecstypes.DeploymentLifecycleHookTargetTypePause,
		LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{ecstypes.DeploymentLifecycleHookStage("POST_TEST_TRAFFIC_SHIFT")}}}
	paused.DeploymentConfiguration = &cfg
	for name, d := range map[string]ecstypes.ServiceDeployment{"no hook": plain, "pause hook": paused} {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			done := d
			done.Status, done.LifecycleStage = ecstypes.ServiceDeploymentStatusSuccessful, ecstypes.ServiceDeploymentLifecycleStageCleanUp
			s := newSimECS(t, clock, simState{At: 0, D: d}, simState{At: 90 * time.Second, D: done})
			vs := &scriptedVerdicts{clock: clock, err: &smithy.GenericAPIError{Code: "AccessDenied"}}
			if _, err, out := runWaitService(t, context.Background(), s, Options{Verdicts: vs}); err != nil || strings.Contains(out, "verdict") {
				t.Fatalf("err %v; progress:\n%s", err, out)
			}
			if len(vs.calls) != 0 {
				t.Errorf("%d verdict reads without a Lambda hook", len(vs.calls))
			}
		})
	}
}
