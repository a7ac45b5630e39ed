package lifecyclehook

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var (
	goodNew = albMinute{requests: 120, p50: 0.022, p99: 0.19}
	goodOld = albMinute{requests: 1100, e5: 1, p50: 0.021, p99: 0.18}
	badNew  = albMinute{requests: 120, e5: 6, p50: 0.022, p99: 0.19} // 5 % errors
)

func TestSmokeCheckAfterTestTrafficShift(t *testing.T) {
	w := newWorld(t, Config{})
	resp, rec := w.invoke(payload(t, "ecs_post_test_traffic_shift.json"))
	if resp.HookStatus != StatusSucceeded || rec.Verdict != "pass" || rec.Check != "smoke" || rec.Smoke == nil {
		t.Fatalf("healthy app: %+v / %+v", resp, rec)
	}
	if !strings.HasPrefix(rec.Msg, "smoke check pass: all 2 request(s)") {
		t.Errorf("msg %q", rec.Msg)
	}
	w.healthy.Store(false)
	resp, rec = w.invoke(payload(t, "ecs_post_test_traffic_shift.json"))
	if resp.HookStatus != StatusFailed || rec.Verdict != "fail" || rec.HookStatus != StatusFailed {
		t.Fatalf("broken app: %+v / %+v", resp, rec)
	}
	if !strings.Contains(rec.Msg, "GET /healthz → 200 (#1): got 503, want 200") {
		t.Errorf("msg %q", rec.Msg)
	}
	if w.revs.calls != 0 {
		t.Error("the smoke check read service revisions")
	}
}

func TestNothingToJudgeBeforeTheFirstProductionStep(t *testing.T) {
	w := newWorld(t, Config{})
	resp, rec := w.invoke(payload(t, "ecs_pre_production_first_step.json"))
	if resp.HookStatus != StatusSucceeded || rec.Verdict != "skipped" || resp.CallBackDelay != 0 {
		t.Fatalf("%+v / %+v", resp, rec)
	}
	if w.revs.calls != 0 || w.h.Metrics.(*percentilesAsMinMax).calls != 0 {
		t.Error("read AWS with nothing to judge")
	}
}

func TestCanaryStepWithGoodMetricsSucceedsAfterAWholeWindow(t *testing.T) {
	w := newWorld(t, Config{})
	w.traffic(repeat(6, goodNew), repeat(6, goodOld))
	p := payload(t, "ecs_pre_production_step.json")

	// 04:00:30: the window opens at 04:01; two minutes, complete in
	// CloudWatch two minutes later: call back at 04:05:00.
	resp, rec := w.invoke(p)
	if resp.HookStatus != StatusInProgress || resp.CallBackDelay != 270 {
		t.Fatalf("first call: %+v / %+v", resp, rec)
	}
	if rec.Verdict != "waiting" || !strings.Contains(rec.Msg, "waiting for the first whole 2m0s window from 04:01") {
		t.Errorf("first call log %+v", rec)
	}
	if string(resp.HookDetails["team"]) != `"shop"` {
		t.Errorf("the service's own hookDetails were not handed back: %s", resp.HookDetails)
	}
	var st state
	if err := json.Unmarshal(resp.HookDetails[stateKey], &st); err != nil || !st.Start.Equal(w0.Add(time.Minute)) || st.New != greenDim || st.Old != blueDim {
		t.Fatalf("state %+v (%v)", st, err)
	}

	// Called back early (ECS may): still waiting, no metrics read.
	w.now = w0.Add(4 * time.Minute)
	resp2, _ := w.invoke(feedBack(t, p, resp))
	if resp2.HookStatus != StatusInProgress || resp2.CallBackDelay != 60 {
		t.Fatalf("early call: %+v", resp2)
	}
	if w.h.Metrics.(*percentilesAsMinMax).calls != 0 {
		t.Error("metrics read before the window was complete")
	}

	w.now = w0.Add(5 * time.Minute)
	resp3, rec3 := w.invoke(feedBack(t, p, resp2))
	if resp3.HookStatus != StatusSucceeded || rec3.Verdict != "pass" {
		t.Fatalf("judged call: %+v / %s", resp3, rec3.Msg)
	}
	a := rec3.Analysis
	if a == nil || a.New.Requests != 240 || a.Old.Requests != 2200 || !a.Start.Equal(w0.Add(time.Minute)) || !a.End.Equal(w0.Add(3*time.Minute)) {
		t.Fatalf("analysis in the log: %+v", a)
	}
	if rec3.NewTarget == nil || *rec3.NewTarget != greenDim || rec3.OldTarget == nil || *rec3.OldTarget != blueDim {
		t.Errorf("targets in the log: %+v %+v", rec3.NewTarget, rec3.OldTarget)
	}
	if w.revs.calls != 1 {
		t.Errorf("service revisions read %d times; the state carries them after the first", w.revs.calls)
	}
	t.Logf("passing verdict: %s", rec3.Msg)
}

