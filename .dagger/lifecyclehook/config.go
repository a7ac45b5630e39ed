package lifecyclehook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dagger/ecs-bluegreen/analysis"
	"dagger/ecs-bluegreen/smokecheck"
)

// What the hook does when the analysis is still inconclusive at MaxWait.
const (
	// OnInconclusiveRollback fails the hook: no evidence is not a pass.
	OnInconclusiveRollback = "rollback"
	// OnInconclusiveContinue lets the deployment go on, for services too
	// quiet to ever judge.
	OnInconclusiveContinue = "continue"
)

// Config is the hook's configuration (the function's environment; see
// ConfigFromEnv). Its zero value, with a smoke URL, is the documented
// default.
type Config struct {
	// Policy judges the revisions (analysis.Defaults for unset fields).
	Policy analysis.Policy
	// Smoke is the smoke check of the test listener; its URL is required.
	Smoke smokecheck.Config
	// LoadBalancer is the CloudWatch LoadBalancer dimension (app/<name>/<id>
	// or the load balancer's ARN), used when the service revisions do not
	// name their listener rule.
	LoadBalancer string
	// MetricDelay is how long after a minute ends its load balancer metrics
	// are complete in CloudWatch. Default (and 0) 2m; accepted up to 10m.
	MetricDelay time.Duration
	// MaxWait is how long one stage's analysis may stay inconclusive before
	// OnInconclusive decides. Default 30m; accepted 1m–24h (keep it under the
	// hook's own timeout).
	MaxWait time.Duration
	// OnInconclusive is "rollback" (default) or "continue".
	OnInconclusive string
}

const (
	defaultMetricDelay = 2 * time.Minute
	defaultMaxWait     = 30 * time.Minute
)

func (c Config) withDefaults() Config {
	c.Policy = c.Policy.WithDefaults()
	if c.MetricDelay == 0 {
		c.MetricDelay = defaultMetricDelay
	}
	if c.MaxWait == 0 {
		c.MaxWait = defaultMaxWait
	}
	if c.OnInconclusive == "" {
		c.OnInconclusive = OnInconclusiveRollback
	}
	return c
}

// Validate reports every bad setting, each naming the setting, its value
// and what is accepted.
func (c Config) Validate() error {
	var errs []error
	if err := c.Policy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Smoke.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.LoadBalancer != "" {
		if _, err := loadBalancerDimension(c.LoadBalancer); err != nil {
			errs = append(errs, fmt.Errorf("hook loadBalancer: %w", err))
		}
	}
	if c.MetricDelay < 0 || c.MetricDelay > 10*time.Minute {
		errs = append(errs, fmt.Errorf("hook metricDelay %s is out of range: accepted up to 10m (0 means the default 2m)", c.MetricDelay))
	}
	if c.MaxWait != 0 && (c.MaxWait < time.Minute || c.MaxWait > 24*time.Hour) {
		errs = append(errs, fmt.Errorf("hook maxWait %s is out of range: accepted 1m–24h", c.MaxWait))
	}
	if c.OnInconclusive != "" && c.OnInconclusive != OnInconclusiveRollback && c.OnInconclusive != OnInconclusiveContinue {
		errs = append(errs, fmt.Errorf("hook onInconclusive %q is not accepted: %q or %q", c.OnInconclusive, OnInconclusiveRollback, OnInconclusiveContinue))
	}
	return errors.Join(errs...)
}

// Environment variables the function reads (the service stack sets them).
const (
	EnvPolicy         = "ANALYSIS_POLICY" // JSON analysis.Policy, e.g. {"maxErrorRate":0.02}
	EnvSmokeURL       = "SMOKE_URL"       // the test listener, e.g. http://alb:8080
	EnvSmokeChecks    = "SMOKE_CHECKS"    // JSON list of smokecheck.Check
	EnvSmokeTimeout   = "SMOKE_TIMEOUT"   // Go duration, e.g. 5s
	EnvLoadBalancer   = "ANALYSIS_LOAD_BALANCER"
	EnvMetricDelay    = "ANALYSIS_METRIC_DELAY" // Go duration
	EnvMaxWait        = "ANALYSIS_MAX_WAIT"     // Go duration
	EnvOnInconclusive = "ANALYSIS_ON_INCONCLUSIVE"
)

// ConfigFromEnv reads and validates the configuration. getenv is os.Getenv
// in the function; JSON settings refuse unknown fields, so a misspelt policy
// key is an error instead of a silent default.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var c Config
	var errs []error
	if s := getenv(EnvPolicy); s != "" {
		if err := strictJSON(s, &c.Policy); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w (accepted: a JSON object with maxErrorRate, maxErrorRateIncrease, maxP99Ratio, latencyFloorMillis, minRequests, minErrors, badWindows, windowMinutes, count4xx, maxUnhealthyHosts)", EnvPolicy, err))
		}
	}
	c.Smoke.URL = getenv(EnvSmokeURL)
	if s := getenv(EnvSmokeChecks); s != "" {
		if err := strictJSON(s, &c.Smoke.Checks); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w (accepted: a JSON list of {method, path, expectStatus, bodyContains, count})", EnvSmokeChecks, err))
		}
	}
	dur := func(name string, into *time.Duration) {
		if s := getenv(name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %q is not a duration: accepted e.g. 90s or 2m", name, s))
			}
			*into = d
		}
	}
	dur(EnvSmokeTimeout, &c.Smoke.Timeout)
	dur(EnvMetricDelay, &c.MetricDelay)
	dur(EnvMaxWait, &c.MaxWait)
	c.LoadBalancer = getenv(EnvLoadBalancer)
	c.OnInconclusive = getenv(EnvOnInconclusive)
	if len(errs) == 0 {
		if err := c.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}

func strictJSON(s string, into any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
