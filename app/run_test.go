package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// listen opens a real listener on a free loopback port.
func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestServeOnRealListener(t *testing.T) {
	l := listen(t)
	cfg := baseConfig()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	go func() { done <- Serve(ctx, l, NewHandler(cfg, "h", logger), cfg, logger) }()

	resp, err := http.Get("http://" + l.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"ok"`) {
		t.Fatalf("healthz over TCP = %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("clean shutdown returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop after cancel")
	}
}

// slowHandler holds each request until released, so a test can shut the
// server down while a request is in flight.
type slowHandler struct {
	started chan struct{}
	release chan struct{}
}

func (h slowHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h.started <- struct{}{}
	<-h.release
	_, _ = io.WriteString(w, "finished")
}

func TestShutdownFinishesInFlightRequest(t *testing.T) {
	l := listen(t)
	cfg := baseConfig()
	cfg.ShutdownTimeout = 5 * time.Second
	h := slowHandler{started: make(chan struct{}, 1), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, l, h, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil))) }()

	var wg sync.WaitGroup
	var body string
	var reqErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := http.Get("http://" + l.Addr().String() + "/")
		if err != nil {
			reqErr = err
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
	}()
	<-h.started
	cancel() // SIGTERM arrives while the request is in flight

	// New connections are refused once shutdown has begun.
	deadline := time.Now().Add(2 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", l.Addr().String(), 100*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepts connections after shutdown began")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v before the in-flight request finished", err)
	default:
	}
	close(h.release)
	wg.Wait()
	if reqErr != nil || body != "finished" {
		t.Fatalf("in-flight request: body %q, err %v", body, reqErr)
	}
	if err := <-done; err != nil {
		t.Fatalf("shutdown error: %v", err)
	}
}

func TestShutdownTimeoutIsEnforced(t *testing.T) {
	l := listen(t)
	cfg := baseConfig()
	cfg.ShutdownTimeout = 200 * time.Millisecond
	h := slowHandler{started: make(chan struct{}, 1), release: make(chan struct{})}
	defer close(h.release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, l, h, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil))) }()
	go func() {
		if resp, err := http.Get("http://" + l.Addr().String() + "/"); err == nil {
			resp.Body.Close()
		}
	}()
	<-h.started
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "did not finish within 200ms") {
			t.Fatalf("want a timeout error, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown ignored its timeout")
	}
}

// TestBinary builds the app and runs it as ECS would: real process, real
// port, SIGTERM to stop; and with a bad PORT it must exit non-zero naming it.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := t.TempDir() + "/app"
	build := exec.Command("go", "build", "-ldflags", "-X main.version=stamped123", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	t.Run("bad PORT exits non-zero naming the variable", func(t *testing.T) {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "PORT=eighty")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
			t.Fatalf("want non-zero exit, got %v", err)
		}
		if !strings.Contains(stderr.String(), `PORT="eighty"`) {
			t.Fatalf("stderr = %q", stderr.String())
		}
	})

	t.Run("serves and stops on SIGTERM", func(t *testing.T) {
		l := listen(t)
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "PORT="+itoa(port))
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		url := "http://127.0.0.1:" + itoa(port) + "/healthz"
		var body []byte
		for i := 0; i < 100; i++ {
			if resp, err := http.Get(url); err == nil {
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !strings.Contains(string(body), `"version":"stamped123"`) {
			_ = cmd.Process.Kill()
			t.Fatalf("healthz = %q; the build-time version stamp is missing", body)
		}
		_ = cmd.Process.Signal(sigterm)
		errc := make(chan error, 1)
		go func() { errc <- cmd.Wait() }()
		select {
		case err := <-errc:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("app did not exit after SIGTERM")
		}
		if !strings.Contains(stdout.String(), `"msg":"stopped"`) {
			t.Fatalf("no clean-stop log line in %q", stdout.String())
		}
	})
}

func TestBinaryHealthcheckMode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := t.TempDir() + "/app"
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	check := func(port int) (int, string) {
		cmd := exec.Command(bin, "-healthcheck")
		cmd.Env = append(os.Environ(), "PORT="+itoa(port))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		}
		return 0, stderr.String()
	}

	// A port nobody listens on: unhealthy.
	closed := listen(t)
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	if code, msg := check(closedPort); code != 1 || !strings.Contains(msg, "health check") {
		t.Fatalf("no server: exit %d, %q", code, msg)
	}

	// The app serving: healthy.
	l := listen(t)
	cfg := baseConfig()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	go func() { _ = Serve(ctx, l, NewHandler(cfg, "h", logger), cfg, logger) }()
	if code, msg := check(l.Addr().(*net.TCPAddr).Port); code != 0 {
		t.Fatalf("healthy server: exit %d, %q", code, msg)
	}

	// Anything else on the command line is refused with a pointer to the environment.
	cmd := exec.Command(bin, "--port", "80")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "configured through its environment") {
		t.Fatalf("unknown flag: %v, %q", err, stderr.String())
	}
}
