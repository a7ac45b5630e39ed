package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"log/slog"
	"net/http"
	"time"
)

//go:embed web/index.html
var indexHTML string

var indexTemplate = template.Must(template.New("index").Parse(indexHTML))

// watchHTML is the live cutover view: a page that polls /version on its own
// origin and draws which versions answered over the last minute. Opened on
// the production URL it shows a canary or linear shift move and a rollback
// snap back; on the test listener, what test traffic reaches.
//
//go:embed web/watch.html
var watchHTML string

var watchTemplate = template.Must(template.New("watch").Parse(watchHTML))

// page is what index.html renders.
type page struct {
	AppName string
	Version string
	// Color is validated by LoadConfig or derived by colorFor, so it is
	// safe to place in the style sheet.
	Color        template.CSS
	DeploymentID string
	Hostname     string
}

// NewHandler returns the app's routes wrapped in request logging.
func NewHandler(cfg Config, hostname string, logger *slog.Logger) http.Handler {
	color := cfg.Color
	if color == "" {
		color = colorFor(cfg.Version)
	}
	p := page{AppName: cfg.AppName, Version: cfg.Version, Color: template.CSS(color), DeploymentID: cfg.DeploymentID, Hostname: hostname}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "version": cfg.Version})
	})
	// /version is what the cutover view polls: small, and never cached, so
	// each poll is a new answer from whichever task the load balancer picks.
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(map[string]string{"version": cfg.Version, "color": color, "host": hostname, "deployment": cfg.DeploymentID})
	})
	mux.HandleFunc("GET /watch", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := watchTemplate.Execute(w, p); err != nil {
			logger.Error("rendering watch", "error", err.Error())
		}
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// Never cache: during a cutover a reload must show the colour that
		// is live now.
		w.Header().Set("Cache-Control", "no-store")
		if err := indexTemplate.Execute(w, p); err != nil {
			logger.Error("rendering index", "error", err.Error())
		}
	})
	return logRequests(mux, logger)
}

// colorFor derives a stable, distinct hue from the version, so two releases
// side by side are visibly different.
func colorFor(version string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(version))
	return fmt.Sprintf("hsl(%d, 65%%, 45%%)", h.Sum32()%360)
}

// statusRecorder remembers the status code and size a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// logRequests writes one JSON line per request.
func logRequests(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		logger.Info("request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", rec.status,
			"bytes", rec.bytes,
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"remote", r.RemoteAddr,
			"user_agent", r.UserAgent(),
		)
	})
}