func TestCanaryStepWithBadMetricsFailsAfterTwoBadWindows(t *testing.T) {
	w := newWorld(t, Config{})
	w.traffic(repeat(8, badNew), repeat(8, goodOld))
	p := payload(t, "ecs_pre_production_step.json")
	resp, _ := w.invoke(p)

	w.now = w0.Add(5 * time.Minute)
	resp, rec := w.invoke(feedBack(t, p, resp))
	if resp.HookStatus != StatusInProgress || rec.Verdict != "inconclusive" {
		t.Fatalf("one bad window must not fail yet: %+v / %s", resp, rec.Msg)
	}
	if resp.CallBackDelay != 120 { // the next window, 04:03–04:05, is complete at 04:07
		t.Errorf("callBackDelay %d, want 120", resp.CallBackDelay)
	}

	w.now = w0.Add(7 * time.Minute)
	resp, rec = w.invoke(feedBack(t, p, resp))
	if resp.HookStatus != StatusFailed || rec.Verdict != "fail" || rec.Level != "warn" {
		t.Fatalf("two bad windows: %+v / %s", resp, rec.Msg)
	}
	if !strings.HasPrefix(rec.Msg, "fail: 2 bad window(s) in a row (fails at 2): error rate 5.00 % is above the limit 1.00 %") {
		t.Errorf("msg %q", rec.Msg)
	}
	if resp.HookDetails != nil || resp.CallBackDelay != 0 {
		t.Errorf("a final answer carries no callback: %+v", resp)
	}
	t.Logf("failing verdict: %s", rec.Msg)
}

func TestAfterTheLastShiftTheNewRevisionIsJudgedOnItsOwn(t *testing.T) {
	w := newWorld(t, Config{})
	// All production traffic on the new revision, none on the old.
	w.traffic(repeat(6, albMinute{requests: 1200, e5: 2, p50: 0.02, p99: 0.4}), nil)
	p := payload(t, "ecs_post_production_traffic_shift.json")
	resp, _ := w.invoke(p)
	w.now = w0.Add(5 * time.Minute)
	resp, rec := w.invoke(feedBack(t, p, resp))
	if resp.HookStatus != StatusSucceeded || rec.Verdict != "pass" {
		t.Fatalf("%+v / %s", resp, rec.Msg)
	}
	if rec.Analysis.Windows[0].Compared {
		t.Error("compared with an old revision that served nothing")
	}
}

func TestSparseTrafficWaitsThenRollsBackAtMaxWait(t *testing.T) {
	for _, c := range []struct {
		on   string
		want string
	}{{"", StatusFailed}, {OnInconclusiveContinue, StatusSucceeded}} {
		t.Run("onInconclusive="+c.on, func(t *testing.T) {
			w := newWorld(t, Config{MaxWait: 10 * time.Minute, OnInconclusive: c.on})
			w.traffic(repeat(12, albMinute{requests: 3, p99: 0.1}), repeat(12, goodOld))
			p := payload(t, "ecs_pre_production_step.json")
			resp, _ := w.invoke(p)
			w.now = w0.Add(5 * time.Minute)
			resp, rec := w.invoke(feedBack(t, p, resp))
			if resp.HookStatus != StatusInProgress || rec.Verdict != "inconclusive" || !strings.Contains(rec.Msg, "too few requests") {
				t.Fatalf("sparse traffic must never pass: %+v / %s", resp, rec.Msg)
			}
			w.now = w0.Add(10*time.Minute + 30*time.Second)
			resp, rec = w.invoke(feedBack(t, p, resp))
			if resp.HookStatus != c.want || rec.Verdict != "inconclusive" {
				t.Fatalf("at MaxWait: %+v / %s", resp, rec.Msg)
			}
			if !strings.Contains(rec.Msg, "after 10m0s") {
				t.Errorf("msg %q", rec.Msg)
			}
		})
	}
}

