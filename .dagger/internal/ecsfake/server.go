package ecsfake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// targetPrefix is the X-Amz-Target prefix of every ECS operation.
const targetPrefix = "AmazonEC2ContainerServiceV20141113."

// Options configure a Server.
type Options struct {
	// Upstream is the moto_server endpoint the stand-in fronts (required).
	Upstream string
	// Clock drives the deployments; the wall clock when nil.
	Clock Clock
	// Timings of the stages ECS times itself; zero fields take defaults.
	Timings Timings
}

// Server is a running stand-in. Point every AWS client of a test at URL.
type Server struct {
	// URL is the endpoint for SDK clients (BaseEndpoint), on 127.0.0.1.
	URL string

	upstream *url.URL
	clock    Clock
	timings  Timings
	proxy    *httputil.ReverseProxy
	http     *http.Client
	srv      *http.Server

	mu        sync.Mutex
	services  map[string]*service // "cluster/service" → state
	byArn     map[string]*deployment
	revisions map[string]*revision    // service revision ARN → revision
	alarms    map[string]time.Time    // alarms in ALARM → since when
	failing   map[string]bool         // Lambda hook functions that answer FAILED
	functions map[string]HookFunction // Lambda hook functions invoked (SetHookFunction)
	// failingTasks are task definitions whose tasks fail to start;
	// failRollbacks makes every rollback end ROLLBACK_FAILED.
	failingTasks  map[string]bool
	failRollbacks bool
	failures      []error // the stand-in's own calls to moto that failed
}

// Start listens on a free loopback port and serves until Close.
func Start(opts Options) (*Server, error) {
	if opts.Upstream == "" {
		return nil, errors.New("ecsfake: Options.Upstream (the moto_server URL) is required")
	}
	up, err := url.Parse(opts.Upstream)
	if err != nil || up.Host == "" {
		return nil, fmt.Errorf("ecsfake: Options.Upstream %q is not an http URL", opts.Upstream)
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("ecsfake: listening on loopback: %w", err)
	}
	s := &Server{
		URL:       "http://" + ln.Addr().String(),
		upstream:  up,
		clock:     opts.Clock,
		timings:   opts.Timings.withDefaults(),
		proxy:     httputil.NewSingleHostReverseProxy(up),
		http:      &http.Client{Timeout: 30 * time.Second},
		services:  map[string]*service{},
		byArn:     map[string]*deployment{},
		revisions: map[string]*revision{},
		alarms:    map[string]time.Time{},
		failing:   map[string]bool{},
		functions: map[string]HookFunction{},

		failingTasks: map[string]bool{},
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// New starts a stand-in for a test and stops it when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// SetAlarm puts a CloudWatch alarm into ALARM (on) or OK (off) as of the
// clock's now. A deployment whose configuration monitors the alarm with
// rollback enabled rolls back when it sees it.
func (s *Server) SetAlarm(name string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.alarms[name] = s.clock.Now()
	} else {
		delete(s.alarms, name)
	}
}

// FailHook makes every later run of the Lambda hook functionArn report
// FAILED (fail) or SUCCEEDED again (!fail). A failed hook rolls its
// deployment back, as ECS does.
func (s *Server) FailHook(functionArn string, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[functionArn] = fail
}

// FailTasks makes the tasks of task definition arn fail to start (fail) or
// start again (!fail) in every later deployment step that starts them. The
// deployment circuit breaker of the service's configuration decides what
// follows, as in ECS: rollback, a stop, or (disabled) endless replacement.
func (s *Server) FailTasks(taskDefinitionArn string, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failingTasks[taskDefinitionArn] = fail
}

// FailRollbacks makes every rollback that ends from now on (fail) end
// ROLLBACK_FAILED: traffic stays where it was when the rollback began and
// the service keeps the failed release.
func (s *Server) FailRollbacks(fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failRollbacks = fail
}

// Failures returns the errors of the stand-in's own calls to moto (rewriting
// listener rule weights, restoring a service's task definition). A test
// asserts it is empty.
func (s *Server) Failures() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.failures...)
}

// ServeHTTP answers the ECS operations the stand-in owns and forwards the
// rest. Every request first brings the deployments up to the clock's now, so
// what moto answers (listener rule weights) matches what ECS would have done;
// the Lambda hook functions due on the way are invoked.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.catchUp(r.Context())

	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	handler := map[string]func(*http.Request, []byte) (any, *apiError){
		"CreateService":              s.createService,
		"UpdateService":              s.updateService,
		"DescribeServices":           s.describeServices,
		"DeleteService":              s.deleteService,
		"ListServiceDeployments":     s.listServiceDeployments,
		"DescribeServiceDeployments": s.describeServiceDeployments,
		"StopServiceDeployment":      s.stopServiceDeployment,
		"ContinueServiceDeployment":  s.continueServiceDeployment,
		"DescribeServiceRevisions":   s.describeServiceRevisions,
	}[op]
	if !ok || handler == nil {
		s.proxy.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, invalidParameter("reading the request body: %v", err))
		return
	}
	out, apiErr := handler(r, body)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if raw, ok := out.(upstreamAnswer); ok { // an error from moto, passed on as is
		w.Header().Set("Content-Type", raw.contentType)
		w.WriteHeader(raw.status)
		_, _ = w.Write(raw.body)
		return
	}
	writeJSON(w, out)
}

// upstreamAnswer is a non-200 answer of moto, handed back untouched.
type upstreamAnswer struct {
	status      int
	contentType string
	body        []byte
}

// forward sends the client's request (with its body) to moto and returns
// moto's answer. A 200 comes back as body; anything else as an
// upstreamAnswer to pass on.
func (s *Server) forward(r *http.Request, body []byte) ([]byte, *upstreamAnswer, *apiError) {
	u := *s.upstream
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, &apiError{status: http.StatusInternalServerError, code: "ServerException", msg: err.Error()}
	}
	req.Header = r.Header.Clone()
	return s.send(req)
}

func (s *Server) send(req *http.Request) ([]byte, *upstreamAnswer, *apiError) {
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, nil, &apiError{status: http.StatusInternalServerError, code: "ServerException", msg: "upstream: " + err.Error()}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, &apiError{status: http.StatusInternalServerError, code: "ServerException", msg: "upstream: " + err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &upstreamAnswer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: b}, nil
	}
	return b, nil, nil
}

// ecsCall makes an ECS JSON call of the stand-in's own to moto, under the
// service creator's credential scope.
func (s *Server) ecsCall(svc *service, op string, in any) error {
	_, err := s.ecsAsk(svc, op, in)
	return err
}

// ecsAsk is ecsCall returning moto's answer.
func (s *Server) ecsAsk(svc *service, op string, in any) ([]byte, error) {
	body, err := jsonBytes(in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, s.upstream.String()+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20260101/%s/ecs/aws4_request, SignedHeaders=host, Signature=0", svc.accessKey, svc.region))
	out, up, apiErr := s.send(req)
	if apiErr != nil {
		return nil, apiErr
	}
	if up != nil {
		return nil, fmt.Errorf("ECS %s: HTTP %d: %s", op, up.status, up.body)
	}
	return out, nil
}

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/\d{8}/([^/]+)/`)

// scopeOf returns the access key id and region a request was signed for.
func scopeOf(r *http.Request) (accessKey, region string) {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "testing", "us-east-1"
	}
	return m[1], m[2]
}

func (s *Server) rules(svc *service) ruleReader {
	return elbv2Rules{q: queryClient{endpoint: s.upstream.String() + "/", region: svc.region, accessKey: svc.accessKey, http: s.http}}
}
