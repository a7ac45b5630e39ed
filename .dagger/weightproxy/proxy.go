package weightproxy

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Upstream is one release's app.
type Upstream struct {
	// Name identifies it in weights and log lines, e.g. blue or green.
	Name string
	// URL is where it answers, e.g. http://blue:3000.
	URL *url.URL
}

// Endpoint is one face of the proxy (production, test) and where its
// weights come from.
type Endpoint struct {
	Name   string
	Source Source
}

// Options configure a Proxy. Zero durations take the defaults.
type Options struct {
	Upstreams []Upstream
	Endpoints []Endpoint
	// Poll is how often the sources are read (default 1s, 100ms to 1m).
	Poll time.Duration
	// ReadTimeout bounds one read of a source (default 5s, at most 1m).
	ReadTimeout time.Duration
	// UpstreamTimeout bounds one proxied request, from connecting to the
	// last byte of the answer (default 30s, at most 10m).
	UpstreamTimeout time.Duration
	// Log receives one line per weight change and per new read error.
	Log io.Writer
}

// Defaults of Options.
const (
	DefaultPoll            = time.Second
	DefaultReadTimeout     = 5 * time.Second
	DefaultUpstreamTimeout = 30 * time.Second
)

// Proxy sends each request of an endpoint to one upstream, in proportion to
// the endpoint's weights.
type Proxy struct {
	opts      Options
	upstreams map[string]http.Handler
	endpoints []*endpoint
	logMu     sync.Mutex
}

type endpoint struct {
	Endpoint
	picker *Picker

	mu      sync.Mutex
	lastErr string // the latest read error, "" after a good read
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// New checks the options and builds the proxy; nothing is read or served
// until Refresh, Follow or a Handler is used.
func New(o Options) (*Proxy, error) {
	if err := o.withDefaults(); err != nil {
		return nil, err
	}
	p := &Proxy{opts: o, upstreams: map[string]http.Handler{}}
	transport := &http.Transport{
		// Upstreams are local services: never through an environment proxy.
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: o.UpstreamTimeout,
		IdleConnTimeout:       60 * time.Second,
		MaxIdleConnsPerHost:   32,
	}
	var names []string
	for i, u := range o.Upstreams {
		field := fmt.Sprintf("Upstreams[%d]", i)
		if !namePattern.MatchString(u.Name) {
			return nil, fmt.Errorf("%s.Name %q is not a name: want lowercase letters, digits and -, starting with a letter, at most 32", field, u.Name)
		}
		if _, dup := p.upstreams[u.Name]; dup {
			return nil, fmt.Errorf("%s.Name %q is given twice: each upstream needs its own name", field, u.Name)
		}
		if err := CheckUpstreamURL(field+".URL", u.URL); err != nil {
			return nil, err
		}
		p.upstreams[u.Name] = upstreamHandler(u, transport)
		names = append(names, u.Name)
	}
	seen := map[string]bool{}
	for i, e := range o.Endpoints {
		field := fmt.Sprintf("Endpoints[%d]", i)
		if !namePattern.MatchString(e.Name) || seen[e.Name] {
			return nil, fmt.Errorf("%s.Name %q is not a new name: want a unique lowercase name such as production or test", field, e.Name)
		}
		seen[e.Name] = true
		if err := checkSource(field+".Source", e.Source, p.upstreams); err != nil {
			return nil, err
		}
		p.endpoints = append(p.endpoints, &endpoint{Endpoint: e, picker: NewPicker(names...)})
	}
	return p, nil
}

func (o *Options) withDefaults() error {
	if len(o.Upstreams) == 0 {
		return fmt.Errorf("Upstreams is empty: give at least one upstream (the old and the new release's app)")
	}
	if len(o.Endpoints) == 0 {
		return fmt.Errorf("Endpoints is empty: give at least one endpoint (production, test)")
	}
	for _, d := range []struct {
		name     string
		v        *time.Duration
		def      time.Duration
		min, max time.Duration
	}{
		{"Poll", &o.Poll, DefaultPoll, 100 * time.Millisecond, time.Minute},
		{"ReadTimeout", &o.ReadTimeout, DefaultReadTimeout, 100 * time.Millisecond, time.Minute},
		{"UpstreamTimeout", &o.UpstreamTimeout, DefaultUpstreamTimeout, 100 * time.Millisecond, 10 * time.Minute},
	} {
		if *d.v == 0 {
			*d.v = d.def
		}
		if *d.v < d.min || *d.v > d.max {
			return fmt.Errorf("%s %s is out of range: want %s to %s", d.name, *d.v, d.min, d.max)
		}
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return nil
}

// CheckUpstreamURL accepts an absolute http(s) URL with a host and nothing
// after it but a path; input names the flag or field it came from.
func CheckUpstreamURL(input string, u *url.URL) error {
	if u == nil {
		return fmt.Errorf("%s is missing: want http://HOST:PORT, e.g. http://blue:3000", input)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s %q is not an upstream URL: want http://HOST:PORT, e.g. http://blue:3000", input, u.Redacted())
	}
	return nil
}

func checkSource(field string, s Source, upstreams map[string]http.Handler) error {
	var named []string
	switch s := s.(type) {
	case nil:
		return fmt.Errorf("%s is missing: give fixed weights or a listener rule to follow", field)
	case Fixed:
		total := 0
		for n, w := range s {
			named = append(named, n)
			if w < 0 || w > 999 {
				return fmt.Errorf("%s: weight %d for %q is out of range: want 0 to 999", field, w, n)
			}
			total += w
		}
		if total == 0 {
			return fmt.Errorf("%s: every weight is 0: at least one upstream needs a weight above 0", field)
		}
	case ListenerSource:
		if s.API == nil {
			return fmt.Errorf("%s.API is missing: give an ELBv2 client", field)
		}
		if err := CheckListenerARN(field+".ARN", s.ARN); err != nil {
			return err
		}
		if len(s.Upstreams) == 0 {
			return fmt.Errorf("%s.Upstreams is empty: map each target group ARN to an upstream", field)
		}
		for _, n := range s.Upstreams {
			named = append(named, n)
		}
	}
	sort.Strings(named)
	for _, n := range named {
		if upstreams[n] == nil {
			return fmt.Errorf("%s names upstream %q, which is not configured: the upstreams are %s", field, n, strings.Join(sortedNames(upstreams), ", "))
		}
	}
	return nil
}

func sortedNames(m map[string]http.Handler) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
