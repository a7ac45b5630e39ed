package ecsfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Lambda lifecycle hooks, invoked as ECS invokes them: a function registered
// with SetHookFunction is called at each stage its hook names, with ECS's
// payload; it answers hookStatus SUCCEEDED, FAILED or IN_PROGRESS (then
// again after callBackDelay seconds, with the hookDetails it returned). A
// function with nothing registered keeps the stand-in's simple model: it
// succeeds after Timings.Hook, unless FailHook says otherwise.

// HookFunction is a Lambda function as the stand-in invokes it: the
// invocation payload in, the function's response document out. An error is
// a failed invocation (an unhandled error, a timeout), which ECS treats as a
// failed hook.
type HookFunction func(ctx context.Context, payload []byte) ([]byte, error)

// SetHookFunction registers fn as the Lambda function functionArn for every
// later hook run that names it; nil unregisters it.
func (s *Server) SetHookFunction(functionArn string, fn HookFunction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn == nil {
		delete(s.functions, functionArn)
		return
	}
	s.functions[functionArn] = fn
}

// HookEndpoint is a HookFunction served over HTTP: the payload is POSTed to
// url and a 200 answer's body is the response; any other answer is a
// failed invocation.
func HookEndpoint(url string) HookFunction {
	client := &http.Client{Timeout: hookCallTimeout}
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(body))
		}
		return body, nil
	}
}

const (
	// hookCallTimeout bounds one invocation, as a function's timeout does.
	hookCallTimeout = 2 * time.Minute
	// defaultCallBackDelay is ECS's wait before invoking an IN_PROGRESS
	// hook again when the answer names no callBackDelay.
	defaultCallBackDelay = 30 * time.Second
)

// hookCall is one invocation due: which run of which deployment, the time
// it is due (what its answer is dated) and the payload.
type hookCall struct {
	d       *deployment
	h       *hookDetail
	at      time.Time
	fn      HookFunction
	payload []byte
}

// hookPayload is the invocation event ECS sends a Lambda lifecycle hook.
type hookPayload struct {
	ExecutionDetails hookExecution   `json:"executionDetails"`
	ExecutionID      string          `json:"executionId"`
	LifecycleStage   string          `json:"lifecycleStage"`
	ResourceArn      string          `json:"resourceArn"`
	HookDetails      json.RawMessage `json:"hookDetails,omitempty"`
}

type hookExecution struct {
	TestTrafficWeights       map[string]float64 `json:"testTrafficWeights"`
	ProductionTrafficWeights map[string]float64 `json:"productionTrafficWeights"`
	ServiceArn               string             `json:"serviceArn"`
	TargetServiceRevisionArn string             `json:"targetServiceRevisionArn"`
}

// hookAnswer is the function's response document.
type hookAnswer struct {
	HookStatus    string          `json:"hookStatus"`
	CallBackDelay *int            `json:"callBackDelay"`
	HookDetails   json.RawMessage `json:"hookDetails"`
}

// payload is the event for h as d stands now: the revisions' traffic
// weights and the hookDetails of the service definition or of h's last
// IN_PROGRESS answer.
func (d *deployment) payload(h *hookDetail) []byte {
	prod := map[string]float64{d.target.arn: d.prod}
	test := map[string]float64{d.target.arn: d.test}
	if d.source != nil {
		prod[d.source.arn], test[d.source.arn] = 100-d.prod, 100-d.test
	}
	p := hookPayload{
		ExecutionDetails: hookExecution{TestTrafficWeights: test, ProductionTrafficWeights: prod, ServiceArn: d.svc.arn, TargetServiceRevisionArn: d.target.arn},
		ExecutionID:      h.execution, LifecycleStage: h.stage, ResourceArn: d.arn, HookDetails: h.details,
	}
	b, _ := json.Marshal(p) // strings, numbers and raw JSON that was valid: cannot fail
	return b
}

