package lifecyclehook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
	"time"

	"dagger/ecs-bluegreen/analysis"
	"dagger/ecs-bluegreen/smokecheck"
)

// Handler decides one hook invocation. Its AWS access is the three narrow
// readers and writers below: it may read metrics and the one service's
// revisions, and answer CodeDeploy, nothing else.
type Handler struct {
	Config     Config
	Revisions  RevisionReader
	Metrics    MetricReader
	CodeDeploy HookStatusWriter
	// HTTPClient sends the smoke check's requests (default: a plain client).
	HTTPClient *http.Client
	// Now is the clock (default time.Now); tests pass a fixed one.
	Now func() time.Time
	// Log receives one JSON line per invocation.
	Log io.Writer

	logOnce sync.Once
	log     *logger
}

// callBackDelay bounds: ECS's own default is 30 s; the cap keeps a waiting
// hook visible in the deployment's events at least every ten minutes.
const (
	minCallBack = 10
	maxCallBack = 600
	// retryCallBack is the wait after a failed read.
	retryCallBack = 60
)

// Invoke handles one raw Lambda payload: a CodeDeploy lifecycle event
// (DeploymentId and LifecycleEventHookExecutionId) or an ECS lifecycle hook.
// It returns the function's response document.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var cd CodeDeployEvent
	if err := json.Unmarshal(payload, &cd); err != nil {
		return nil, fmt.Errorf("hook payload is not a JSON object: %w", err)
	}
	if cd.DeploymentID != "" || cd.LifecycleEventHookExecutionID != "" {
		status, err := h.HandleCodeDeploy(ctx, cd)
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]string{"lifecycleEventStatus": status})
	}
	e, err := ParseECSEvent(payload)
	if err != nil {
		return nil, err
	}
	resp, err := h.HandleECS(ctx, e)
	if err != nil {
		return nil, err
	}
	return json.Marshal(resp)
}

