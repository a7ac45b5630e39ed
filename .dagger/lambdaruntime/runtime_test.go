package lambdaruntime

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/lambdaruntime/runtimetest"
)

// serveAll runs the loop until every queued invocation was answered, then
// stops it and returns Serve's result.
func serveAll(t *testing.T, f *runtimetest.Server, h Handler) error {
	t.Helper()
	c, err := New(f.HostPort)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- c.Serve(ctx, h) }()
	select {
	case <-f.Done():
	case err := <-res:
		cancel()
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("invocations not answered within 10s")
	}
	cancel()
	select {
	case err := <-res:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	return nil
}

func TestServeAnswersEachInvocation(t *testing.T) {
	deadline := time.Now().Add(time.Minute).Truncate(time.Millisecond)
	f := runtimetest.Start(t,
		runtimetest.Invocation{ID: "req-1", Payload: `{"lifecycleStage":"POST_TEST_TRAFFIC_SHIFT"}`, Deadline: deadline},
		runtimetest.Invocation{ID: "req-2", Payload: `{"fail":true}`},
		runtimetest.Invocation{ID: "req-3", Payload: `{"panic":true}`},
		runtimetest.Invocation{ID: "req/4", Payload: `{"n":4}`},
	)
	var seenDeadline time.Time
	err := serveAll(t, f, func(ctx context.Context, p []byte) ([]byte, error) {
		switch {
		case strings.Contains(string(p), "fail"):
			return nil, errors.New("smoke check configuration: url is empty")
		case strings.Contains(string(p), "panic"):
			var m map[string]int
			m["x"]++
		case strings.Contains(string(p), "POST_TEST"):
			seenDeadline, _ = ctx.Deadline()
		}
		return append([]byte(`{"hookStatus":"SUCCEEDED","echo":`), append(p, '}')...), nil
	})
	if err != nil {
		t.Fatalf("Serve: %v", err)
	}
	want := []runtimetest.Post{
		{Path: "/invocation/req-1/response", Body: `{"hookStatus":"SUCCEEDED","echo":{"lifecycleStage":"POST_TEST_TRAFFIC_SHIFT"}}`},
		{Path: "/invocation/req-2/error", ErrorType: "Handler.Error", Body: `{"errorMessage":"smoke check configuration: url is empty","errorType":"Handler.Error"}`},
		{Path: "/invocation/req-3/error", ErrorType: "Handler.Panic"},
		{Path: "/invocation/req%2F4/response", Body: `{"hookStatus":"SUCCEEDED","echo":{"n":4}}`},
	}
	posts := f.Posts()
	if len(posts) != len(want) {
		t.Fatalf("posts %+v", posts)
	}
	for i, w := range want {
		got := posts[i]
		if got.Path != w.Path || got.ErrorType != w.ErrorType || (w.Body != "" && got.Body != w.Body) {
			t.Errorf("post %d = %+v, want %+v", i, got, w)
		}
	}
	var pe struct{ ErrorMessage, ErrorType string }
	if err := json.Unmarshal([]byte(posts[2].Body), &pe); err != nil || !strings.Contains(pe.ErrorMessage, "panic: assignment to entry in nil map") {
		t.Errorf("panic report %q (%v)", posts[2].Body, err)
	}
	if !seenDeadline.Equal(deadline) {
		t.Errorf("handler deadline %v, want the invocation's %v", seenDeadline, deadline)
	}
}

func TestServeStopsWhenIdleAndCancelled(t *testing.T) {
	f := runtimetest.Start(t)
	if err := serveAll(t, f, func(context.Context, []byte) ([]byte, error) { return nil, nil }); err != nil {
		t.Fatalf("Serve returned %v after cancel", err)
	}
}

func TestServeFailsWhenTheRuntimeAPIIsGone(t *testing.T) {
	f := runtimetest.Start(t)
	hp := f.HostPort
	f.Close()
	c, err := New(hp)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Serve(ctx, nil); err == nil || !strings.Contains(err.Error(), "lambda runtime API: next invocation") {
		t.Fatalf("Serve = %v", err)
	}
}

func TestTooLargeResponseIsReportedAsAnError(t *testing.T) {
	f := runtimetest.Start(t, runtimetest.Invocation{ID: "big", Payload: `{}`})
	err := serveAll(t, f, func(context.Context, []byte) ([]byte, error) {
		return []byte(`"` + strings.Repeat("x", maxResponseBytes) + `"`), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Posts(); len(p) != 1 || p[0].ErrorType != "Runtime.ResponseTooLarge" {
		t.Fatalf("posts %+v", p)
	}
}

func TestInitErrorAndBadEndpoint(t *testing.T) {
	f := runtimetest.Start(t)
	c, err := New(f.HostPort)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.InitError(context.Background(), errors.New("ANALYSIS_POLICY: maxErrorRate 5 is out of range")); err != nil {
		t.Fatal(err)
	}
	if p := f.Posts(); len(p) != 1 || p[0].Path != "/init/error" || p[0].ErrorType != "Runtime.InitError" || !strings.Contains(p[0].Body, "maxErrorRate 5") {
		t.Errorf("posts %+v", p)
	}
	for _, bad := range []string{"", "host:1/path", "a b"} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}
