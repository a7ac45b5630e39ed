package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func testHandler(t *testing.T, cfg Config) (http.Handler, *bytes.Buffer) {
	t.Helper()
	logs := &bytes.Buffer{}
	return NewHandler(cfg, "task-1", slog.New(slog.NewJSONHandler(logs, nil))), logs
}

func baseConfig() Config {
	return Config{Port: 3000, AppName: "webapp", Version: "0123abc", ShutdownTimeout: defaultShutdownTimeout}
}

func TestHealthz(t *testing.T) {
	h, _ := testHandler(t, baseConfig())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type = %q", ct)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	if body["status"] != "ok" || body["version"] != "0123abc" {
		t.Fatalf("body = %v", body)
	}
}

func TestIndexShowsNameVersionAndColour(t *testing.T) {
	cfg := baseConfig()
	cfg.Color = "green"
	cfg.DeploymentID = "d-XYZ"
	h, _ := testHandler(t, cfg)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	page := rec.Body.String()
	for _, want := range []string{"<h1>webapp</h1>", `<dd id="version">0123abc</dd>`, "background: green", `<dd id="deployment">d-XYZ</dd>`, `<dd id="host">task-1</dd>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("index must not be cached during a cutover")
	}
}

func TestIndexDerivesDistinctColoursPerVersion(t *testing.T) {
	render := func(version string) string {
		cfg := baseConfig()
		cfg.Version = version
		h, _ := testHandler(t, cfg)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		return rec.Body.String()
	}
	a, b := render("aaaaaaa"), render("bbbbbbb")
	if !strings.Contains(a, colorFor("aaaaaaa")) || !strings.Contains(b, colorFor("bbbbbbb")) {
		t.Fatal("page does not carry the derived colour")
	}
	if colorFor("aaaaaaa") == colorFor("bbbbbbb") {
		t.Fatal("two versions got the same colour")
	}
	if strings.Contains(a, "ZgotmplZ") {
		t.Fatal("template escaping replaced the colour")
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	h, _ := testHandler(t, baseConfig())
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/nope", http.StatusNotFound},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
	}
}

func TestRequestLogsAreJSON(t *testing.T) {
	h, logs := testHandler(t, baseConfig())
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("User-Agent", "ELB-HealthChecker/2.0")
	h.ServeHTTP(httptest.NewRecorder(), req)
	line, err := io.ReadAll(logs)
	if err != nil {
		t.Fatal(err)
	}
	var entry map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(line), &entry); err != nil {
		t.Fatalf("log line is not JSON: %v: %s", err, line)
	}
	if entry["msg"] != "request" || entry["path"] != "/healthz" || entry["status"] != float64(200) || entry["user_agent"] != "ELB-HealthChecker/2.0" {
		t.Fatalf("log entry = %v", entry)
	}
	if _, ok := entry["duration_ms"]; !ok {
		t.Fatal("log entry lacks duration_ms")
	}
}
