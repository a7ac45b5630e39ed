// Package analysis judges a new service revision against the old one on the
// Application Load Balancer's per-target-group CloudWatch metrics, read over
// the same window: pass, fail or inconclusive, with the numbers behind it and
// a sentence a person reads in a log.
//
// The package is pure: it reads no clock and calls no AWS API. Callers (the
// lifecycle hook, the release progress) fetch the datapoints and pass the
// window in, so the same judgment runs live, on demand and in tests.
package analysis

import (
	"errors"
	"fmt"
	"math"
)

// Policy says when a new revision is worse than acceptable. Its zero value
// means "all defaults"; a field left at zero takes the default documented on
// it (see Defaults), so a configuration names only what it changes.
type Policy struct {
	// MaxErrorRate is the highest share of the new revision's requests that may
	// end in an error, as a fraction (0.01 is 1 %). Default 0.01; accepted
	// 0 < value ≤ 1.
	MaxErrorRate float64 `json:"maxErrorRate,omitempty"`
	// MaxErrorRateIncrease is how far the new revision's error rate may rise
	// above the old one's, in fraction points (0.005 is half a percentage
	// point). Default 0.005; accepted 0 < value ≤ 1. Only judged when the old
	// revision served MinRequests in the same window.
	MaxErrorRateIncrease float64 `json:"maxErrorRateIncrease,omitempty"`
	// MaxP99Ratio is the highest new-to-old ratio of the p99 target response
	// time. Default 1.5; accepted 1 ≤ value ≤ 100. Only judged when the old
	// revision served MinRequests in the same window.
	MaxP99Ratio float64 `json:"maxP99Ratio,omitempty"`
	// LatencyFloorMillis: p99 times below this many milliseconds count as this
	// value in the ratio, so 4 ms against 2 ms is not "twice as slow".
	// Default 50; accepted 1–10000.
	LatencyFloorMillis int `json:"latencyFloorMillis,omitempty"`
	// MinRequests is how many requests the new revision must serve in a window
	// before that window is judged at all; a window with fewer is skipped, and
	// a verdict with no judged window is inconclusive, never a pass.
	// Default 50; accepted 1–1000000.
	MinRequests int `json:"minRequests,omitempty"`
	// MinErrors: a window with fewer errors than this is never bad on errors,
	// whatever the rates say, so one error against an old revision with none
	// is not a failure. Set 1 to let a single error count. Default 3;
	// accepted 1–1000000.
	MinErrors int `json:"minErrors,omitempty"`
	// BadWindows is how many judged windows in a row must be bad to fail.
	// Default 2; accepted 1–60.
	BadWindows int `json:"badWindows,omitempty"`
	// WindowMinutes is the length of one judged window. CloudWatch keeps the
	// load balancer's metrics at one-minute resolution, so a window is a whole
	// number of minutes. Default 2; accepted 1–60.
	WindowMinutes int `json:"windowMinutes,omitempty"`
	// Count4XX counts HTTPCode_Target_4XX_Count as errors too. Off by default:
	// clients cause most 4xx, and a new revision rarely changes them.
	Count4XX bool `json:"count4xx,omitempty"`
	// MaxUnhealthyHosts is how many of the new revision's targets may stay
	// unhealthy through a whole window. Default 0; accepted 0–1000.
	MaxUnhealthyHosts int `json:"maxUnhealthyHosts,omitempty"`
}

// Defaults is the policy every unset field falls back to.
var Defaults = Policy{
	MaxErrorRate:         0.01,
	MaxErrorRateIncrease: 0.005,
	MaxP99Ratio:          1.5,
	LatencyFloorMillis:   50,
	MinRequests:          50,
	MinErrors:            3,
	BadWindows:           2,
	WindowMinutes:        2,
	MaxUnhealthyHosts:    0,
}

// WithDefaults returns the policy with every zero field set to its default.
// It does not validate.
func (p Policy) WithDefaults() Policy {
	if p.MaxErrorRate == 0 {
		p.MaxErrorRate = Defaults.MaxErrorRate
	}
	if p.MaxErrorRateIncrease == 0 {
		p.MaxErrorRateIncrease = Defaults.MaxErrorRateIncrease
	}
	if p.MaxP99Ratio == 0 {
		p.MaxP99Ratio = Defaults.MaxP99Ratio
	}
	if p.LatencyFloorMillis == 0 {
		p.LatencyFloorMillis = Defaults.LatencyFloorMillis
	}
	if p.MinRequests == 0 {
		p.MinRequests = Defaults.MinRequests
	}
	if p.MinErrors == 0 {
		p.MinErrors = Defaults.MinErrors
	}
	if p.BadWindows == 0 {
		p.BadWindows = Defaults.BadWindows
	}
	if p.WindowMinutes == 0 {
		p.WindowMinutes = Defaults.WindowMinutes
	}
	return p
}

// Validate reports every field out of its accepted range (after defaults),
// each naming the field, its value and what is accepted.
func (p Policy) Validate() error {
	p = p.WithDefaults()
	var errs []error
	frac := func(name string, v float64) {
		if math.IsNaN(v) || v <= 0 || v > 1 {
			errs = append(errs, fmt.Errorf("analysis policy: %s %v is out of range: accepted 0 < value ≤ 1 (a fraction: 0.01 is 1 %%)", name, v))
		}
	}
	ints := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			errs = append(errs, fmt.Errorf("analysis policy: %s %d is out of range: accepted %d–%d", name, v, lo, hi))
		}
	}
	frac("maxErrorRate", p.MaxErrorRate)
	frac("maxErrorRateIncrease", p.MaxErrorRateIncrease)
	if math.IsNaN(p.MaxP99Ratio) || p.MaxP99Ratio < 1 || p.MaxP99Ratio > 100 {
		errs = append(errs, fmt.Errorf("analysis policy: maxP99Ratio %v is out of range: accepted 1 ≤ value ≤ 100 (1.5 allows a p99 50 %% slower than the old revision's)", p.MaxP99Ratio))
	}
	ints("latencyFloorMillis", p.LatencyFloorMillis, 1, 10000)
	ints("minRequests", p.MinRequests, 1, 1000000)
	ints("minErrors", p.MinErrors, 1, 1000000)
	ints("badWindows", p.BadWindows, 1, 60)
	ints("windowMinutes", p.WindowMinutes, 1, 60)
	ints("maxUnhealthyHosts", p.MaxUnhealthyHosts, 0, 1000)
	return errors.Join(errs...)
}
