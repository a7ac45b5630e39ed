// Package runtimetest is a local stand-in for the Lambda runtime API, for
// tests of functions built on lambdaruntime: it hands out queued
// invocations, records what the function posts back, and holds the
// next-invocation request open once the queue is empty, as Lambda does while
// a function is idle.
package runtimetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Invocation is one queued event.
type Invocation struct {
	ID       string
	Payload  string
	Deadline time.Time // zero: no deadline header
}

// Post is what the function sent back: a response, an invocation error or
// an init error.
type Post struct {
	// Path is below /2018-06-01/runtime, still escaped, e.g.
	// /invocation/req-1/response or /init/error.
	Path      string
	ErrorType string // Lambda-Runtime-Function-Error-Type
	Body      string
}

// Server is the stand-in; HostPort is what AWS_LAMBDA_RUNTIME_API holds.
type Server struct {
	HostPort string

	mu       sync.Mutex
	queue    []Invocation
	posts    []Post
	answered int
	total    int
	done     chan struct{}
	srv      *httptest.Server
}

// Start serves invs on a free loopback port until the test ends.
func Start(t testing.TB, invs ...Invocation) *Server {
	s := &Server{queue: invs, total: len(invs), done: make(chan struct{})}
	if len(invs) == 0 {
		close(s.done)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.HostPort = strings.TrimPrefix(s.srv.URL, "http://")
	t.Cleanup(s.srv.Close)
	return s
}

// Close stops the server (a test of a vanished runtime API).
func (s *Server) Close() { s.srv.Close() }

// Done is closed once every queued invocation was answered.
func (s *Server) Done() <-chan struct{} { return s.done }

// Posts returns what was posted so far, in order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	const prefix = "/2018-06-01/runtime"
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method == http.MethodGet && path == "/invocation/next" {
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.mu.Unlock()
			<-r.Context().Done()
			return
		}
		inv := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", inv.ID)
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:deploy-hook")
		if !inv.Deadline.IsZero() {
			w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.Deadline.UnixMilli(), 10))
		}
		_, _ = io.WriteString(w, inv.Payload)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.posts = append(s.posts, Post{Path: path, ErrorType: r.Header.Get("Lambda-Runtime-Function-Error-Type"), Body: string(body)})
	if strings.HasPrefix(path, "/invocation/") {
		s.answered++
		if s.answered == s.total {
			close(s.done)
		}
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}
