package ecsfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/document"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
)

const analysisFn = "arn:aws:lambda:us-east-1:123456789012:function:canary-analysis"

// invocation is one call a test function saw: its payload and the clock.
type invocation struct {
	at time.Duration
	p  struct {
		ExecutionDetails struct {
			TestTrafficWeights       map[string]float64 `json:"testTrafficWeights"`
			ProductionTrafficWeights map[string]float64 `json:"productionTrafficWeights"`
			ServiceArn               string             `json:"serviceArn"`
			TargetServiceRevisionArn string             `json:"targetServiceRevisionArn"`
		} `json:"executionDetails"`
		ExecutionID    string          `json:"executionId"`
		LifecycleStage string          `json:"lifecycleStage"`
		ResourceArn    string          `json:"resourceArn"`
		HookDetails    json.RawMessage `json:"hookDetails"`
	}
}

// recorder is a hook function that records each payload and answers what
// its answer function says for the n-th call (from 0).
type recorder struct {
	mu     sync.Mutex
	clock  *ecsfake.ManualClock
	start  time.Time
	calls  []invocation
	answer func(n int, inv invocation) (string, error)
}

func (r *recorder) fn(_ context.Context, payload []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var inv invocation
	inv.at = r.clock.Now().Sub(r.start)
	if err := json.Unmarshal(payload, &inv.p); err != nil {
		return nil, fmt.Errorf("payload %s: %w", payload, err)
	}
	r.calls = append(r.calls, inv)
	out, err := r.answer(len(r.calls)-1, inv)
	return []byte(out), err
}

func hookedCanary(stages ...types.DeploymentLifecycleHookStage) *types.DeploymentConfiguration {
	return &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(2),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(3)},
		LifecycleHooks: []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(analysisFn), RoleArn: aws.String("arn:aws:iam::123456789012:role/hooks"),
			LifecycleStages: stages, HookDetails: document.NewLazyDocument(map[string]any{"team": "shop"})}},
	}
}

// TestLambdaHookInvokedAsECSDoes: a registered function is invoked at
// PRE_PRODUCTION_TRAFFIC_SHIFT before every step of a canary with ECS's
// payload (the deployment, service, target revision, both revisions'
// weights, the service definition's hookDetails); IN_PROGRESS holds the
// stage and brings the next call callBackDelay later with the hookDetails
// it returned, under the same executionId; SUCCEEDED lets the deployment
// go on.
func TestLambdaHookInvokedAsECSDoes(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, hookedCanary(types.DeploymentLifecycleHookStagePreProductionTrafficShift))
	rec := &recorder{clock: e.Clock, start: e.Clock.Now(), answer: func(n int, inv invocation) (string, error) {
		switch n {
		case 0, 3:
			return `{"hookStatus":"SUCCEEDED"}`, nil
		case 1:
			return `{"hookStatus":"IN_PROGRESS","callBackDelay":45,"hookDetails":{"team":"shop","windows":1}}`, nil
		}
		return `{"hookStatus":"SUCCEEDED"}`, nil
	}}
	e.Server.SetHookFunction(analysisFn, rec.fn)
	arn := e.Deploy(t)
	lines, final := e.follow(t, arn, 5*time.Second, time.Hour, nil)
	if final.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("final %s:\n%s", line(final), strings.Join(lines, "\n"))
	}
	assertInOrder(t, lines, []string{"PRE_PRODUCTION_TRAFFIC_SHIFT prod=10% test=100% tasks=2/2 hook=AWS_LAMBDA:SUCCEEDED hook=AWS_LAMBDA:IN_PROGRESS", "SUCCESSFUL"})
	if len(rec.calls) != 3 {
		t.Fatalf("calls = %d, want 3 (first step; second step IN_PROGRESS then SUCCEEDED): %+v", len(rec.calls), rec.calls)
	}
	d, src := e.Deployment(t, arn), ""
	src = aws.ToString(d.SourceServiceRevisions[0].Arn)
	target := aws.ToString(d.TargetServiceRevision.Arn)
	for i, c := range rec.calls {
		p := c.p
		if p.LifecycleStage != "PRE_PRODUCTION_TRAFFIC_SHIFT" || p.ResourceArn != arn || p.ExecutionDetails.ServiceArn != aws.ToString(d.ServiceArn) || p.ExecutionDetails.TargetServiceRevisionArn != target {
			t.Errorf("call %d payload %+v", i, p)
		}
		if w := p.ExecutionDetails.TestTrafficWeights; w[target] != 100 || w[src] != 0 {
			t.Errorf("call %d test weights %v", i, w)
		}
	}
	if w := rec.calls[0].p.ExecutionDetails.ProductionTrafficWeights; w[target] != 0 || w[src] != 100 {
		t.Errorf("before the first step production weights %v, want target 0 / source 100", w)
	}
	for _, i := range []int{1, 2} {
		if w := rec.calls[i].p.ExecutionDetails.ProductionTrafficWeights; w[target] != 10 || w[src] != 90 {
			t.Errorf("call %d before the last step production weights %v, want the canary's 10/90", i, w)
		}
	}
	if string(rec.calls[0].p.HookDetails) != `{"team":"shop"}` || string(rec.calls[1].p.HookDetails) != `{"team":"shop"}` {
		t.Errorf("first calls' hookDetails %s, %s; want the service definition's", rec.calls[0].p.HookDetails, rec.calls[1].p.HookDetails)
	}
	if string(rec.calls[2].p.HookDetails) != `{"team":"shop","windows":1}` {
		t.Errorf("the call after IN_PROGRESS carries %s, want what the function returned", rec.calls[2].p.HookDetails)
	}
	if rec.calls[1].p.ExecutionID != rec.calls[2].p.ExecutionID || rec.calls[0].p.ExecutionID == rec.calls[1].p.ExecutionID {
		t.Errorf("executionIds %q %q %q: stable within a run, new for each run", rec.calls[0].p.ExecutionID, rec.calls[1].p.ExecutionID, rec.calls[2].p.ExecutionID)
	}
	if gap := rec.calls[2].at - rec.calls[1].at; gap < 45*time.Second || gap > 50*time.Second {
		t.Errorf("call after IN_PROGRESS came %s later, want callBackDelay 45s (within the 5s tick)", gap)
	}
	e.NoFailures(t)
}

