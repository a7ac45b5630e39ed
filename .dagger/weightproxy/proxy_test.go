package weightproxy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// upstream is an httptest server that counts its requests and answers its name.
type upstream struct {
	*httptest.Server
	mu   sync.Mutex
	hits int
}

func newUpstream(t *testing.T, name string) *upstream {
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.hits++
		u.mu.Unlock()
		io.WriteString(w, name+" "+r.URL.Path)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hits
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// switchable is a Source a test changes between reads.
type switchable struct {
	mu  sync.Mutex
	w   Weights
	err error
}

func (s *switchable) set(w Weights, err error) {
	s.mu.Lock()
	s.w, s.err = w, err
	s.mu.Unlock()
}

func (s *switchable) Weights(context.Context) (Weights, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w, s.err
}

func (s *switchable) String() string { return "the test's source" }

func get(t *testing.T, h http.Handler, path string) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String(), rec.Header().Get(UpstreamHeader)
}

func TestProxyFollowsItsSource(t *testing.T) {
	blue, green := newUpstream(t, "blue"), newUpstream(t, "green")
	src := &switchable{}
	var log strings.Builder
	p, err := New(Options{
		Upstreams: []Upstream{{"blue", mustURL(t, blue.URL)}, {"green", mustURL(t, green.URL)}},
		Endpoints: []Endpoint{{"production", src}, {"test", Fixed{"green": 1}}},
		Log:       &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	prod, test := p.Handler("production"), p.Handler("test")

	// Before the first read there is nowhere to send a request.
	src.set(nil, errors.New("rule not found"))
	if err := p.Refresh(context.Background()); err == nil || !strings.Contains(err.Error(), "production: rule not found") {
		t.Fatalf("Refresh = %v, want the production read error", err)
	}
	code, body, _ := get(t, prod, "/version")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "no weights read yet from the test's source: rule not found") {
		t.Fatalf("before any weights: %d %q", code, body)
	}
	if blue.count()+green.count() != 0 {
		t.Fatal("a request reached an upstream before any weights were read")
	}
	// The test endpoint has fixed weights and serves at once.
	if code, body, from := get(t, test, "/watch"); code != 200 || body != "green /watch" || from != "green" {
		t.Errorf("test endpoint: %d %q from %q", code, body, from)
	}

	steps := []struct {
		w           Weights
		n           int
		blue, green int
	}{
		{Weights{"blue": 999, "green": 0}, 30, 30, 0},
		{Weights{"blue": 899, "green": 100}, 999, 899, 100},
		{Weights{"blue": 9, "green": 1}, 10, 9, 1},
		{Weights{"blue": 50, "green": 50}, 10, 5, 5},
		{Weights{"blue": 0, "green": 999}, 30, 0, 30},
	}
	for _, s := range steps {
		src.set(s.w, nil)
		if err := p.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		b0, g0 := blue.count(), green.count()
		for i := 0; i < s.n; i++ {
			if code, _, _ := get(t, prod, "/version"); code != 200 {
				t.Fatalf("weights %v: request %d answered %d", s.w, i, code)
			}
		}
		if b, g := blue.count()-b0, green.count()-g0; b != s.blue || g != s.green {
			t.Errorf("weights %v, %d requests: blue %d green %d, want %d and %d", s.w, s.n, b, g, s.blue, s.green)
		}
	}

	// A failed read keeps the last weights and is logged once.
	src.set(nil, errors.New("connection refused"))
	for i := 0; i < 3; i++ {
		_ = p.Refresh(context.Background())
	}
	if _, body, _ := get(t, prod, "/"); body != "green /" {
		t.Errorf("after a failed read: %q, want the last weights (all green) kept", body)
	}
	if n := strings.Count(log.String(), "connection refused"); n != 1 {
		t.Errorf("a repeated read error was logged %d times, want once:\n%s", n, log.String())
	}
	// Reading again with the same weights says so once.
	src.set(Weights{"blue": 0, "green": 999}, nil)
	for i := 0; i < 2; i++ {
		if err := p.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// All weights 0: refused, never sent to a 0-weight upstream.
	src.set(Weights{"blue": 0, "green": 0}, nil)
	_ = p.Refresh(context.Background())
	b0, g0 := blue.count(), green.count()
	if code, body, _ := get(t, prod, "/"); code != http.StatusServiceUnavailable || !strings.Contains(body, "every weight is 0") {
		t.Errorf("all weights 0: %d %q", code, body)
	}
	if blue.count() != b0 || green.count() != g0 {
		t.Error("a request reached an upstream whose weight is 0")
	}

	// One line per change, naming the endpoint, the new and the old weights.
	for _, want := range []string{
		"production: weights blue 100% (999) · green 0% (0) from the test's source (were none)",
		"production: weights blue 90% (899) · green 10% (100) from the test's source (were blue 100% (999) · green 0% (0))",
		"production: weights blue 0% (0) · green 0% (0) from the test's source (were blue 0% (0) · green 100% (999))",
		"test: weights green 100% (1) from fixed weights (were none)",
		"production: cannot read weights yet, answering 503: rule not found",
		"production: cannot read weights, keeping blue 0% (0) · green 100% (999): connection refused",
		"production: the test's source read again, weights unchanged: blue 0% (0) · green 100% (999)",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	if n := strings.Count(log.String(), "\n"); n != 10 {
		t.Errorf("%d log lines, want 10 (6 production changes, 1 test, 2 read errors, 1 recovery):\n%s", n, log.String())
	}
}

func TestProxyNamesTheUpstreamThatIsDown(t *testing.T) {
	down := newUpstream(t, "green")
	down.Close()
	p, err := New(Options{
		Upstreams: []Upstream{{"green", mustURL(t, down.URL)}},
		Endpoints: []Endpoint{{"production", Fixed{"green": 1}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, body, from := get(t, p.Handler("production"), "/")
	if code != http.StatusBadGateway || from != "green" || !strings.Contains(body, "upstream green ("+down.URL+") did not answer") {
		t.Errorf("got %d %q from %q", code, body, from)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	u := mustURL(t, "http://blue:3000")
	ups := []Upstream{{"blue", u}, {"green", mustURL(t, "http://green:3000")}}
	one := []Endpoint{{"production", Fixed{"blue": 1}}}
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"no upstreams", Options{Endpoints: one}, "Upstreams is empty"},
		{"no endpoints", Options{Upstreams: ups}, "Endpoints is empty"},
		{"bad name", Options{Upstreams: []Upstream{{"Blue!", u}}, Endpoints: one}, `Upstreams[0].Name "Blue!" is not a name`},
		{"same name", Options{Upstreams: []Upstream{{"blue", u}, {"blue", u}}, Endpoints: one}, `Upstreams[1].Name "blue" is given twice`},
		{"no URL", Options{Upstreams: []Upstream{{"blue", nil}}, Endpoints: one}, "Upstreams[0].URL is missing"},
		{"not http", Options{Upstreams: []Upstream{{"blue", mustURL(t, "ftp://blue")}}, Endpoints: one}, `Upstreams[0].URL "ftp://blue" is not an upstream URL: want http://HOST:PORT`},
		{"same endpoint", Options{Upstreams: ups, Endpoints: append(one, one...)}, `Endpoints[1].Name "production" is not a new name`},
		{"no source", Options{Upstreams: ups, Endpoints: []Endpoint{{"test", nil}}}, "Endpoints[0].Source is missing"},
		{"all zero", Options{Upstreams: ups, Endpoints: []Endpoint{{"test", Fixed{"blue": 0}}}}, "every weight is 0"},
		{"too heavy", Options{Upstreams: ups, Endpoints: []Endpoint{{"test", Fixed{"blue": 1000}}}}, "weight 1000 for \"blue\" is out of range: want 0 to 999"},
		{"unknown upstream", Options{Upstreams: ups, Endpoints: []Endpoint{{"test", Fixed{"red": 1}}}}, `Endpoints[0].Source names upstream "red", which is not configured: the upstreams are blue, green`},
		{"bad ARN", Options{Upstreams: ups, Endpoints: []Endpoint{{"test", ListenerSource{API: noELB{}, ARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1", Upstreams: map[string]string{"tg": "blue"}}}}}, "Endpoints[0].Source.ARN \"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1\" is not a listener rule or listener ARN"},
		{"no mapping", Options{Upstreams: ups, Endpoints: []Endpoint{{"test", ListenerSource{API: noELB{}, ARN: "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/x/1/2"}}}}, "Endpoints[0].Source.Upstreams is empty"},
		{"poll too fast", Options{Upstreams: ups, Endpoints: one, Poll: 1}, "Poll 1ns is out of range: want 100ms to 1m0s"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(c.o); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New = %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// A request an upstream does not answer ends at UpstreamTimeout with a 502
// naming that upstream.
func TestProxyBoundsASlowUpstream(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	p, err := New(Options{
		Upstreams:       []Upstream{{"green", mustURL(t, slow.URL)}},
		Endpoints:       []Endpoint{{"production", Fixed{"green": 1}}},
		UpstreamTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var code int
	var body string
	go func() {
		code, body, _ = get(t, p.Handler("production"), "/")
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a request to an upstream that never answers was not cut off")
	}
	if code != http.StatusBadGateway || !strings.Contains(body, "upstream green") {
		t.Errorf("got %d %q", code, body)
	}
}
