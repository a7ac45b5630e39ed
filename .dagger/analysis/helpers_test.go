package analysis

import (
	"time"
)

// t0 is a minute boundary, as CloudWatch's one-minute datapoints are.
var t0 = time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC)

// minute describes one minute of one revision's traffic.
type minute struct {
	req, e5, e4 float64
	p50, p99    float64 // seconds
	unhealthy   float64
	missing     bool // CloudWatch has no datapoint for the minute at all
}

// revision turns minutes into the series GetMetricData returns: one point
// per metric per minute, starting at t0, and no point for a missing minute
// (RequestCount and the error counts are also absent for a minute without
// any, as the ALB publishes them only when non-zero).
func revision(ms ...minute) Metrics {
	var m Metrics
	for i, x := range ms {
		if x.missing {
			continue
		}
		at := t0.Add(time.Duration(i) * time.Minute)
		if x.req > 0 {
			m.Requests = append(m.Requests, Point{at, x.req})
			m.P50 = append(m.P50, Point{at, x.p50})
			m.P99 = append(m.P99, Point{at, x.p99})
		}
		if x.e5 > 0 {
			m.Target5XX = append(m.Target5XX, Point{at, x.e5})
		}
		if x.e4 > 0 {
			m.Target4XX = append(m.Target4XX, Point{at, x.e4})
		}
		m.UnhealthyHosts = append(m.UnhealthyHosts, Point{at, x.unhealthy})
	}
	return m
}

// steady repeats one minute n times.
func steady(n int, x minute) []minute {
	out := make([]minute, n)
	for i := range out {
		out[i] = x
	}
	return out
}

func cat(parts ...[]minute) []minute {
	var out []minute
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func input(minutes int, n, o []minute) Input {
	return Input{Start: t0, End: t0.Add(time.Duration(minutes) * time.Minute), New: revision(n...), Old: revision(o...)}
}
