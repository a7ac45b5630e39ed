package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"

	"dagger/ecs-bluegreen/internal/codedeployfake"
)

// Recognisable fake credentials: tests assert they never reach output or errors.
const (
	leakKey    = "AKIALEAKCHECK0000001"
	leakSecret = "leak-check-secret-value-do-not-print"
)

// fakeClock advances only when Wait sleeps (or the scripted server simulates
// request latency), so minutes of deployment run in milliseconds.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
	// onAdvance, if set, runs after every advance with the new offset from
	// the start (used to cancel a context at a chosen moment).
	onAdvance func(offset time.Duration)
	start     time.Time
}

func newFakeClock() *fakeClock {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &fakeClock{now: t0, start: t0}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	off, hook := c.now.Sub(c.start), c.onAdvance
	c.mu.Unlock()
	if hook != nil {
		hook(off)
	}
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.advance(d)
	}
	return ctx.Err()
}

func (c *fakeClock) offset() time.Duration { return c.Now().Sub(c.start) }

// phase is the deployment's state from offset At on.
type phase struct {
	At           time.Duration
	Status       string
	Events       []string // statuses in codedeployfake.LifecycleEvents order; the rest are Pending
	Diagnostic   [2]string
	Green        float64
	TaskSets     bool
	TargetStatus string
	ErrCode      string
	ErrMsg       string
	RollbackID   string
	RollbackMsg  string
	RollbackOf   string
	ReadyAction  string
	ReadyWait    int
	TermWait     bool
}

type stopCall struct {
	ID           string
	AutoRollback *bool
	At           time.Duration
}

// scriptedCodeDeploy is an HTTP server speaking CodeDeploy's JSON 1.1
// protocol for one deployment whose state follows a script of phases keyed
// on the fake clock. It exists only for what the local emulator cannot do:
// status progressions, targets and StopDeployment.
type scriptedCodeDeploy struct {
	t       testing.TB
	clock   *fakeClock
	id      string
	app     string
	group   string
	phases  []phase
	stopped *phase // state once StopDeployment succeeded
	// completesAtStop, when set, is the final state the deployment reaches
	// just as StopDeployment arrives, which then answers
	// DeploymentAlreadyCompletedException as CodeDeploy does.
	completesAtStop *phase
	// stopFails makes StopDeployment answer HTTP 500, as the emulator does.
	stopFails bool
	// getFailsFrom, when set, makes GetDeployment answer HTTP 503 from that
	// offset on.
	getFailsFrom time.Duration
	// targetsFail makes the target calls answer AccessDenied.
	targetsFail bool
	// revisionARN, when set, is the task definition the deployment's inline
	// AppSpec names.
	revisionARN string
	// latency is added to the fake clock on every request.
	latency time.Duration
	// description is the scripted deployment's description (default
	// "release abc123"); a created deployment takes the one it was sent.
	description string
	// creator is the scripted deployment's creator (default "user", or
	// "codeDeployRollback" when a phase names RollbackOf).
	creator string
	// awaitCreate makes the scripted deployment exist only once
	// CreateDeployment has been called: it then answers with s.id, and a
	// second CreateDeployment while it is active is refused with
	// DeploymentLimitExceededException, as CodeDeploy does.
	awaitCreate bool
	// history holds the group's other deployments (see scripted_history_test.go).
	history []pastDeployment
	// group is the deployment group's schedule (see scripted_history_test.go).
	settings groupSettings
	// dropResponses makes the server process a request and then reset the
	// connection instead of answering, the first n times per operation.
	dropResponses map[string]int
	// credsExpireAt, when set, makes every request from that offset on answer
	// ExpiredTokenException.
	credsExpireAt time.Duration
	// unavailable makes the first n requests per operation answer HTTP 503
	// without doing anything.
	unavailable map[string]int
	// throttled are bursts of throttling (see scripted_ecs_test.go).
	throttled []burst

	mu        sync.Mutex
	createdAt *time.Duration
	appSpec   string
	stopAt    time.Duration
	isStopped bool
	stops     []stopCall
	calls     map[string]int
	getAt     []time.Duration
	created   []map[string]any
	srv       *httptest.Server
}

