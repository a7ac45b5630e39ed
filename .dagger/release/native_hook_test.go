package release

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/lifecyclehook"
	"dagger/ecs-bluegreen/smokecheck"
)

// The end-to-end canary judged by the real deployment hook: the stand-in
// invokes lifecyclehook's handler as ECS invokes the Lambda, the handler
// reads the two target groups' ALB metrics from CloudWatch (moto, through
// the stand-in), and release --deploy's waiter follows the deployment and
// shows the hook's verdicts, read back from the metrics the hook's log
// lines make.

const hookFunction = "arn:aws:lambda:us-east-1:123456789012:function:webapp-deployment-hook"

// albMinute is one minute of one target group's load balancer metrics.
type albMinute struct {
	requests, errors5xx float64
	p50, p99            float64 // seconds
}

var (
	oldMinute  = albMinute{requests: 1080, errors5xx: 1, p50: 0.04, p99: 0.2}
	goodMinute = albMinute{requests: 120, p50: 0.04, p99: 0.22}
	// badMinute: 6.7 % errors and a p99 four times the old one's, while
	// every absolute alarm of a 5xx count in the dozens stays quiet.
	badMinute = albMinute{requests: 120, errors5xx: 8, p50: 0.05, p99: 0.8}
)

// hookCanary is the release tests' canary with the hook at the smoke
// check's and the analysis' stages.
func hookCanary() *ecstypes.DeploymentConfiguration {
	cfg := canary()
	cfg.BakeTimeInMinutes = aws.Int32(2)
	cfg.CanaryConfiguration.CanaryBakeTimeInMinutes = aws.Int32(3)
	cfg.LifecycleHooks = []ecstypes.DeploymentLifecycleHook{{
		HookTargetArn: aws.String(hookFunction), RoleArn: aws.String("arn:aws:iam::123456789012:role/webapp-hook-invoke"),
		LifecycleStages: []ecstypes.DeploymentLifecycleHookStage{
			ecstypes.DeploymentLifecycleHookStagePostTestTrafficShift, ecstypes.DeploymentLifecycleHookStagePreProductionTrafficShift,
		},
	}}
	return cfg
}

// hookWorld is the stand-in with the hook registered and the new revision's
// metrics as given; it returns the CloudWatch client and the hook's log.
func hookWorld(t *testing.T, newMinute albMinute) (*ecsfake.Env, *Plan, *cloudwatch.Client, *bytes.Buffer) {
	t.Helper()
	e, plan := nativeWorld(t, hookCanary())
	// One endpoint serves the whole test: the stand-in forwards CloudWatch
	// to moto.
	cw := lifecyclehook.NewCloudWatch(aws.Config{
		Region: moto.Region, BaseEndpoint: aws.String(e.Server.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""),
	})
	lb := regexp.MustCompile(`app/[^/]+/[^/]+`).FindString(e.Listeners.ProductionRule)
	tg := func(arn string) string { return arn[strings.Index(arn, ":targetgroup/")+1:] }
	// The service serves from blue; the release goes to green.
	start := e.Clock.Now()
	putALB(t, cw, lb, tg(e.Listeners.Green), start, 60, newMinute)
	putALB(t, cw, lb, tg(e.Listeners.Blue), start, 60, oldMinute)

	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") }))
	t.Cleanup(app.Close)
	logs := &bytes.Buffer{}
	h := &lifecyclehook.Handler{
		Config:    lifecyclehook.Config{Smoke: smokecheck.Config{URL: app.URL, Timeout: 2 * time.Second}, LoadBalancer: e.Listeners.ProductionRule},
		Revisions: e.ECS,
		Metrics:   percentilesAsMinMax{cw},
		Now:       e.Clock.Now,
		Log:       &emfLogs{t: t, cw: cw, out: logs},
	}
	if err := h.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	e.Server.SetHookFunction(hookFunction, h.Invoke)
	return e, plan, cw, logs
}