// pendingCall is the earliest time a running Lambda hook of d is to be
// invoked, and whether there is one; a hook whose invocation is under way
// holds d without a time.
func (d *deployment) pendingCall() (time.Time, bool) {
	var at time.Time
	found := false
	for _, h := range d.hooks {
		if h.status != "IN_PROGRESS" || !h.invoked {
			continue
		}
		if h.calling {
			return time.Time{}, true
		}
		if !found || h.nextCall.Before(at) {
			at, found = h.nextCall, true
		}
	}
	return at, found
}

// catchUp brings every deployment up to the clock's now, invoking the hook
// functions that come due on the way. The functions run without s.mu held:
// a hook may call the stand-in itself (DescribeServiceRevisions).
func (s *Server) catchUp(ctx context.Context) {
	for {
		s.mu.Lock()
		s.advanceAll(s.clock.Now())
		calls := s.dueCalls(s.clock.Now())
		s.mu.Unlock()
		if len(calls) == 0 {
			return
		}
		for _, c := range calls {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hookCallTimeout)
			out, err := c.fn(cctx, c.payload)
			cancel()
			s.mu.Lock()
			s.answer(c, out, err)
			s.mu.Unlock()
		}
	}
}

// dueCalls marks every invocation due by now as under way and returns it.
// The caller holds s.mu.
func (s *Server) dueCalls(now time.Time) []hookCall {
	var calls []hookCall
	for _, svc := range s.services {
		for _, d := range svc.deployments {
			if d.status != "IN_PROGRESS" {
				continue
			}
			for _, h := range d.hooks {
				if h.status != "IN_PROGRESS" || !h.invoked || h.calling || now.Before(h.nextCall) {
					continue
				}
				fn := s.functions[h.targetArn]
				if fn == nil {
					// Unregistered since the run began: the function is
					// gone, as a deleted function fails its invocation.
					fn = func(context.Context, []byte) ([]byte, error) {
						return nil, fmt.Errorf("function %s not found", h.targetArn)
					}
				}
				h.calling = true
				calls = append(calls, hookCall{d: d, h: h, at: h.nextCall, fn: fn, payload: d.payload(h)})
			}
		}
	}
	return calls
}

// answer applies a function's answer to its hook run, dated when the call
// was due. The caller holds s.mu.
func (s *Server) answer(c hookCall, out []byte, err error) {
	d, h := c.d, c.h
	h.calling = false
	if d.status != "IN_PROGRESS" || h.status != "IN_PROGRESS" {
		return // stopped or rolled back while the function ran
	}
	var a hookAnswer
	problem := ""
	switch {
	case err != nil:
		problem = "its invocation failed: " + err.Error()
	case json.Unmarshal(out, &a) != nil:
		problem = fmt.Sprintf("it answered no JSON object (%.200s)", out)
	}
	d.updated = c.at
	switch {
	case problem == "" && a.HookStatus == "SUCCEEDED":
		h.status = "SUCCEEDED"
		if _, held := d.pendingCall(); !held && !d.awaiting() {
			d.stepStart = c.at
		}
	case problem == "" && a.HookStatus == "IN_PROGRESS":
		delay := defaultCallBackDelay
		if a.CallBackDelay != nil && *a.CallBackDelay > 0 {
			delay = time.Duration(*a.CallBackDelay) * time.Second
		}
		h.nextCall = c.at.Add(delay)
		if len(a.HookDetails) > 0 && string(a.HookDetails) != "null" {
			h.details = a.HookDetails
		}
	default:
		if problem == "" && a.HookStatus != "FAILED" {
			problem = fmt.Sprintf("it answered no valid hookStatus (%q; valid: SUCCEEDED, FAILED, IN_PROGRESS)", a.HookStatus)
		}
		h.status = "FAILED"
		reason := fmt.Sprintf("Lifecycle hook %s (%s) failed at %s.", h.id, h.targetArn, h.stage)
		if problem != "" {
			reason = fmt.Sprintf("Lifecycle hook %s (%s) failed at %s: %s.", h.id, h.targetArn, h.stage, problem)
		}
		s.startRollback(d, c.at, reason)
	}
}