func TestStateFromAnotherStepIsNotReused(t *testing.T) {
	w := newWorld(t, Config{})
	w.traffic(repeat(10, goodNew), repeat(10, goodOld))
	p := payload(t, "ecs_pre_production_step.json")
	resp, _ := w.invoke(p)
	// The next linear step: 20 % now, and ECS starts a new execution.
	next := strings.ReplaceAll(string(feedBack(t, p, resp)), `"`+newRev+`":10`, `"`+newRev+`":20`)
	w.now = w0.Add(6*time.Minute + 10*time.Second)
	resp2, rec := w.invoke([]byte(next))
	if resp2.HookStatus != StatusInProgress || rec.Verdict != "waiting" {
		t.Fatalf("%+v / %+v", resp2, rec)
	}
	var st state
	_ = json.Unmarshal(resp2.HookDetails[stateKey], &st)
	if !st.Start.Equal(w0.Add(7*time.Minute)) || st.Weight != 20 {
		t.Errorf("new step's state %+v: want a window from 04:07 at 20 %%", st)
	}
}

func TestTargetGroupProblems(t *testing.T) {
	p := payload(t, "ecs_pre_production_step.json")
	t.Run("throttled read is retried", func(t *testing.T) {
		w := newWorld(t, Config{})
		w.revs.err = errThrottled
		resp, rec := w.invoke(p)
		if resp.HookStatus != StatusInProgress || resp.CallBackDelay != retryCallBack || !strings.Contains(rec.Error, "Rate exceeded") {
			t.Fatalf("%+v / %+v", resp, rec)
		}
		w.revs.err = nil
		w.now = w0.Add(90 * time.Second)
		resp, _ = w.invoke(feedBack(t, p, resp))
		if resp.HookStatus != StatusInProgress || w.revs.calls != 2 {
			t.Fatalf("retry: %+v, %d calls", resp, w.revs.calls)
		}
	})
	t.Run("same target group for both revisions fails at once", func(t *testing.T) {
		w := newWorld(t, Config{})
		w.revs.revs[oldRev] = resolvedRevision(oldRev, greenTG)
		resp, rec := w.invoke(p)
		if resp.HookStatus != StatusFailed || !strings.Contains(rec.Msg, "resolve to the same target group") {
			t.Fatalf("%+v / %+v", resp, rec)
		}
	})
	t.Run("no listener rule and no configured load balancer", func(t *testing.T) {
		w := newWorld(t, Config{})
		w.revs.revs[newRev] = ecstypes.ServiceRevision{ServiceRevisionArn: aws.String(newRev),
			LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(greenTG)}}}
		resp, rec := w.invoke(p)
		if resp.HookStatus != StatusFailed || !strings.Contains(rec.Msg, "names no listener rule, and no load balancer is configured (ANALYSIS_LOAD_BALANCER)") {
			t.Fatalf("%+v / %+v", resp, rec)
		}
	})
	t.Run("configured load balancer fills in", func(t *testing.T) {
		w := newWorld(t, Config{LoadBalancer: lbArn})
		w.revs.revs[newRev] = ecstypes.ServiceRevision{ServiceRevisionArn: aws.String(newRev),
			LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(greenTG)}}}
		resp, _ := w.invoke(p)
		var st state
		_ = json.Unmarshal(resp.HookDetails[stateKey], &st)
		if resp.HookStatus != StatusInProgress || st.New != greenDim {
			t.Fatalf("%+v / %+v", resp, st)
		}
	})
	t.Run("a revision ECS does not know", func(t *testing.T) {
		w := newWorld(t, Config{})
		delete(w.revs.revs, newRev)
		resp, rec := w.invoke(p)
		if resp.HookStatus != StatusFailed || !strings.Contains(rec.Msg, "did not return revision "+newRev+" (MISSING)") {
			t.Fatalf("%+v / %+v", resp, rec)
		}
	})
}

