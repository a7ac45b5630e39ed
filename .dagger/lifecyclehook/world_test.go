package lifecyclehook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The revisions named in testdata's payloads.
const (
	oldRev = "arn:aws:ecs:us-east-1:123456789012:service-revision/shop-cluster/shop/4287362189456473981"
	newRev = "arn:aws:ecs:us-east-1:123456789012:service-revision/shop-cluster/shop/9015528374651209873"
)

// fakeRevisions answers DescribeServiceRevisions the way ECS does for a
// blue/green service: each revision's resolved configuration names its
// target group and the production listener rule. moto implements no
// service revisions.
type fakeRevisions struct {
	mu    sync.Mutex
	revs  map[string]ecstypes.ServiceRevision
	err   error
	calls int
}

func (f *fakeRevisions) DescribeServiceRevisions(_ context.Context, in *ecs.DescribeServiceRevisionsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	out := &ecs.DescribeServiceRevisionsOutput{}
	for _, arn := range in.ServiceRevisionArns {
		if r, ok := f.revs[arn]; ok {
			out.ServiceRevisions = append(out.ServiceRevisions, r)
		} else {
			out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

func resolvedRevision(arn, tg string) ecstypes.ServiceRevision {
	return ecstypes.ServiceRevision{
		ServiceRevisionArn: aws.String(arn),
		ResolvedConfiguration: &ecstypes.ResolvedConfiguration{LoadBalancers: []ecstypes.ServiceRevisionLoadBalancer{
			{TargetGroupArn: aws.String(tg), ProductionListenerRule: aws.String(ruleArn)},
		}},
	}
}

// world is one test's hook with its stand-ins: CloudWatch in moto, the
// revisions, the new revision's app behind the test listener, a settable
// clock and the log.
type world struct {
	t       *testing.T
	h       *Handler
	cw      *cloudwatch.Client
	revs    *fakeRevisions
	app     *httptest.Server
	healthy atomic.Bool
	logs    *bytes.Buffer
	now     time.Time
}

func newWorld(t *testing.T, cfg Config) *world {
	w := &world{t: t, logs: &bytes.Buffer{}, now: w0.Add(30 * time.Second)}
	w.cw = motoCloudWatch(t)
	w.revs = &fakeRevisions{revs: map[string]ecstypes.ServiceRevision{
		oldRev: resolvedRevision(oldRev, blueTG),
		newRev: resolvedRevision(newRev, greenTG),
	}}
	w.healthy.Store(true)
	w.app = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !w.healthy.Load() {
			http.Error(rw, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(rw, "ok")
	}))
	t.Cleanup(w.app.Close)
	cfg.Smoke.URL = w.app.URL
	if cfg.Smoke.Timeout == 0 {
		cfg.Smoke.Timeout = 2 * time.Second
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	w.h = &Handler{Config: cfg, Revisions: w.revs, Metrics: &percentilesAsMinMax{MetricReader: w.cw},
		Now: func() time.Time { return w.now }, Log: w.logs}
	return w
}

// payload reads a testdata payload.
func payload(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// feedBack is what ECS does with an IN_PROGRESS answer: the next
// invocation carries the returned hookDetails.
func feedBack(t *testing.T, p []byte, resp ECSResponse) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(p, &m); err != nil {
		t.Fatal(err)
	}
	m["hookDetails"] = resp.HookDetails
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// invoke runs one invocation at the world's clock and returns the answer
// and the log line it wrote.
func (w *world) invoke(p []byte) (ECSResponse, Record) {
	w.t.Helper()
	before := w.logs.Len()
	out, err := w.h.Invoke(context.Background(), p)
	if err != nil {
		w.t.Fatalf("Invoke: %v", err)
	}
	var resp ECSResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		w.t.Fatalf("response %s: %v", out, err)
	}
	return resp, w.lastLog(before)
}

func (w *world) lastLog(before int) Record {
	w.t.Helper()
	lines := strings.Split(strings.TrimSpace(w.logs.String()[before:]), "\n")
	if len(lines) != 1 || lines[0] == "" {
		w.t.Fatalf("want exactly one log line per invocation, got %d: %q", len(lines), lines)
	}
	var r Record
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		w.t.Fatalf("log line is not JSON: %v\n%s", err, lines[0])
	}
	return r
}

// traffic publishes both target groups' metrics from w0 on.
func (w *world) traffic(newMinutes, oldMinutes []albMinute) {
	putALB(w.t, w.cw, greenDim, w0, newMinutes)
	putALB(w.t, w.cw, blueDim, w0, oldMinutes)
}

func repeat(n int, m albMinute) []albMinute {
	out := make([]albMinute, n)
	for i := range out {
		out[i] = m
	}
	return out
}

var errThrottled = errors.New("ThrottlingException: Rate exceeded")
