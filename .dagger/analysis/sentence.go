package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Sentence is the verdict as a person reads it in a log: the outcome, why,
// and both revisions' numbers side by side.
func (v Verdict) Sentence() string {
	return fmt.Sprintf("%s: %s; new revision %s; old revision %s; %s–%s",
		v.Outcome, v.Reason, v.New.Line(), v.Old.Line(),
		v.Start.UTC().Format("15:04"), v.End.UTC().Format("15:04 MST"))
}

// Line is a revision's numbers in one phrase: requests, error %, p50 and
// p99 response times.
func (n Numbers) Line() string {
	lat := "no response times"
	if n.HasLatency {
		lat = "p50 " + secs(n.P50) + ", p99 " + secs(n.P99)
	}
	s := fmt.Sprintf("%s requests, %s errors, %s", count(n.Requests), pct(n.ErrorRate), lat)
	if n.UnhealthyHosts > 0 {
		s += fmt.Sprintf(", %s unhealthy", count(n.UnhealthyHosts))
	}
	return s
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) + " %" }

func pctPoints(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) }

func secs(s float64) string {
	d := time.Duration(math.Round(s * float64(time.Second)))
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func count(f float64) string { return strconv.FormatFloat(math.Round(f), 'f', 0, 64) }

func minutes(n int) string { return strconv.Itoa(n) + "-minute" }

func stamp(t time.Time) string {
	if t.IsZero() {
		return "(unset)"
	}
	return t.UTC().Format(time.RFC3339)
}

func joinReasons(rs []string) string { return strings.Join(rs, "; ") }