func TestOtherStagesContinue(t *testing.T) {
	w := newWorld(t, Config{})
	p := strings.Replace(string(payload(t, "ecs_post_test_traffic_shift.json")), "POST_TEST_TRAFFIC_SHIFT", "POST_SCALE_UP", 1)
	resp, rec := w.invoke([]byte(p))
	if resp.HookStatus != StatusSucceeded || rec.Verdict != "skipped" || !strings.Contains(rec.Msg, "POST_SCALE_UP") {
		t.Fatalf("%+v / %+v", resp, rec)
	}
}

func TestBadPayloadsAreErrors(t *testing.T) {
	w := newWorld(t, Config{})
	for _, c := range []struct{ payload, want string }{
		{`[]`, "not a JSON object"},
		{`{"serviceArn":"x","targetServiceRevisionArn":"y"}`, "lifecycleStage is missing"},
		{`{"lifecycleStage":"POST_TEST_TRAFFIC_SHIFT","targetServiceRevisionArn":"y"}`, "serviceArn is missing"},
		{`{"lifecycleStage":"POST_TEST_TRAFFIC_SHIFT","executionDetails":{"serviceArn":"x"}}`, "targetServiceRevisionArn is missing"},
		{`{"DeploymentId":"d-123"}`, "LifecycleEventHookExecutionId \"\" must both be set"},
	} {
		_, err := w.h.Invoke(context.Background(), []byte(c.payload))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Invoke(%s) = %v, want %q", c.payload, err, c.want)
		}
	}
}

func TestParseECSEventShapes(t *testing.T) {
	flat, err := ParseECSEvent(payload(t, "ecs_post_test_traffic_shift.json"))
	if err != nil {
		t.Fatal(err)
	}
	nested, err := ParseECSEvent(payload(t, "ecs_pre_production_step.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []ECSEvent{flat, nested} {
		if e.TargetServiceRevisionArn != newRev || e.OldRevision() != oldRev || e.ServiceArn == "" || e.ResourceArn == "" || e.ExecutionID == "" {
			t.Errorf("event %+v", e)
		}
	}
	if nested.ProductionTrafficWeights[newRev] != 10 || string(nested.HookDetails["team"]) != `"shop"` {
		t.Errorf("nested %+v", nested)
	}
	first := ECSEvent{TargetServiceRevisionArn: newRev, ProductionTrafficWeights: map[string]float64{newRev: 0}}
	if first.OldRevision() != "" {
		t.Error("a first deployment has no old revision")
	}
}

// failingMetrics fails every read, like CloudWatch throttling for good.
type failingMetrics struct{ MetricReader }

func (failingMetrics) GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	return nil, errThrottled
}

func TestMetricReadFailuresRetryUntilMaxWait(t *testing.T) {
	w := newWorld(t, Config{MaxWait: 8 * time.Minute})
	w.h.Metrics = failingMetrics{}
	p := payload(t, "ecs_pre_production_step.json")
	resp, _ := w.invoke(p)
	w.now = w0.Add(5 * time.Minute)
	resp, rec := w.invoke(feedBack(t, p, resp))
	if resp.HookStatus != StatusInProgress || resp.CallBackDelay != retryCallBack || rec.Verdict != "waiting" || !strings.Contains(rec.Error, "Rate exceeded") ||
		rec.Msg != "reading the metrics failed, trying again" {
		t.Fatalf("first failed read: %+v / %+v", resp, rec)
	}
	w.now = w0.Add(9 * time.Minute)
	resp, rec = w.invoke(feedBack(t, p, resp))
	if resp.HookStatus != StatusFailed || rec.Verdict != "inconclusive" ||
		rec.Msg != "inconclusive: no verdict after 8m0s (reading the metrics failed); rolling back (onInconclusive rollback)" {
		t.Fatalf("at MaxWait: %+v / %q", resp, rec.Msg)
	}
}
