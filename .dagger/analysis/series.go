package analysis

import (
	"fmt"
	"math"
	"time"
)

// Point is one CloudWatch datapoint: the statistic for the minute starting at
// Time.
type Point struct {
	Time  time.Time `json:"time"`
	Value float64   `json:"value"`
}

// Metrics are one target group's one-minute datapoints, as GetMetricData
// returns them for the AWS/ApplicationELB namespace with the TargetGroup and
// LoadBalancer dimensions. CloudWatch leaves out minutes without data: a
// missing RequestCount minute is a minute without requests.
type Metrics struct {
	// Requests is RequestCount, statistic Sum.
	Requests []Point `json:"requests,omitempty"`
	// Target5XX is HTTPCode_Target_5XX_Count, statistic Sum.
	Target5XX []Point `json:"target5xx,omitempty"`
	// Target4XX is HTTPCode_Target_4XX_Count, statistic Sum (counted only
	// when the policy says so).
	Target4XX []Point `json:"target4xx,omitempty"`
	// P50 and P99 are TargetResponseTime, statistics p50 and p99, in seconds.
	P50 []Point `json:"p50,omitempty"`
	P99 []Point `json:"p99,omitempty"`
	// UnhealthyHosts is UnHealthyHostCount, statistic Maximum.
	UnhealthyHosts []Point `json:"unhealthyHosts,omitempty"`
}

// Input is what one judgment reads: both revisions over the same window
// [Start, End). Only whole windows of the policy's length, counted from
// Start, are judged; a partial window at the end waits for the next call.
type Input struct {
	Start time.Time
	End   time.Time
	New   Metrics
	Old   Metrics
}

// Numbers summarise one revision over a window (or over all judged windows).
type Numbers struct {
	Requests float64 `json:"requests"`
	Errors   float64 `json:"errors"`
	// ErrorRate is Errors/Requests (0 without requests).
	ErrorRate float64 `json:"errorRate"`
	// P50 and P99 in seconds: the request-weighted mean of the per-minute
	// percentiles (CloudWatch cannot merge percentiles across minutes; the
	// weighted mean keeps busy minutes in charge). Zero with HasLatency false
	// when there was no datapoint.
	P50        float64 `json:"p50Seconds"`
	P99        float64 `json:"p99Seconds"`
	HasLatency bool    `json:"hasLatency"`
	// UnhealthyHosts is the fewest unhealthy targets seen in any minute, i.e.
	// how many stayed unhealthy throughout.
	UnhealthyHosts float64 `json:"unhealthyHosts"`
}

// bucketer assigns one-minute datapoints to the judged windows.
type bucketer struct {
	start  time.Time
	window time.Duration
	n      int
}

// index returns the window a datapoint belongs to, or -1 outside the judged
// span.
func (b bucketer) index(t time.Time) int {
	if t.Before(b.start) {
		return -1
	}
	i := int(t.Sub(b.start) / b.window)
	if i >= b.n {
		return -1
	}
	return i
}

func (b bucketer) sums(ps []Point) []float64 {
	out := make([]float64, b.n)
	for _, p := range ps {
		if i := b.index(p.Time); i >= 0 {
			out[i] += p.Value
		}
	}
	return out
}

// requestsAt indexes RequestCount by minute for the latency weights.
func requestsAt(ps []Point) map[int64]float64 {
	m := make(map[int64]float64, len(ps))
	for _, p := range ps {
		m[p.Time.Unix()] += p.Value
	}
	return m
}

// weighted returns per-window request-weighted means of a percentile series,
// and whether each window had any datapoint. Minutes without a request count
// weigh 1 so a percentile never disappears from the mean.
func (b bucketer) weighted(ps []Point, reqs map[int64]float64) ([]float64, []bool) {
	sum := make([]float64, b.n)
	wsum := make([]float64, b.n)
	has := make([]bool, b.n)
	for _, p := range ps {
		i := b.index(p.Time)
		if i < 0 {
			continue
		}
		w := reqs[p.Time.Unix()]
		if w <= 0 {
			w = 1
		}
		sum[i] += p.Value * w
		wsum[i] += w
		has[i] = true
	}
	for i := range sum {
		if wsum[i] > 0 {
			sum[i] /= wsum[i]
		}
	}
	return sum, has
}

// minimums returns the smallest datapoint per window (0 without any).
func (b bucketer) minimums(ps []Point) []float64 {
	out := make([]float64, b.n)
	seen := make([]bool, b.n)
	for _, p := range ps {
		i := b.index(p.Time)
		if i < 0 {
			continue
		}
		if !seen[i] || p.Value < out[i] {
			out[i] = p.Value
			seen[i] = true
		}
	}
	return out
}

// summarise turns one revision's series into per-window numbers.
func (b bucketer) summarise(m Metrics, count4xx bool) []Numbers {
	reqs := b.sums(m.Requests)
	errs := b.sums(m.Target5XX)
	if count4xx {
		for i, v := range b.sums(m.Target4XX) {
			errs[i] += v
		}
	}
	at := requestsAt(m.Requests)
	p50, _ := b.weighted(m.P50, at)
	p99, has99 := b.weighted(m.P99, at)
	unhealthy := b.minimums(m.UnhealthyHosts)
	out := make([]Numbers, b.n)
	for i := range out {
		out[i] = Numbers{Requests: reqs[i], Errors: errs[i], P50: p50[i], P99: p99[i], HasLatency: has99[i], UnhealthyHosts: unhealthy[i]}
		if reqs[i] > 0 {
			out[i].ErrorRate = errs[i] / reqs[i]
		}
	}
	return out
}

// total merges the numbers of several windows: sums, request-weighted
// latency, and the worst sustained unhealthy count.
func total(ns []Numbers) Numbers {
	var t Numbers
	var w50, w99 float64
	for _, n := range ns {
		t.Requests += n.Requests
		t.Errors += n.Errors
		if n.HasLatency {
			w := n.Requests
			if w <= 0 {
				w = 1
			}
			t.P50 += n.P50 * w
			t.P99 += n.P99 * w
			w50 += w
			w99 += w
			t.HasLatency = true
		}
		if n.UnhealthyHosts > t.UnhealthyHosts {
			t.UnhealthyHosts = n.UnhealthyHosts
		}
	}
	if w50 > 0 {
		t.P50 /= w50
	}
	if w99 > 0 {
		t.P99 /= w99
	}
	if t.Requests > 0 {
		t.ErrorRate = t.Errors / t.Requests
	}
	return t
}

// validate refuses values no CloudWatch statistic of these metrics takes:
// counts, seconds and host numbers are finite and never negative.
func (m Metrics) validate(revision string) error {
	for _, s := range []struct {
		name string
		ps   []Point
	}{
		{"RequestCount", m.Requests}, {"HTTPCode_Target_5XX_Count", m.Target5XX}, {"HTTPCode_Target_4XX_Count", m.Target4XX},
		{"TargetResponseTime p50", m.P50}, {"TargetResponseTime p99", m.P99}, {"UnHealthyHostCount", m.UnhealthyHosts},
	} {
		for _, p := range s.ps {
			if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) || p.Value < 0 {
				return fmt.Errorf("analysis input: %s revision's %s at %s is %v: accepted a finite value ≥ 0",
					revision, s.name, p.Time.UTC().Format(time.RFC3339), p.Value)
			}
		}
	}
	return nil
}