func (h *Handler) logger() *logger {
	h.logOnce.Do(func() { h.log = &logger{w: h.Log} })
	return h.log
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

// HandleECS answers an ECS lifecycle hook: the smoke check after test
// traffic moved, the analysis before every production step and after the
// last one, and SUCCEEDED at any other stage.
func (h *Handler) HandleECS(ctx context.Context, e ECSEvent) (ECSResponse, error) {
	rec := Record{Time: h.now(), Level: "info", Mode: "ecs", Stage: e.LifecycleStage, Deployment: e.ResourceArn,
		Service: e.ServiceArn, NewRevision: e.TargetServiceRevisionArn, OldRevision: e.OldRevision()}
	var resp ECSResponse
	switch e.LifecycleStage {
	case StagePostTestTrafficShift:
		rec.Check = "smoke"
		v, err := h.smoke(ctx)
		if err != nil {
			return resp, err
		}
		rec.Smoke, rec.Verdict, rec.Msg = &v, string(v.Outcome), v.Sentence()
		resp.HookStatus = StatusSucceeded
		if v.Outcome != analysis.Pass {
			resp.HookStatus, rec.Level = StatusFailed, "warn"
		}
	case StagePreProductionTrafficShift, StagePostProductionTrafficShift:
		rec.Check = "analysis"
		resp = h.analyse(ctx, e, &rec)
	default:
		resp.HookStatus, rec.Verdict = StatusSucceeded, "skipped"
		rec.Msg = fmt.Sprintf("stage %s is not one this hook judges: continuing", e.LifecycleStage)
	}
	rec.HookStatus, rec.CallBackDelay = resp.HookStatus, resp.CallBackDelay
	h.logger().write(rec)
	return resp, nil
}

func (h *Handler) smoke(ctx context.Context) (smokecheck.Verdict, error) {
	cfg := h.Config.Smoke
	if cfg.Client == nil {
		cfg.Client = h.HTTPClient
	}
	v, err := smokecheck.Run(ctx, cfg)
	if err != nil {
		return v, fmt.Errorf("smoke check configuration: %w", err)
	}
	return v, nil
}

// analyse runs one step of a stage's analysis. The first invocation opens
// the window at the next whole minute and waits; later ones judge every
// whole window whose metrics are complete, until a pass or a fail, or
// MaxWait.
func (h *Handler) analyse(ctx context.Context, e ECSEvent, rec *Record) ECSResponse {
	cfg := h.Config.withDefaults()
	now := h.now()
	weight := e.ProductionTrafficWeights[e.TargetServiceRevisionArn]
	if e.LifecycleStage == StagePreProductionTrafficShift && weight == 0 {
		rec.Verdict = "skipped"
		rec.Msg = "the new revision serves no production traffic yet: nothing to compare before the first step"
		return ECSResponse{HookStatus: StatusSucceeded}
	}
	st, ok := loadState(e.HookDetails)
	if !ok || !st.matches(e, weight) {
		st = state{Stage: e.LifecycleStage, Execution: e.ExecutionID, Target: e.TargetServiceRevisionArn, Weight: weight,
			Began: now, Start: ceilMinute(now)}
	}
	// waitOrGiveUp answers IN_PROGRESS with the state, or, once the stage
	// has waited MaxWait without a verdict, what OnInconclusive says.
	waitOrGiveUp := func(delay int, why string, err error) ECSResponse {
		if err != nil {
			rec.Error, rec.Level = err.Error(), "warn"
		}
		if now.Sub(st.Began) >= cfg.MaxWait {
			rec.Verdict = string(analysis.Inconclusive)
			action, status := "rolling back", StatusFailed
			if cfg.OnInconclusive == OnInconclusiveContinue {
				action, status = "continuing", StatusSucceeded
			}
			rec.Level = "warn"
			rec.Msg = fmt.Sprintf("inconclusive: no verdict after %s (%s); %s (onInconclusive %s)", cfg.MaxWait, why, action, cfg.OnInconclusive)
			return ECSResponse{HookStatus: status}
		}
		if rec.Verdict == "" {
			rec.Verdict, rec.Msg = "waiting", why
			if err != nil {
				rec.Msg += ", trying again"
			}
		}
		return ECSResponse{HookStatus: StatusInProgress, CallBackDelay: clampDelay(delay), HookDetails: withState(e.HookDetails, st)}
	}
	if !st.Resolved {
		newD, oldD, err := resolveTargets(ctx, h.Revisions, e.TargetServiceRevisionArn, e.OldRevision(), cfg.LoadBalancer)
		if err != nil {
			var api *apiError
			if errors.As(err, &api) {
				return waitOrGiveUp(retryCallBack, "reading the service revisions failed", err)
			}
			// A revision without a target group or load balancer will not
			// grow one: say so now instead of after MaxWait.
			rec.Verdict, rec.Level, rec.Error = "error", "error", err.Error()
			rec.Msg = "cannot analyse this deployment: " + err.Error()
			return ECSResponse{HookStatus: StatusFailed}
		}
		st.New, st.Old, st.Resolved = newD, oldD, true
	}
	rec.NewTarget = &st.New
	if st.Old.TargetGroup != "" {
		rec.OldTarget = &st.Old
	}
	window := time.Duration(cfg.Policy.WindowMinutes) * time.Minute
	ready := now.Add(-cfg.MetricDelay).Truncate(time.Minute)
	if ready.Before(st.Start.Add(window)) {
		delay := st.Start.Add(window).Add(cfg.MetricDelay).Sub(now)
		return waitOrGiveUp(seconds(delay), fmt.Sprintf("waiting for the first whole %s window from %s, complete in CloudWatch by %s",
			window, st.Start.Format("15:04"), st.Start.Add(window).Add(cfg.MetricDelay).Format("15:04:05")), nil)
	}
	newM, oldM, err := readRevisions(ctx, h.Metrics, st.New, st.Old, st.Start, ready, cfg.Policy.Count4XX)
	if err != nil {
		return waitOrGiveUp(retryCallBack, "reading the metrics failed", err)
	}
	v, err := analysis.Judge(cfg.Policy, analysis.Input{Start: st.Start, End: ready, New: newM, Old: oldM})
	if err != nil {
		// The policy was validated and the window is ordered: only datapoints
		// no CloudWatch statistic takes (negative, NaN) get here.
		rec.Verdict, rec.Level, rec.Error, rec.Msg = "error", "error", err.Error(), "analysis failed: "+err.Error()
		return ECSResponse{HookStatus: StatusFailed}
	}
	rec.Analysis, rec.Verdict, rec.Msg = &v, string(v.Outcome), v.Sentence()
	switch v.Outcome {
	case analysis.Pass:
		return ECSResponse{HookStatus: StatusSucceeded}
	case analysis.Fail:
		rec.Level = "warn"
		return ECSResponse{HookStatus: StatusFailed}
	}
	next := v.End.Add(window).Add(cfg.MetricDelay).Sub(now)
	resp := waitOrGiveUp(seconds(next), v.Reason, nil)
	if resp.HookStatus != StatusInProgress {
		// Keep the numbers: say what was seen, then what was done.
		rec.Msg = v.Sentence() + "; " + rec.Msg
	}
	return resp
}

func ceilMinute(t time.Time) time.Time {
	f := t.Truncate(time.Minute)
	if f.Equal(t) {
		return f
	}
	return f.Add(time.Minute)
}

func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

func clampDelay(s int) int { return min(max(s, minCallBack), maxCallBack) }