// hookRequest is nativeRequest reading the hook's verdicts.
func hookRequest(e *ecsfake.Env, cw *cloudwatch.Client, out *strings.Builder) DeployRequest {
	req := nativeRequest(newSteppedClock(e.Clock), out, 0)
	req.Wait.Verdicts = deploy.CloudWatchVerdicts{API: cw, Now: e.Clock.Now}
	return req
}

// TestDeployNativeHookFailsABadCanary: the new revision's error rate and
// p99 are far worse than the old one's; the hook answers FAILED before the
// last step, ECS rolls the deployment back, and the release fails naming
// the hook and its verdict, with both revisions' numbers in the progress.
func TestDeployNativeHookFailsABadCanary(t *testing.T) {
	e, plan, cw, logs := hookWorld(t, badMinute)
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, hookRequest(e, cw, &out))
	t.Logf("progress:\n%s\nhook log:\n%s", out.String(), logs.String())
	if !errors.Is(err, deploy.ErrFailed) || res.Result.Report.Phase != deploy.PhaseRolledBack {
		t.Fatalf("err %v, phase %s; want ErrFailed, rolled back by ECS", err, res.Result.Report.Phase)
	}
	for _, want := range []string{"AWS_LAMBDA hook", hookFunction + ") failed", "ECS rolled it back",
		"the deployment hook's latest verdict: hook analysis fail", "new 480 req, 6.7% errors, p99 800ms | old 4320 req, 0.09% errors, p99 200ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	d := e.Deployment(t, res.DeploymentID)
	if d.Status != ecstypes.ServiceDeploymentStatusRollbackSuccessful || aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight) != 0 {
		t.Errorf("deployment %s, production on green %v%%", d.Status, aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight))
	}
	if !strings.Contains(logs.String(), `"verdict":"fail"`) || !strings.Contains(logs.String(), `"hookStatus":"FAILED"`) {
		t.Errorf("the hook logged no failing verdict:\n%s", logs.String())
	}
	e.NoFailures(t)
	goldenProgress(t, out.String(), "native_hook_fail.golden")
}

// TestDeployNativeHookPassesAGoodCanary: with the new revision as good as
// the old, the hook answers SUCCEEDED after a whole window and the release
// completes; the progress shows the waiting and the passing verdict.
func TestDeployNativeHookPassesAGoodCanary(t *testing.T) {
	e, plan, cw, logs := hookWorld(t, goodMinute)
	var out strings.Builder
	res, err := plan.DeployNative(context.Background(), e.ECS, hookRequest(e, cw, &out))
	t.Logf("progress:\n%s\nhook log:\n%s", out.String(), logs.String())
	if err != nil {
		t.Fatalf("DeployNative: %v", err)
	}
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusSuccessful {
		t.Fatalf("deployment %s", d.Status)
	}
	if !strings.Contains(logs.String(), `"verdict":"pass"`) || !strings.Contains(logs.String(), `"hookStatus":"IN_PROGRESS"`) {
		t.Errorf("the hook did not wait, then pass:\n%s", logs.String())
	}
	final := out.String()[strings.LastIndex(out.String(), "SUCCESSFUL"):]
	if !strings.Contains(final, "hook analysis pass") || !strings.Contains(final, "new 240 req, 0.0% errors, p99 220ms | old 2160 req, 0.09% errors, p99 200ms") {
		t.Errorf("the final report does not say why it passed:\n%s", final)
	}
	e.NoFailures(t)
	goldenProgress(t, out.String(), "native_hook_pass.golden")
}

// hookIDs hides the random lifecycle hook ids in goldens.
var hookIDs = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)