// TestLambdaHookAnswersThatRollBack: FAILED, an answer without a valid
// hookStatus and a failed invocation each roll the deployment back at once,
// naming the function.
func TestLambdaHookAnswersThatRollBack(t *testing.T) {
	for name, c := range map[string]struct {
		out    string
		err    error
		reason string
	}{
		"failed":     {out: `{"hookStatus":"FAILED"}`, reason: "failed at PRE_PRODUCTION_TRAFFIC_SHIFT."},
		"no status":  {out: `{"status":"OK"}`, reason: "no valid hookStatus"},
		"bad status": {out: `{"hookStatus":"PASSED"}`, reason: `no valid hookStatus ("PASSED"`},
		"not JSON":   {out: `oops`, reason: "no JSON object"},
		"error":      {err: errors.New("Runtime.ExitError"), reason: "invocation failed: Runtime.ExitError"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.CreateService(t, hookedCanary(types.DeploymentLifecycleHookStagePreProductionTrafficShift))
			rec := &recorder{clock: e.Clock, start: e.Clock.Now(), answer: func(n int, inv invocation) (string, error) {
				if n == 0 { // before the first step
					return `{"hookStatus":"IN_PROGRESS","callBackDelay":20}`, nil
				}
				return c.out, c.err
			}}
			e.Server.SetHookFunction(analysisFn, rec.fn)
			lines, final := e.follow(t, e.Deploy(t), 5*time.Second, time.Hour, nil)
			assertRolledBack(t, e, final, c.reason)
			if !strings.Contains(aws.ToString(final.Rollback.Reason), analysisFn) {
				t.Errorf("rollback reason %q names no function", aws.ToString(final.Rollback.Reason))
			}
			assertInOrder(t, lines, []string{"PRE_PRODUCTION_TRAFFIC_SHIFT prod=0% test=100% tasks=2/2 hook=AWS_LAMBDA:IN_PROGRESS", "ROLLBACK_IN_PROGRESS PRE_PRODUCTION_TRAFFIC_SHIFT prod=0% test=0% tasks=2/2 hook=AWS_LAMBDA:FAILED"})
			if len(rec.calls) != 2 {
				t.Errorf("calls = %d, want 2", len(rec.calls))
			}
		})
	}
}

