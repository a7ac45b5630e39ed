package codedeployfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// TargetPrefix is the X-Amz-Target prefix of every CodeDeploy operation: a
// router sends the requests carrying it here.
const TargetPrefix = "CodeDeploy_20141006."

// Clock is the engine's time source; any clock with a Now method fits (the
// ECS stand-in's clocks, a waiter's fake clock, a scaled wall clock).
type Clock interface {
	Now() time.Time
}

// Timings are the durations the stand-in gives the steps CodeDeploy times
// itself. Zero fields take the defaults.
type Timings struct {
	// Event is each lifecycle event other than Install and AllowTraffic
	// (default 10s).
	Event time.Duration
	// Install is starting the replacement task set (default 1m).
	Install time.Duration
}

func (t Timings) withDefaults() Timings {
	if t.Event == 0 {
		t.Event = 10 * time.Second
	}
	if t.Install == 0 {
		t.Install = time.Minute
	}
	return t
}

// Options configure a Server.
type Options struct {
	// Upstream is the moto_server endpoint whose ELBv2 listeners and ECS
	// services the deployments change (required).
	Upstream string
	// Region and AccessKey sign the stand-in's own calls to moto (default
	// us-east-1 and "testing"); moto keeps one account per access key.
	Region, AccessKey string
	// Clock drives the deployments; the wall clock when nil.
	Clock Clock
	// Timings of the steps CodeDeploy times itself.
	Timings Timings
	// OnFailure, when set, also receives each failed call of the
	// stand-in's own to moto as it happens (a process logs them).
	OnFailure func(error)
}

// Server is a running CodeDeploy stand-in. It is an http.Handler; Start also
// serves it on a loopback port.
type Server struct {
	// URL is set by Start: the endpoint for SDK clients, on 127.0.0.1.
	URL string

	clock   Clock
	timings Timings
	onFail  func(error)
	elb     *elb.Client
	ecs     *ecs.Client
	srv     *http.Server

	mu       sync.Mutex
	apps     map[string]*application
	configs  map[string]deploymentConfig
	groups   map[string]*group // app + "/" + group
	order    []*deployment     // creation order
	byID     map[string]*deployment
	seq      int
	failures []error
}

// NewServer builds the engine without listening: mount it where requests
// are routed (the rehearsal stand-in puts it in front of moto).
func NewServer(opts Options) (*Server, error) {
	if opts.Upstream == "" {
		return nil, errors.New("codedeployfake: Options.Upstream (the moto_server URL) is required")
	}
	if u, err := url.Parse(opts.Upstream); err != nil || u.Host == "" {
		return nil, fmt.Errorf("codedeployfake: Options.Upstream %q is not an http URL", opts.Upstream)
	}
	if opts.Clock == nil {
		opts.Clock = wallClock{}
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccessKey == "" {
		opts.AccessKey = "testing"
	}
	creds := credentials.NewStaticCredentialsProvider(opts.AccessKey, "testing", "")
	s := &Server{
		clock:   opts.Clock,
		timings: opts.Timings.withDefaults(),
		onFail:  opts.OnFailure,
		elb:     elb.New(elb.Options{Region: opts.Region, BaseEndpoint: aws.String(opts.Upstream), Credentials: creds}),
		ecs:     ecs.New(ecs.Options{Region: opts.Region, BaseEndpoint: aws.String(opts.Upstream), Credentials: creds}),
		apps:    map[string]*application{},
		configs: builtinConfigs(),
		groups:  map[string]*group{},
		byID:    map[string]*deployment{},
	}
	return s, nil
}

// Start builds the engine and serves it on a free loopback port until Close.
func Start(opts Options) (*Server, error) {
	s, err := NewServer(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("codedeployfake: listening on loopback: %w", err)
	}
	s.URL = "http://" + ln.Addr().String()
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

// Close stops the server Start started.
func (s *Server) Close() {
	if s.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// Failures returns the errors of the stand-in's own calls to moto (listener
// moves, service updates). A test asserts it is empty.
func (s *Server) Failures() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.failures...)
}

// Advance brings every deployment up to the clock's now: what a request
// does first. A router calls it for the requests it sends elsewhere, so the
// listeners in moto are where CodeDeploy would have put them.
func (s *Server) Advance() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceAll(s.clock.Now())
}

type handler func(in map[string]any) (any, *APIError)

// ServeHTTP answers the CodeDeploy operations. Every request first brings
// the deployments up to the clock's now, so the listeners in moto match what
// CodeDeploy would have done.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceAll(s.clock.Now())
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	h := map[string]handler{
		"CreateApplication":         s.createApplication,
		"GetApplication":            s.getApplication,
		"ListApplications":          s.listApplications,
		"CreateDeploymentConfig":    s.createDeploymentConfig,
		"GetDeploymentConfig":       s.getDeploymentConfig,
		"CreateDeploymentGroup":     s.createDeploymentGroup,
		"GetDeploymentGroup":        s.getDeploymentGroup,
		"ListDeploymentGroups":      s.listDeploymentGroups,
		"CreateDeployment":          s.createDeployment,
		"GetDeployment":             s.getDeployment,
		"BatchGetDeployments":       s.batchGetDeployments,
		"ListDeployments":           s.listDeployments,
		"StopDeployment":            s.stopDeployment,
		"ContinueDeployment":        s.continueDeployment,
		"ListDeploymentTargets":     s.listDeploymentTargets,
		"BatchGetDeploymentTargets": s.batchGetDeploymentTargets,
		"GetDeploymentTarget":       s.getDeploymentTarget,
	}[op]
	if h == nil {
		WriteError(w, &APIError{Status: http.StatusBadRequest, Code: "UnknownOperationException", Message: fmt.Sprintf("the CodeDeploy stand-in does not implement %q", op)})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		WriteError(w, invalid("InvalidInputException", "reading the request body: %v", err))
		return
	}
	in := map[string]any{}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			WriteError(w, invalid("InvalidInputException", "the request body is not JSON: %v", err))
			return
		}
	}
	out, apiErr := h(in)
	if apiErr != nil {
		WriteError(w, apiErr)
		return
	}
	WriteJSON(w, out)
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// fail records a failed call of the stand-in's own to moto.
func (s *Server) fail(err error) {
	if err != nil {
		s.failures = append(s.failures, err)
		if s.onFail != nil {
			s.onFail(err)
		}
	}
}
