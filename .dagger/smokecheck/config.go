// Package smokecheck sends configured requests to a deployment's test
// listener — where only the new revision answers — and turns the answers
// into a pass/fail verdict before any production traffic moves.
package smokecheck

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Check is one configured request.
type Check struct {
	// Method is the HTTP method. Default GET; accepted GET, HEAD, POST, PUT,
	// PATCH, DELETE, OPTIONS.
	Method string `json:"method,omitempty"`
	// Path is the request path (with an optional query), starting with "/".
	Path string `json:"path"`
	// ExpectStatus is the status the answer must carry. Default 200; accepted
	// 100–599. Redirects are never followed (a redirect may lead off the test
	// listener, to the old revision), so a path that redirects expects 3xx.
	ExpectStatus int `json:"expectStatus,omitempty"`
	// BodyContains, when set, must appear in the first MiB of the body.
	BodyContains string `json:"bodyContains,omitempty"`
	// Count is how many times the request is sent; every one must pass.
	// Default 1; accepted 1–100.
	Count int `json:"count,omitempty"`
}

// DefaultChecks are used when none are configured: the app's health
// endpoint and its front page, once each, expecting 200.
var DefaultChecks = []Check{{Path: "/healthz"}, {Path: "/"}}

// Config is a smoke check run.
type Config struct {
	// URL is the test listener's base URL, e.g. http://my-alb-123.eu-west-1.elb.amazonaws.com:8080.
	URL string
	// Checks default to DefaultChecks; at most 50.
	Checks []Check
	// Timeout bounds each request, answer and body included. Default 5s;
	// accepted 100ms–60s.
	Timeout time.Duration
	// Client is optional (its redirect policy is replaced so redirects are
	// never followed).
	Client *http.Client
}

const (
	defaultTimeout = 5 * time.Second
	maxChecks      = 50
	maxCount       = 100
	maxBodyNeedle  = 1024
)

var methods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

func (c Check) withDefaults() Check {
	if c.Method == "" {
		c.Method = http.MethodGet
	}
	c.Method = strings.ToUpper(c.Method)
	if c.ExpectStatus == 0 {
		c.ExpectStatus = http.StatusOK
	}
	if c.Count == 0 {
		c.Count = 1
	}
	return c
}

func (c Config) withDefaults() Config {
	if len(c.Checks) == 0 {
		c.Checks = DefaultChecks
	}
	checks := make([]Check, len(c.Checks))
	for i, ch := range c.Checks {
		checks[i] = ch.withDefaults()
	}
	c.Checks = checks
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	return c
}

// Validate reports every bad setting, each naming the input, its value and
// what is accepted.
func (c Config) Validate() error {
	var errs []error
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		errs = append(errs, errors.New("smoke check url is empty: accepted an http:// or https:// URL of the test listener"))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs = append(errs, fmt.Errorf("smoke check url %q is not usable: accepted an http:// or https:// URL with a host, e.g. http://my-alb.example.com:8080", c.URL))
	case u.RawQuery != "" || u.Fragment != "":
		errs = append(errs, fmt.Errorf("smoke check url %q carries a query or fragment: accepted a base URL; put queries on a check's path", c.URL))
	}
	if c.Timeout != 0 && (c.Timeout < 100*time.Millisecond || c.Timeout > time.Minute) {
		errs = append(errs, fmt.Errorf("smoke check timeout %s is out of range: accepted 100ms–60s", c.Timeout))
	}
	if len(c.Checks) > maxChecks {
		errs = append(errs, fmt.Errorf("smoke checks: %d configured, accepted at most %d", len(c.Checks), maxChecks))
	}
	for i, ch := range c.Checks {
		name := fmt.Sprintf("smoke check %d", i+1)
		ch = ch.withDefaults()
		if !strings.HasPrefix(ch.Path, "/") || strings.ContainsAny(ch.Path, " \t\r\n#") {
			errs = append(errs, fmt.Errorf("%s: path %q is not accepted: a path starting with \"/\" (a query is allowed), without spaces or a fragment", name, ch.Path))
		}
		if !methods[ch.Method] {
			errs = append(errs, fmt.Errorf("%s: method %q is not accepted: GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS", name, ch.Method))
		}
		if ch.ExpectStatus < 100 || ch.ExpectStatus > 599 {
			errs = append(errs, fmt.Errorf("%s: expectStatus %d is out of range: accepted 100–599", name, ch.ExpectStatus))
		}
		if ch.Count < 1 || ch.Count > maxCount {
			errs = append(errs, fmt.Errorf("%s: count %d is out of range: accepted 1–%d", name, ch.Count, maxCount))
		}
		if len(ch.BodyContains) > maxBodyNeedle {
			errs = append(errs, fmt.Errorf("%s: bodyContains is %d bytes long: accepted at most %d", name, len(ch.BodyContains), maxBodyNeedle))
		}
		if ch.BodyContains != "" && ch.Method == http.MethodHead {
			errs = append(errs, fmt.Errorf("%s: bodyContains with method HEAD can never match: a HEAD answer has no body", name))
		}
	}
	return errors.Join(errs...)
}

// String is the check as a person reads it: "GET /healthz → 200 ×1".
func (c Check) String() string {
	c = c.withDefaults()
	s := fmt.Sprintf("%s %s → %d", c.Method, c.Path, c.ExpectStatus)
	if c.BodyContains != "" {
		s += fmt.Sprintf(" containing %q", c.BodyContains)
	}
	if c.Count > 1 {
		s += fmt.Sprintf(" ×%d", c.Count)
	}
	return s
}
