package smokecheck

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dagger/ecs-bluegreen/analysis"
)

// app is a real listener standing in for the new revision behind the test
// listener: it counts the requests each path receives.
type app struct {
	hits map[string]*atomic.Int32
	srv  *httptest.Server
}

func newApp(t *testing.T) *app {
	a := &app{hits: map[string]*atomic.Int32{}}
	for _, p := range []string{"/healthz", "/", "/broken", "/slow", "/old", "/new", "/echo"} {
		a.hits[p] = &atomic.Int32{}
	}
	mux := http.NewServeMux()
	count := func(p string, h http.HandlerFunc) {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { a.hits[p].Add(1); h(w, r) })
	}
	count("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	count("/{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<h1>hello from v2</h1>") })
	count("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusServiceUnavailable) })
	count("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	count("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusFound) })
	count("/new", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "moved here") })
	count("/echo", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.Method) })
	// "/" is registered as "/{$}": count under "/".
	a.hits["/{$}"] = a.hits["/"]
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

func TestDefaultChecksPassOnAHealthyApp(t *testing.T) {
	a := newApp(t)
	v, err := Run(context.Background(), Config{URL: a.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != analysis.Pass || v.Failed != 0 || len(v.Results) != 2 {
		t.Fatalf("verdict %+v", v)
	}
	if a.hits["/healthz"].Load() != 1 || a.hits["/"].Load() != 1 {
		t.Errorf("hits /healthz=%d /=%d, want 1 each", a.hits["/healthz"].Load(), a.hits["/"].Load())
	}
	if want := "smoke check pass: all 2 request(s) to " + a.srv.URL + " answered as expected"; v.Sentence() != want {
		t.Errorf("sentence %q, want %q", v.Sentence(), want)
	}
}

func TestFailures(t *testing.T) {
	a := newApp(t)
	cases := []struct {
		name  string
		check Check
		want  string
	}{
		{"wrong status", Check{Path: "/broken"}, "GET /broken → 200 (#1): got 503, want 200"},
		{"missing page", Check{Path: "/nope"}, "got 404, want 200"},
		{"body lacks the text", Check{Path: "/", BodyContains: "hello from v3"}, `lacks "hello from v3"`},
		{"redirect is not followed", Check{Path: "/old"}, "got 302 (redirect to /new, not followed), want 200"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := Run(context.Background(), Config{URL: a.srv.URL, Checks: []Check{{Path: "/healthz"}, c.check}})
			if err != nil {
				t.Fatal(err)
			}
			if v.Outcome != analysis.Fail || v.Failed != 1 {
				t.Fatalf("verdict %+v", v)
			}
			if !v.Results[0].OK || v.Results[1].OK {
				t.Errorf("results %+v", v.Results)
			}
			if s := v.Sentence(); !strings.HasPrefix(s, "smoke check fail: 1 of 2 request(s)") || !strings.Contains(s, c.want) {
				t.Errorf("sentence %q lacks %q", s, c.want)
			}
		})
	}
	if n := a.hits["/new"].Load(); n != 0 {
		t.Errorf("the redirect target was requested %d times; redirects must not be followed", n)
	}
}

func TestExpectedRedirectAndBodyPass(t *testing.T) {
	a := newApp(t)
	v, err := Run(context.Background(), Config{URL: a.srv.URL + "/", Checks: []Check{
		{Path: "/old", ExpectStatus: 302},
		{Path: "/", BodyContains: "hello from v2", Count: 3},
		{Method: "post", Path: "/echo", BodyContains: "POST"},
		{Method: "HEAD", Path: "/healthz"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != analysis.Pass || len(v.Results) != 6 {
		t.Fatalf("verdict %s %+v", v.Sentence(), v.Results)
	}
	if v.Results[0].Location != "/new" {
		t.Errorf("redirect location %q", v.Results[0].Location)
	}
	if n := a.hits["/"].Load(); n != 3 {
		t.Errorf("count 3 sent %d requests", n)
	}
}

func TestTimeoutIsBounded(t *testing.T) {
	a := newApp(t)
	start := time.Now()
	v, err := Run(context.Background(), Config{URL: a.srv.URL, Timeout: 200 * time.Millisecond,
		Checks: []Check{{Path: "/slow", Count: 2}, {Path: "/healthz"}}})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("two 200ms timeouts took %s", took)
	}
	if v.Outcome != analysis.Fail || v.Failed != 2 || !v.Results[2].OK {
		t.Fatalf("verdict %s", v.Sentence())
	}
	if p := v.Results[0].Problem; p != "no complete answer within the 200ms timeout" {
		t.Errorf("problem %q", p)
	}
}

func TestUnreachableListenerFails(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	v, err := Run(context.Background(), Config{URL: url, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != analysis.Fail || v.Failed != 2 {
		t.Fatalf("verdict %s", v.Sentence())
	}
	if !strings.Contains(v.Results[0].Problem, "refused") {
		t.Errorf("problem %q does not say the connection was refused", v.Results[0].Problem)
	}
}

func TestCancelledRunMarksTheRestNotSent(t *testing.T) {
	a := newApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v, err := Run(ctx, Config{URL: a.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != analysis.Fail || !strings.HasPrefix(v.Results[1].Problem, "not sent") {
		t.Fatalf("verdict %s", v.Sentence())
	}
	if a.hits["/healthz"].Load() != 0 {
		t.Error("a request was sent after the context ended")
	}
}

func TestValidate(t *testing.T) {
	ok := "http://127.0.0.1:8080"
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "smoke check url is empty"},
		{Config{URL: "ftp://host"}, `smoke check url "ftp://host" is not usable`},
		{Config{URL: "http://"}, "is not usable"},
		{Config{URL: ok + "/?a=1"}, "carries a query"},
		{Config{URL: ok, Timeout: time.Millisecond}, "smoke check timeout 1ms is out of range: accepted 100ms–60s"},
		{Config{URL: ok, Timeout: 2 * time.Minute}, "timeout 2m0s is out of range"},
		{Config{URL: ok, Checks: []Check{{Path: "healthz"}}}, `smoke check 1: path "healthz" is not accepted`},
		{Config{URL: ok, Checks: []Check{{Path: "/a b"}}}, `path "/a b" is not accepted`},
		{Config{URL: ok, Checks: []Check{{Path: "/", Method: "BREW"}}}, `smoke check 1: method "BREW" is not accepted`},
		{Config{URL: ok, Checks: []Check{{Path: "/"}, {Path: "/", ExpectStatus: 700}}}, "smoke check 2: expectStatus 700 is out of range: accepted 100–599"},
		{Config{URL: ok, Checks: []Check{{Path: "/", Count: 101}}}, "count 101 is out of range: accepted 1–100"},
		{Config{URL: ok, Checks: []Check{{Path: "/", Count: -1}}}, "count -1 is out of range"},
		{Config{URL: ok, Checks: []Check{{Path: "/", BodyContains: strings.Repeat("x", 2000)}}}, "bodyContains is 2000 bytes long"},
		{Config{URL: ok, Checks: []Check{{Path: "/", Method: "HEAD", BodyContains: "x"}}}, "can never match"},
		{Config{URL: ok, Checks: make([]Check, 51)}, "51 configured, accepted at most 50"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate(%+v) = %v, want %q", c.cfg.Checks, err, c.want)
		}
		if _, rerr := Run(context.Background(), c.cfg); rerr == nil {
			t.Errorf("Run accepted %+v", c.cfg)
		}
	}
	if err := (Config{URL: ok}).Validate(); err != nil {
		t.Errorf("defaults rejected: %v", err)
	}
}