func goldenProgress(t *testing.T, got, name string) {
	t.Helper()
	got = arnPattern.ReplaceAllString(got, "service-deployment/web/webapp/ID")
	got = hookIDs.ReplaceAllString(got, "HOOK-ID")
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Hook -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("progress differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// putALB publishes n one-minute datapoints from start the way the load
// balancer does for one target group.
func putALB(t *testing.T, cw *cloudwatch.Client, lb, tg string, start time.Time, n int, m albMinute) {
	t.Helper()
	dims := []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(lb)}, {Name: aws.String("TargetGroup"), Value: aws.String(tg)}}
	var data []cwtypes.MetricDatum
	add := func(name string, at time.Time, v float64, unit cwtypes.StandardUnit) {
		data = append(data, cwtypes.MetricDatum{MetricName: aws.String(name), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(v), Unit: unit})
	}
	for i := range n {
		at := start.Add(time.Duration(i)*time.Minute + 20*time.Second)
		add("RequestCount", at, m.requests, cwtypes.StandardUnitCount)
		if m.errors5xx > 0 {
			add("HTTPCode_Target_5XX_Count", at, m.errors5xx, cwtypes.StandardUnitCount)
		}
		// Two samples a minute, so Minimum and Maximum stand for p50 and
		// p99 (see percentilesAsMinMax).
		add("TargetResponseTime", at, m.p50, cwtypes.StandardUnitSeconds)
		add("TargetResponseTime", at.Add(time.Second), m.p99, cwtypes.StandardUnitSeconds)
		add("UnHealthyHostCount", at, 0, cwtypes.StandardUnitCount)
	}
	for len(data) > 0 {
		k := min(len(data), 500)
		if _, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/ApplicationELB"), MetricData: data[:k]}); err != nil {
			t.Fatalf("PutMetricData: %v", err)
		}
		data = data[k:]
	}
}

// percentilesAsMinMax is where moto is too weak: moto 5.2.1 computes no
// percentile statistics in GetMetricData (a p99 query fails the call), so
// the hook's p50 and p99 queries go to moto as Minimum and Maximum, which
// putALB's two samples a minute make exact.
type percentilesAsMinMax struct{ lifecyclehook.MetricReader }

func (p percentilesAsMinMax) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	cp := *in
	cp.MetricDataQueries = nil
	for _, q := range in.MetricDataQueries {
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
	return p.MetricReader.GetMetricData(ctx, &cp, opts...)
}

// emfLogs is what CloudWatch Logs does with the Lambda's stdout: each line
// in the embedded metric format becomes metrics, here put into moto with
// PutMetricData (moto implements no EMF extraction). Every line is kept.
type emfLogs struct {
	t   *testing.T
	cw  *cloudwatch.Client
	mu  sync.Mutex
	out *bytes.Buffer
}

func (l *emfLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.out.Write(p)
	sc := bufio.NewScanner(bytes.NewReader(p))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		var line map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			l.t.Errorf("hook log line is not JSON: %v: %s", err, sc.Bytes())
			continue
		}
		var meta struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		}
		raw, ok := line["_aws"]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			l.t.Errorf("_aws: %v", err)
			continue
		}
		at := time.UnixMilli(meta.Timestamp)
		for _, d := range meta.CloudWatchMetrics {
			for _, set := range d.Dimensions {
				var dims []cwtypes.Dimension
				for _, name := range set {
					var v string
					_ = json.Unmarshal(line[name], &v)
					dims = append(dims, cwtypes.Dimension{Name: aws.String(name), Value: aws.String(v)})
				}
				var data []cwtypes.MetricDatum
				for _, m := range d.Metrics {
					var v float64
					if err := json.Unmarshal(line[m.Name], &v); err != nil {
						l.t.Errorf("EMF metric %s has no number: %s", m.Name, line[m.Name])
						continue
					}
					data = append(data, cwtypes.MetricDatum{MetricName: aws.String(m.Name), Dimensions: dims, Timestamp: aws.Time(at), Value: aws.Float64(v), Unit: cwtypes.StandardUnit(m.Unit)})
				}
				if _, err := l.cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String(d.Namespace), MetricData: data}); err != nil {
					l.t.Errorf("PutMetricData (EMF): %v", err)
				}
			}
		}
	}
	return len(p), nil
}