func newScripted(t testing.TB, clock *fakeClock, phases ...phase) *scriptedCodeDeploy {
	s := &scriptedCodeDeploy{t: t, clock: clock, id: "d-SCRIPTED1", app: "webapp", group: "webapp-dg", phases: phases, calls: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// client is a real aws-sdk-go-v2 CodeDeploy client pointed at the server.
func (s *scriptedCodeDeploy) client(retries int) *codedeploy.Client {
	return codedeploy.New(codedeploy.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(s.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(leakKey, leakSecret, ""),
		RetryMaxAttempts: retries,
	})
}

func (s *scriptedCodeDeploy) current() phase {
	off := s.clock.offset()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isStopped && s.stopped != nil && off >= s.stopAt {
		return *s.stopped
	}
	cur := s.phases[0]
	for _, p := range s.phases {
		if p.At <= off {
			cur = p
		}
	}
	return cur
}

func (s *scriptedCodeDeploy) serve(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "CodeDeploy_20141006.")
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	if s.latency > 0 {
		s.clock.advance(s.latency)
	}
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()

	fail := func(code int, typ, msg string) {
		codedeployfake.WriteError(w, &codedeployfake.APIError{Status: code, Code: typ, Message: msg})
	}
	s.mu.Lock()
	busy := s.unavailable[op] > 0
	if busy {
		s.unavailable[op]--
	}
	s.mu.Unlock()
	if busy {
		fail(503, "ServiceUnavailableException", "try again later")
		return
	}
	if s.throttles(op) {
		fail(400, "ThrottlingException", "Rate exceeded")
		return
	}
	if s.credsExpireAt > 0 && s.clock.offset() >= s.credsExpireAt {
		fail(400, "ExpiredTokenException", "The security token included in the request is expired")
		return
	}
	if id, ok := in["deploymentId"]; ok && !s.knows(fmt.Sprint(id)) {
		fail(400, "DeploymentDoesNotExistException", fmt.Sprintf("The deployment %v could not be found.", id))
		return
	}
	if s.serveHistory(w, op, in, fail) {
		s.maybeDrop(w, op)
		return
	}
	if s.targetsFail && strings.Contains(op, "DeploymentTargets") {
		fail(400, "AccessDeniedException", "not authorized to perform codedeploy:"+op)
		return
	}
	var out any
	switch op {
	case "GetDeployment":
		if s.getFailsFrom > 0 && s.clock.offset() >= s.getFailsFrom {
			fail(503, "ServiceUnavailableException", "try again later")
			return
		}
		if p, ok := s.past(fmt.Sprint(in["deploymentId"])); ok {
			out = map[string]any{"deploymentInfo": s.pastInfo(p)}
			break
		}
		s.mu.Lock()
		s.getAt = append(s.getAt, s.clock.offset())
		s.mu.Unlock()
		out = map[string]any{"deploymentInfo": s.info(s.current())}
	case "ListDeploymentTargets":
		ids := []string{}
		if p := s.current(); p.Status != "Created" && p.Status != "Queued" {
			ids = append(ids, "webapp-cluster:webapp")
		}
		out = map[string]any{"targetIds": ids}
	case "BatchGetDeploymentTargets":
		out = map[string]any{"deploymentTargets": []any{map[string]any{"deploymentTargetType": "ECSTarget", "ecsTarget": s.target(s.current())}}}
	case "StopDeployment":
		s.mu.Lock()
		c := stopCall{ID: fmt.Sprint(in["deploymentId"]), At: s.clock.offset()}
		if v, ok := in["autoRollbackEnabled"].(bool); ok {
			c.AutoRollback = &v
		}
		s.stops = append(s.stops, c)
		s.mu.Unlock()
		if s.completesAtStop != nil {
			s.mu.Lock()
			s.stopped, s.isStopped, s.stopAt = s.completesAtStop, true, s.clock.offset()
			s.mu.Unlock()
			fail(400, "DeploymentAlreadyCompletedException", "The deployment is already completed.")
			return
		}
		if s.stopFails {
			fail(500, "InternalFailure", "stop is not available")
			return
		}
		s.mu.Lock()
		s.isStopped, s.stopAt = true, s.clock.offset()+s.latency
		s.mu.Unlock()
		out = map[string]any{"status": "Pending", "statusMessage": "Stop request received"}
	case "ListDeployments":
		out = map[string]any{"deployments": s.list(in)}
	case "CreateDeployment":
		// CodeDeploy runs one deployment per group at a time: with another
		// one active it answers DeploymentLimitExceededException.
		if other, ok := s.activePast(); ok {
			fail(400, "DeploymentLimitExceededException", fmt.Sprintf("The Deployment Group '%s' already has an active Deployment '%s'", s.group, other))
			return
		}
		if !s.awaitCreate {
			s.mu.Lock()
			s.created = append(s.created, in)
			s.mu.Unlock()
			out = map[string]any{"deploymentId": "d-CREATED01"}
			break
		}
		if s.exists() && isActive(s.current().Status) {
			fail(400, "DeploymentLimitExceededException", fmt.Sprintf("The Deployment Group '%s' already has an active Deployment '%s'", s.group, s.id))
			return
		}
		s.mu.Lock()
		s.created = append(s.created, in)
		at := s.clock.offset()
		s.createdAt = &at
		s.description, _ = in["description"].(string)
		if rev, ok := in["revision"].(map[string]any); ok {
			if asc, ok := rev["appSpecContent"].(map[string]any); ok {
				s.appSpec = fmt.Sprint(asc["content"])
			}
		}
		s.mu.Unlock()
		out = map[string]any{"deploymentId": s.id}
	default:
		fail(400, "UnknownOperationException", "unsupported operation "+op)
		return
	}
	if s.maybeDrop(w, op) {
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	codedeployfake.WriteJSON(w, out)
}

func (s *scriptedCodeDeploy) stopCalls() []stopCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stopCall(nil), s.stops...)
}

func (s *scriptedCodeDeploy) getTimes() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.getAt...)
}

// evs builds an event status list: n statuses in codedeployfake.LifecycleEvents order.
func evs(statuses ...string) []string { return statuses }

// rep repeats status n times.
func rep(status string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = status
	}
	return out
}