// TestLambdaHookOverHTTP: a function served by an HTTP endpoint is invoked
// the same way; a non-200 answer is a failed invocation.
func TestLambdaHookOverHTTP(t *testing.T) {
	var mu sync.Mutex
	var stages []string
	fail := false
	fn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p struct{ LifecycleStage string }
		_ = json.Unmarshal(b, &p)
		mu.Lock()
		defer mu.Unlock()
		stages = append(stages, p.LifecycleStage)
		if fail {
			http.Error(w, "Task timed out after 3.00 seconds", http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"hookStatus":"SUCCEEDED"}`)
	}))
	t.Cleanup(fn.Close)
	e := newEnv(t)
	e.CreateService(t, hookedCanary(types.DeploymentLifecycleHookStagePostTestTrafficShift, types.DeploymentLifecycleHookStagePostProductionTrafficShift))
	e.Server.SetHookFunction(analysisFn, ecsfake.HookEndpoint(fn.URL))
	_, final := e.follow(t, e.Deploy(t), 5*time.Second, time.Hour, nil)
	if final.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("final %s", line(final))
	}
	if got := strings.Join(stages, ","); got != "POST_TEST_TRAFFIC_SHIFT,POST_PRODUCTION_TRAFFIC_SHIFT,POST_PRODUCTION_TRAFFIC_SHIFT" {
		t.Errorf("stages invoked: %s", got)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	_, final = e.follow(t, e.DeployTaskDefinition(t, e.Register(t, "v3")), 5*time.Second, time.Hour, nil)
	// The service serves from green now, so assertRolledBack's blue does
	// not apply: the status and the reason say it.
	if final.Status != types.ServiceDeploymentStatusRollbackSuccessful || final.Rollback == nil ||
		!strings.Contains(aws.ToString(final.Rollback.Reason), "invocation failed: HTTP 502: Task timed out after 3.00 seconds") {
		t.Fatalf("final %s, rollback %+v", line(final), final.Rollback)
	}
}

// TestLambdaHookHoldsUntilItAnswers: a function that keeps answering
// IN_PROGRESS holds the stage (no Timings.Hook limit) and may read the
// deployment through the stand-in while it runs, seeing its own run
// IN_PROGRESS; an alarm while it holds rolls back, its run reported FAILED
// and never invoked again.
func TestLambdaHookHoldsUntilItAnswers(t *testing.T) {
	e := newEnv(t)
	cfg := hookedCanary(types.DeploymentLifecycleHookStagePostTestTrafficShift)
	cfg.Alarms = &types.DeploymentAlarms{AlarmNames: []string{"green-5xx"}, Enable: true, Rollback: true}
	e.CreateService(t, cfg)
	var arn string
	var seen []types.DeploymentLifecycleHookStatus
	rec := &recorder{clock: e.Clock, start: e.Clock.Now(), answer: func(int, invocation) (string, error) {
		// The function reads the deployment as the real hook reads the
		// service revisions: through the stand-in, mid-invocation.
		out, err := e.ECS.DescribeServiceDeployments(context.Background(), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
		if err != nil {
			return "", err
		}
		seen = append(seen, out.ServiceDeployments[0].LifecycleHookDetails[0].Status)
		return `{"hookStatus":"IN_PROGRESS","callBackDelay":60}`, nil
	}}
	e.Server.SetHookFunction(analysisFn, rec.fn)
	arn = e.Deploy(t)
	lines, d := e.follow(t, arn, 15*time.Second, 20*time.Minute, func(d types.ServiceDeployment) bool {
		return len(rec.calls) >= 10
	})
	if d.Status != types.ServiceDeploymentStatusInProgress || d.LifecycleStage != types.ServiceDeploymentLifecycleStagePostTestTrafficShift {
		t.Fatalf("after 10 IN_PROGRESS answers: %s\n%s", line(d), strings.Join(lines, "\n"))
	}
	for i, s := range seen {
		if s != types.DeploymentLifecycleHookStatusInProgress {
			t.Fatalf("call %d saw its run %s, want IN_PROGRESS", i, s)
		}
	}
	e.Server.SetAlarm("green-5xx", true)
	calls := len(rec.calls)
	_, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	if final.Status != types.ServiceDeploymentStatusRollbackSuccessful || final.LifecycleHookDetails[0].Status != types.DeploymentLifecycleHookStatusFailed {
		t.Fatalf("after the alarm: %s", line(final))
	}
	if !strings.Contains(aws.ToString(final.Rollback.Reason), "green-5xx") {
		t.Errorf("rollback reason %q", aws.ToString(final.Rollback.Reason))
	}
	if len(rec.calls) != calls {
		t.Errorf("the function was invoked %d more times after the rollback began", len(rec.calls)-calls)
	}
}
