package lifecyclehook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/internal/moto"
)

// codeDeployEndpoint records PutLifecycleEventHookExecutionStatus calls as
// the real SDK sends them (moto does not implement the call), and answers
// like CodeDeploy.
type codeDeployEndpoint struct {
	mu    sync.Mutex
	calls []map[string]string
	fail  bool
}

func (c *codeDeployEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if got := r.Header.Get("X-Amz-Target"); got != "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus" {
		http.Error(w, `{"__type":"UnknownOperationException"}`, http.StatusBadRequest)
		return
	}
	var in map[string]string
	_ = json.Unmarshal(body, &in)
	c.mu.Lock()
	c.calls = append(c.calls, in)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if c.fail {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"LifecycleEventAlreadyCompletedException","message":"already completed"}`)
		return
	}
	_, _ = io.WriteString(w, `{"lifecycleEventHookExecutionId":"`+in["lifecycleEventHookExecutionId"]+`"}`)
}

func codeDeployClient(t *testing.T, url string) *codedeploy.Client {
	cfg, err := awsenv.Config(context.Background(), awsenv.Credentials{AccessKeyID: moto.AccessKey, SecretAccessKey: moto.SecretKey},
		moto.Region, url, awsenv.WithMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return codedeploy.NewFromConfig(cfg)
}

func TestCodeDeployAfterAllowTestTraffic(t *testing.T) {
	ep := &codeDeployEndpoint{}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	w := newWorld(t, Config{})
	w.h.CodeDeploy = codeDeployClient(t, srv.URL)
	p := payload(t, "codedeploy_after_allow_test_traffic.json")

	before := w.logs.Len()
	out, err := w.h.Invoke(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	rec := w.lastLog(before)
	if string(out) != `{"lifecycleEventStatus":"Succeeded"}` || rec.Mode != "codedeploy" || rec.Verdict != "pass" || rec.Deployment != "d-8XKF4Q2ZB" {
		t.Fatalf("healthy: %s / %+v", out, rec)
	}
	w.healthy.Store(false)
	before = w.logs.Len()
	if out, err = w.h.Invoke(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	rec = w.lastLog(before)
	if string(out) != `{"lifecycleEventStatus":"Failed"}` || rec.Verdict != "fail" || rec.HookStatus != "Failed" {
		t.Fatalf("broken: %s / %+v", out, rec)
	}
	want := []map[string]string{
		{"deploymentId": "d-8XKF4Q2ZB", "lifecycleEventHookExecutionId": "eyJlbmNyeXB0ZWREYXRhIjoiY0JzdGVzdCIsIml2UGFyYW1ldGVyU3BlYyI6IjEyMyJ9", "status": "Succeeded"},
		{"deploymentId": "d-8XKF4Q2ZB", "lifecycleEventHookExecutionId": "eyJlbmNyeXB0ZWREYXRhIjoiY0JzdGVzdCIsIml2UGFyYW1ldGVyU3BlYyI6IjEyMyJ9", "status": "Failed"},
	}
	if len(ep.calls) != 2 || ep.calls[0]["status"] != want[0]["status"] || ep.calls[1]["status"] != want[1]["status"] ||
		ep.calls[0]["deploymentId"] != want[0]["deploymentId"] || ep.calls[1]["lifecycleEventHookExecutionId"] != want[1]["lifecycleEventHookExecutionId"] {
		t.Errorf("CodeDeploy was told %v, want %v", ep.calls, want)
	}
}

func TestCodeDeployReportFailureIsAnError(t *testing.T) {
	ep := &codeDeployEndpoint{fail: true}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	w := newWorld(t, Config{})
	w.h.CodeDeploy = codeDeployClient(t, srv.URL)
	_, err := w.h.Invoke(context.Background(), payload(t, "codedeploy_after_allow_test_traffic.json"))
	if err == nil || !strings.Contains(err.Error(), "PutLifecycleEventHookExecutionStatus Succeeded for deployment d-8XKF4Q2ZB") || !strings.Contains(err.Error(), "already completed") {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(w.logs.String(), `"level":"error"`) {
		t.Errorf("the failed report was not logged: %s", w.logs)
	}
}
