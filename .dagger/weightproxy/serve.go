package weightproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"time"
)

// UpstreamHeader names, on every proxied answer, the upstream that gave it.
const UpstreamHeader = "X-Weightproxy-Upstream"

// upstreamHandler forwards to one upstream, answering 502 with the
// upstream's name when it cannot be reached: a rehearsal user then sees which
// release is down instead of a bare error.
func upstreamHandler(u Upstream, transport http.RoundTripper) http.Handler {
	target := u.URL
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.SetXForwarded()
		},
		Transport: transport,
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set(UpstreamHeader, u.Name)
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			w.Header().Set(UpstreamHeader, u.Name)
			http.Error(w, fmt.Sprintf("weight proxy: upstream %s (%s) did not answer: %v", u.Name, target.Redacted(), err), http.StatusBadGateway)
		},
	}
}

// Handler serves the named endpoint. It panics for a name New was not given,
// a programming error.
func (p *Proxy) Handler(name string) http.Handler {
	for _, e := range p.endpoints {
		if e.Name == name {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(e, w, r) })
		}
	}
	panic(fmt.Sprintf("weightproxy: no endpoint %q", name))
}

func (p *Proxy) serve(e *endpoint, w http.ResponseWriter, r *http.Request) {
	name, ok := e.picker.Next()
	if !ok {
		http.Error(w, "weight proxy: "+e.Name+" has no upstream to send to: "+e.why(), http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.opts.UpstreamTimeout)
	defer cancel()
	p.upstreams[name].ServeHTTP(w, r.WithContext(ctx))
}

// why explains an endpoint without an upstream.
func (e *endpoint) why() string {
	e.mu.Lock()
	lastErr := e.lastErr
	e.mu.Unlock()
	switch {
	case e.picker.Weights() != nil:
		return "every weight is 0 (" + e.picker.Weights().String() + ")"
	case lastErr != "":
		return "no weights read yet from " + e.Source.String() + ": " + lastErr
	default:
		return "no weights read yet from " + e.Source.String()
	}
}

// Server is an http.Server for the named endpoint with bounded header,
// body and idle times, so a stalled client cannot hold a connection forever.
func (p *Proxy) Server(name string) *http.Server {
	return &http.Server{
		Handler:           p.Handler(name),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       p.opts.UpstreamTimeout,
		WriteTimeout:      p.opts.UpstreamTimeout + 5*time.Second,
		IdleTimeout:       60 * time.Second,
	}
}

// Refresh reads every endpoint's weights once and installs them, logging a
// line for each change and for each read error that differs from the last.
// After a failed read an endpoint keeps the weights it had, as a load
// balancer keeps routing while its API is unreachable. The errors are
// returned joined.
func (p *Proxy) Refresh(ctx context.Context) error {
	var errs []error
	for _, e := range p.endpoints {
		if err := p.refresh(ctx, e); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (p *Proxy) refresh(ctx context.Context, e *endpoint) error {
	rctx, cancel := context.WithTimeout(ctx, p.opts.ReadTimeout)
	defer cancel()
	w, err := e.Source.Weights(rctx)
	if err == nil {
		before := e.picker.Weights()
		var changed bool
		if changed, err = e.picker.Set(w); err == nil {
			e.mu.Lock()
			recovered := e.lastErr != ""
			e.lastErr = ""
			e.mu.Unlock()
			switch {
			case changed:
				p.logf("%s: weights %s from %s (were %s)", e.Name, w, e.Source, before)
			case recovered:
				p.logf("%s: %s read again, weights unchanged: %s", e.Name, e.Source, w)
			}
			return nil
		}
	}
	if ctx.Err() != nil {
		return err // shutting down: not a read problem worth a line
	}
	e.mu.Lock()
	repeated := e.lastErr == err.Error()
	e.lastErr = err.Error()
	e.mu.Unlock()
	switch kept := e.picker.Weights(); {
	case repeated:
	case kept == nil:
		p.logf("%s: cannot read weights yet, answering 503: %v", e.Name, err)
	default:
		p.logf("%s: cannot read weights, keeping %s: %v", e.Name, kept, err)
	}
	return err
}

// Follow refreshes now and then every Poll until ctx ends.
func (p *Proxy) Follow(ctx context.Context) {
	t := time.NewTicker(p.opts.Poll)
	defer t.Stop()
	for {
		_ = p.Refresh(ctx) // logged; the last good weights stay in use
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (p *Proxy) logf(format string, args ...any) {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	fmt.Fprintf(p.opts.Log, "%s %s\n", time.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
}
