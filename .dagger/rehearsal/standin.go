package rehearsal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"dagger/ecs-bluegreen/internal/codedeployfake"
	"dagger/ecs-bluegreen/internal/ecsfake"
)

// Options configure a stand-in.
type Options struct {
	// Moto is the moto_server executable (default: found on PATH).
	Moto string
	// TimeScale speeds the deployments up (1: real time).
	TimeScale float64
}

// StandIn is a running stand-in: moto_server underneath, the engines in
// front, one endpoint.
type StandIn struct {
	// URL is the stand-in's own loopback endpoint for AWS clients (Serve
	// adds the public one).
	URL   string
	Clock *ScaledClock

	// MotoURL is moto_server's own endpoint, on 127.0.0.1.
	MotoURL string

	moto *exec.Cmd
	logs *bytes.Buffer
	ecs  *ecsfake.Server
	cd   *codedeployfake.Server
	srv  *http.Server
}

// Start starts moto_server on a free loopback port and the engines in front
// of it, and serves them on another free loopback port (URL) until Close.
// Serve opens the address clients are told about, once the state they
// expect (Seed) is in place.
func Start(opts Options) (*StandIn, error) {
	clock, err := NewScaledClock(opts.TimeScale, nil)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	s := &StandIn{URL: "http://" + clientAddr(ln.Addr().(*net.TCPAddr)), Clock: clock, logs: &bytes.Buffer{}}
	motoURL, err := s.startMoto(opts.Moto)
	s.MotoURL = motoURL
	if err != nil {
		s.Close() // moto may have started without answering
		ln.Close()
		return nil, err
	}
	if s.ecs, err = ecsfake.Start(ecsfake.Options{Upstream: motoURL, Clock: clock}); err != nil {
		s.Close()
		ln.Close()
		return nil, err
	}
	if s.cd, err = codedeployfake.NewServer(codedeployfake.Options{Upstream: motoURL, Clock: clock, OnFailure: func(err error) {
		fmt.Fprintln(os.Stderr, "aws-standin: CodeDeploy engine:", err)
	}}); err != nil {
		s.Close()
		ln.Close()
		return nil, err
	}
	s.srv = &http.Server{Handler: NewRouter(s.cd, s.ecs), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Serve serves the stand-in on addr as well, and returns the URL a client
// on this machine reaches it at. Opening the port last makes it the
// readiness signal: a Dagger service is up when its port answers.
func (s *StandIn) Serve(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listening on %s: %w", addr, err)
	}
	go func() { _ = s.srv.Serve(ln) }()
	return "http://" + clientAddr(ln.Addr().(*net.TCPAddr)), nil
}

// clientAddr is where a client on this machine reaches a listener: the
// loopback address when it listens on every interface.
func clientAddr(a *net.TCPAddr) string {
	if a.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(a.Port))
	}
	return a.String()
}

func (s *StandIn) startMoto(bin string) (string, error) {
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("moto_server"); err != nil {
			return "", errors.New("moto_server not found on PATH: install it (pip install \"moto[server]==5.2.1\") or pass --moto PATH")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s.moto = exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.moto.Stdout, s.moto.Stderr = s.logs, s.logs
	// moto must never reach for real credentials or metadata endpoints.
	s.moto.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true")
	if err := s.moto.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", bin, err)
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/moto-api/data.json"); err == nil {
			resp.Body.Close()
			return url, nil
		}
	}
	return "", fmt.Errorf("%s did not answer on port %d within 60s:\n%s", bin, port, s.logs.String())
}

// Seed creates a deployed <app>-service stack's state in mode (see Seed),
// with moto's fake credentials.
func (s *StandIn) Seed(ctx context.Context, mode, app string) (Seeded, error) {
	cfg := aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(s.URL),
		// moto's fake credentials: moto keeps one account per access key.
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	}
	return Seed(ctx, cfg, s.MotoURL, mode, app)
}

// Failures are the engines' own calls to moto that failed.
func (s *StandIn) Failures() []error {
	return append(s.ecs.Failures(), s.cd.Failures()...)
}

// Close stops the endpoint, the engines and moto_server.
func (s *StandIn) Close() {
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.srv.Shutdown(ctx)
		cancel()
	}
	if s.ecs != nil {
		s.ecs.Close()
	}
	if s.moto != nil && s.moto.Process != nil {
		_ = s.moto.Process.Kill()
		_ = s.moto.Wait()
	}
}
