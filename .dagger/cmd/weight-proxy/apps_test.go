package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/testtool"
)

// app is a running process of the repository's app.
type app struct {
	url     string
	version string
	color   string
}

var (
	appBinDir  string
	appBinErr  error
	appBinOnce sync.Once
)

// appBinary builds the repository's app once per test binary, stamped with
// version, into a temporary directory.
func appBinary(t *testing.T, version string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the app")
	}
	gobin := testtool.Require(t, "go")
	appBinOnce.Do(func() { appBinDir, appBinErr = os.MkdirTemp("", "weight-proxy-apps-") })
	if appBinErr != nil {
		t.Fatal(appBinErr)
	}
	bin := filepath.Join(appBinDir, "app-"+version)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	root, err := filepath.Abs("../../..") // the repository root, whose module holds ./app
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gobin, "build", "-o", bin, "-ldflags", "-X main.version="+version, "./app")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the app: %v\n%s", err, out)
	}
	return bin
}

// startApp runs the app on a free loopback port until the test ends.
func startApp(t *testing.T, version, color string) app {
	t.Helper()
	bin := appBinary(t, version)
	port := freePort(t)
	cmd := exec.Command(bin)
	cmd.Env = []string{"PORT=" + strconv.Itoa(port), "DEPLOYMENT_COLOR=" + color, "DEPLOYMENT_ID=" + version + "-deployment", "APP_NAME=webapp"}
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	a := app{url: "http://127.0.0.1:" + strconv.Itoa(port), version: version, color: color}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(a.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app %s did not answer on %s within 15s: %v\n%s", version, a.url, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer is the proxy's stdout, read by the test while the proxy writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proxy is the command running in the test.
type proxy struct {
	production, test string // base URLs
	out              *syncBuffer
}

// startProxy runs the command with args until the test ends, the endpoints
// on free loopback ports, and reads their addresses from its first lines.
func startProxy(t *testing.T, args ...string) proxy {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	args = append([]string{"-production-addr", "127.0.0.1:0", "-test-addr", "127.0.0.1:0"}, args...)
	go func() { done <- run(ctx, args, func(string) string { return "" }, out, errOut) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("the proxy exited %d after its context ended: %s", code, errOut.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("the proxy did not stop within 10s of its context ending")
		}
	})
	addr := regexp.MustCompile(`(production|test) endpoint listening on (\S+),`)
	deadline := time.Now().Add(10 * time.Second)
	var p proxy
	for p.production == "" || p.test == "" {
		select {
		case code := <-done:
			t.Fatalf("the proxy exited %d: %s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the proxy did not report its endpoints within 10s:\n%s%s", out.String(), errOut.String())
		}
		for _, m := range addr.FindAllStringSubmatch(out.String(), -1) {
			if m[1] == "production" {
				p.production = "http://" + m[2]
			} else {
				p.test = "http://" + m[2]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.out = out
	return p
}

// waitForLine waits until the proxy has logged a line containing want.
func (p proxy) waitForLine(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the proxy did not log %q within 10s:\n%s", want, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var client = &http.Client{Timeout: 10 * time.Second}

// versions sends n GET /version requests to base and counts the versions
// that answered, checking that each answer is whole and from one process:
// its colour and deployment match its version, and so does the header naming
// the upstream.
func versions(t *testing.T, base string, n int, apps ...app) map[string]int {
	t.Helper()
	byVersion := map[string]app{}
	for _, a := range apps {
		byVersion[a.version] = a
	}
	got := map[string]int{}
	for i := 0; i < n; i++ {
		resp, err := client.Get(base + "/version")
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v struct{ Version, Color, Deployment string }
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &v) != nil {
			t.Fatalf("request %d: HTTP %d %s", i+1, resp.StatusCode, body)
		}
		a, ok := byVersion[v.Version]
		if !ok || v.Color != a.color || v.Deployment != a.version+"-deployment" || resp.Header.Get("X-Weightproxy-Upstream") != a.color {
			t.Fatalf("request %d: answer %s (upstream header %q) matches no app process", i+1, body, resp.Header.Get("X-Weightproxy-Upstream"))
		}
		got[v.Version]++
	}
	return got
}

func wantCounts(t *testing.T, what string, got map[string]int, want map[string]int) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: versions answered %v, want %v", what, got, want)
	}
}
