// Package analyzewindow runs the deployment analysis on demand: the service
// stack's blue and green target groups judged against each other over a
// window a person names, through CloudWatch, with the policy, the metric
// reader and the judgment the deployment check function uses — for a
// deployment in flight or after the fact.
package analyzewindow

import (
	"fmt"
	"strings"
	"time"
)

// Window is a span of whole minutes, [Start, End).
type Window struct {
	Start, End time.Time
}

// MetricDelay is how long after a minute ends the load balancer's metrics
// for it are complete in CloudWatch: a window that ends "now" ends this long
// ago instead, so its last minutes are not judged half-counted.
const MetricDelay = 2 * time.Minute

// MaxWindow bounds a window: one-minute load balancer metrics are kept 15
// days, and a day of minutes is already 1440 datapoints a query.
const MaxWindow = 24 * time.Hour

// ParseWindow reads --since, --until and --last: either last (a duration
// such as 10m, ending at until or, by default, now less MetricDelay) or
// since (an RFC 3339 time, ending at until or now less MetricDelay). Times
// are truncated to whole minutes, the metrics' resolution.
func ParseWindow(since, until, last string, now time.Time) (Window, error) {
	since, until, last = strings.TrimSpace(since), strings.TrimSpace(until), strings.TrimSpace(last)
	if (since == "") == (last == "") {
		return Window{}, fmt.Errorf("window: give exactly one of --since (an RFC 3339 time, e.g. 2026-12-05T04:00:00Z) or --last (a duration, e.g. 10m); got since %q, last %q", since, last)
	}
	end := now.Add(-MetricDelay)
	if until != "" {
		t, err := time.Parse(time.RFC3339, until)
		if err != nil {
			return Window{}, fmt.Errorf("--until %q is not an RFC 3339 time: accepted e.g. 2026-12-05T04:30:00Z", until)
		}
		if t.After(now) {
			return Window{}, fmt.Errorf("--until %s is in the future (now %s): accepted a time up to now", t.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
		end = t
	}
	var start time.Time
	if last != "" {
		d, err := time.ParseDuration(last)
		if err != nil || d < time.Minute || d > MaxWindow {
			return Window{}, fmt.Errorf("--last %q is not accepted: a duration from 1m to 24h, e.g. 10m or 1h30m", last)
		}
		start = end.Add(-d)
	} else {
		t, err := time.Parse(time.RFC3339, since)
		if err != nil {
			return Window{}, fmt.Errorf("--since %q is not an RFC 3339 time: accepted e.g. 2026-12-05T04:00:00Z", since)
		}
		start = t
	}
	w := Window{Start: start.UTC().Truncate(time.Minute), End: end.UTC().Truncate(time.Minute)}
	if !w.End.After(w.Start) {
		return Window{}, fmt.Errorf("window %s–%s holds no whole minute: --since must be at least a minute before --until (or now less %s)", w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339), MetricDelay)
	}
	if w.End.Sub(w.Start) > MaxWindow {
		return Window{}, fmt.Errorf("window %s–%s is longer than %s: accepted up to 24h", w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339), MaxWindow)
	}
	return w, nil
}
