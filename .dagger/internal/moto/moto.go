// Package moto starts a real moto_server (the AWS API emulator) on a free
// loopback port for tests, and resets its state between tests.
//
// One server per test binary is the intended use: start it from TestMain or
// lazily with Shared, and call Reset at the start of every test that needs a
// clean account.
package moto

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/testtool"
)

// Fake credentials moto accepts. They are not secrets; tests that check for
// leaks use their own recognisable values.
const (
	AccessKey = "testing"
	SecretKey = "testing"
	Region    = "us-east-1"
	// Account is the account id moto reports from sts:GetCallerIdentity.
	Account = "123456789012"
)

// Server is a running moto_server.
type Server struct {
	// URL is the endpoint to hand to AWS clients, e.g. http://localhost:PORT.
	// moto answers on localhost as well as 127.0.0.1; some clients (the CDK
	// CLI) only accept a host name.
	URL  string
	Port int
	cmd  *exec.Cmd
	logs *bytes.Buffer
}

// Start launches moto_server on a free loopback port and waits until it
// answers. The caller must call Stop.
func Start() (*Server, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not found on PATH: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Port: port, URL: "http://localhost:" + strconv.Itoa(port), logs: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.cmd.Stdout = s.logs
	s.cmd.Stderr = s.logs
	// moto must never try real AWS credentials or metadata endpoints.
	s.cmd.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true", "MOTO_ALLOW_NONEXISTENT_REGION=false")
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			return s, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("moto_server did not answer on port %d within 60s; output:\n%s", port, s.logs.String())
}

// Stop ends the server.
func (s *Server) Stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_, _ = s.cmd.Process.Wait()
}

// Reset drops every resource moto holds, so a test starts from an empty account.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost,
		"http://127.0.0.1:"+strconv.Itoa(s.Port)+"/moto-api/reset", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("resetting moto: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("resetting moto: HTTP %d", resp.StatusCode)
	}
}

// Logs returns what the server printed so far (for failure messages).
func (s *Server) Logs() string { return s.logs.String() }

var (
	shared     *Server
	sharedErr  error
	sharedOnce sync.Once
)

// Shared returns the test binary's moto server, starting it on first use and
// resetting it for the calling test. When moto_server is missing the test is
// skipped (or fails under CI=true). Call StopShared from TestMain.
func Shared(t testing.TB) *Server {
	t.Helper()
	testtool.Require(t, "moto_server")
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		t.Fatalf("moto: %v", sharedErr)
	}
	shared.Reset(t)
	return shared
}

// StopShared stops the server Shared started, if any. Call it from TestMain
// after m.Run.
func StopShared() { shared.Stop() }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Main runs a test binary's tests and then stops its shared server: call it
// as the whole body of TestMain.
func Main(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}
