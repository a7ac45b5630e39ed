package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/lambdaruntime/runtimetest"
)

func TestMain(m *testing.M) { moto.Main(m) }

// TestFunctionServesHookInvocations runs the function's whole program
// against a local runtime API: real payloads in, hook answers out, one JSON
// log line each, AWS clients pointed at moto.
func TestFunctionServesHookInvocations(t *testing.T) {
	srv := moto.Shared(t)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer app.Close()
	postTest, err := os.ReadFile("../../lifecyclehook/testdata/ecs_post_test_traffic_shift.json")
	if err != nil {
		t.Fatal(err)
	}
	firstStep, err := os.ReadFile("../../lifecyclehook/testdata/ecs_pre_production_first_step.json")
	if err != nil {
		t.Fatal(err)
	}
	rt := runtimetest.Start(t,
		runtimetest.Invocation{ID: "inv-1", Payload: string(postTest), Deadline: time.Now().Add(time.Minute)},
		runtimetest.Invocation{ID: "inv-2", Payload: string(firstStep)},
		runtimetest.Invocation{ID: "inv-3", Payload: `{"lifecycleStage":"POST_TEST_TRAFFIC_SHIFT"}`},
	)
	env := map[string]string{
		"AWS_LAMBDA_RUNTIME_API": rt.HostPort,
		"AWS_ACCESS_KEY_ID":      moto.AccessKey,
		"AWS_SECRET_ACCESS_KEY":  moto.SecretKey,
		"AWS_SESSION_TOKEN":      "session-token-not-to-be-printed",
		"AWS_REGION":             moto.Region,
		"AWS_ENDPOINT_URL":       srv.URL,
		"SMOKE_URL":              app.URL,
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, func(k string) string { return env[k] }, &stdout, &stderr) }()
	select {
	case <-rt.Done():
	case c := <-code:
		t.Fatalf("run exited %d early: %s", c, stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatal("invocations not answered")
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit %d: %s", c, stderr.String())
	}
	posts := rt.Posts()
	if len(posts) != 3 {
		t.Fatalf("posts %+v", posts)
	}
	var r1, r2 struct {
		HookStatus string `json:"hookStatus"`
	}
	if posts[0].Path != "/invocation/inv-1/response" || json.Unmarshal([]byte(posts[0].Body), &r1) != nil || r1.HookStatus != "SUCCEEDED" {
		t.Errorf("smoke check answer %+v", posts[0])
	}
	if posts[1].Path != "/invocation/inv-2/response" || json.Unmarshal([]byte(posts[1].Body), &r2) != nil || r2.HookStatus != "SUCCEEDED" {
		t.Errorf("first step answer %+v", posts[1])
	}
	if posts[2].Path != "/invocation/inv-3/error" || !strings.Contains(posts[2].Body, "serviceArn is missing") {
		t.Errorf("bad payload answer %+v", posts[2])
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"verdict":"pass"`) || !strings.Contains(lines[1], `"verdict":"skipped"`) {
		t.Errorf("log lines %q", lines)
	}
	if out := stdout.String() + stderr.String(); strings.Contains(out, "session-token-not-to-be-printed") || strings.Contains(out, moto.SecretKey+`"`) {
		t.Error("credentials reached the output")
	}
}

func TestBadConfigurationIsAnInitError(t *testing.T) {
	rt := runtimetest.Start(t)
	env := map[string]string{"AWS_LAMBDA_RUNTIME_API": rt.HostPort, "SMOKE_URL": "http://alb:8080", "ANALYSIS_POLICY": `{"maxErrorRate":5}`}
	var stdout, stderr bytes.Buffer
	if c := run(context.Background(), func(k string) string { return env[k] }, &stdout, &stderr); c != 1 {
		t.Fatalf("exit %d", c)
	}
	p := rt.Posts()
	if len(p) != 1 || p[0].Path != "/init/error" || !strings.Contains(p[0].Body, "maxErrorRate 5 is out of range") {
		t.Errorf("posts %+v", p)
	}
	if !strings.Contains(stderr.String(), "maxErrorRate 5") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestOutsideLambda(t *testing.T) {
	var stderr bytes.Buffer
	if c := run(context.Background(), func(string) string { return "" }, &bytes.Buffer{}, &stderr); c != 1 || !strings.Contains(stderr.String(), "AWS_LAMBDA_RUNTIME_API is empty") {
		t.Errorf("exit %d, stderr %q", c, stderr.String())
	}
}
