package analysis

import (
	"fmt"
	"math"
	"time"
)

// Outcome is the judgment's result.
type Outcome string

const (
	// Pass: the latest judged window was good and no run of bad windows was
	// long enough to fail.
	Pass Outcome = "pass"
	// Fail: BadWindows judged windows in a row were bad.
	Fail Outcome = "fail"
	// Inconclusive: nothing judged yet (too few requests, or no whole window),
	// or the latest windows were bad but not yet enough of them to fail.
	Inconclusive Outcome = "inconclusive"
)

// WindowResult is the judgment of one window.
type WindowResult struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	New   Numbers   `json:"new"`
	Old   Numbers   `json:"old"`
	// Judged is false when the new revision served fewer than MinRequests.
	Judged bool `json:"judged"`
	// Compared is true when the old revision also served MinRequests, so the
	// relative limits (error-rate increase, p99 ratio) were applied.
	Compared bool `json:"compared"`
	Bad      bool `json:"bad"`
	// Reasons say why a window is bad, one limit each.
	Reasons []string `json:"reasons,omitempty"`
}

// Verdict is the outcome with everything that led to it.
type Verdict struct {
	Outcome Outcome `json:"verdict"`
	// Reason is the one-line why, without the numbers (see Sentence).
	Reason string    `json:"reason"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	// New and Old total the judged windows (all whole windows when none was
	// judged), so the two revisions are compared over the same minutes.
	New     Numbers        `json:"new"`
	Old     Numbers        `json:"old"`
	Windows []WindowResult `json:"windows"`
	// BadInARow is the longest run of bad judged windows.
	BadInARow int    `json:"badInARow"`
	Policy    Policy `json:"policy"`
}

// Judge applies the policy to both revisions' metrics. It fails only on a bad
// policy or window; everything about the data itself is in the verdict.
func Judge(p Policy, in Input) (Verdict, error) {
	if err := p.Validate(); err != nil {
		return Verdict{}, err
	}
	p = p.WithDefaults()
	if in.Start.IsZero() || in.End.IsZero() {
		return Verdict{}, fmt.Errorf("analysis window: start %s and end %s must both be set", stamp(in.Start), stamp(in.End))
	}
	if !in.End.After(in.Start) {
		return Verdict{}, fmt.Errorf("analysis window: end %s is not after start %s", stamp(in.End), stamp(in.Start))
	}
	if err := in.New.validate("new"); err != nil {
		return Verdict{}, err
	}
	if err := in.Old.validate("old"); err != nil {
		return Verdict{}, err
	}
	window := time.Duration(p.WindowMinutes) * time.Minute
	b := bucketer{start: in.Start, window: window, n: int(in.End.Sub(in.Start) / window)}
	v := Verdict{Start: in.Start, End: in.Start.Add(time.Duration(b.n) * window), Policy: p}
	if b.n == 0 {
		v.Outcome = Inconclusive
		v.End = in.End
		v.Reason = fmt.Sprintf("no whole %s window yet (%s so far)", minutes(p.WindowMinutes), in.End.Sub(in.Start).Round(time.Second))
		return v, nil
	}
	news := b.summarise(in.New, p.Count4XX)
	olds := b.summarise(in.Old, p.Count4XX)
	run := 0
	var judgedNew, judgedOld []Numbers
	var lastBad []string
	for i := range news {
		w := judgeWindow(p, news[i], olds[i])
		w.Start = in.Start.Add(time.Duration(i) * window)
		w.End = w.Start.Add(window)
		v.Windows = append(v.Windows, w)
		if !w.Judged {
			continue // a sparse window neither breaks nor extends a run
		}
		judgedNew = append(judgedNew, w.New)
		judgedOld = append(judgedOld, w.Old)
		if w.Bad {
			run++
			lastBad = w.Reasons
		} else {
			run = 0
		}
		if run > v.BadInARow {
			v.BadInARow = run
		}
	}
	if len(judgedNew) == 0 {
		v.New, v.Old = total(news), total(olds)
		v.Outcome = Inconclusive
		v.Reason = fmt.Sprintf("too few requests to judge: the new revision served %s in %d whole %s window(s), and a window needs %d",
			count(v.New.Requests), b.n, minutes(p.WindowMinutes), p.MinRequests)
		return v, nil
	}
	v.New, v.Old = total(judgedNew), total(judgedOld)
	switch {
	case v.BadInARow >= p.BadWindows:
		v.Outcome = Fail
		v.Reason = fmt.Sprintf("%d bad window(s) in a row (fails at %d): %s", v.BadInARow, p.BadWindows, joinReasons(lastBad))
	case run > 0:
		v.Outcome = Inconclusive
		v.Reason = fmt.Sprintf("the latest %d window(s) were bad, fewer than the %d in a row that fail: %s", run, p.BadWindows, joinReasons(lastBad))
	default:
		v.Outcome = Pass
		v.Reason = fmt.Sprintf("%d of %d window(s) judged, the latest good", len(judgedNew), b.n)
	}
	return v, nil
}

// judgeWindow applies each limit to one window. Every check is monotone:
// more errors, slower responses or more unhealthy hosts on the new revision
// (or fewer errors and faster responses on the old) never make a bad window
// good — the property the fuzz test guards.
func judgeWindow(p Policy, n, o Numbers) WindowResult {
	w := WindowResult{New: n, Old: o}
	if n.Requests < float64(p.MinRequests) {
		return w
	}
	w.Judged = true
	w.Compared = o.Requests >= float64(p.MinRequests)
	enoughErrors := n.Errors >= float64(p.MinErrors)
	if enoughErrors && n.ErrorRate > p.MaxErrorRate {
		w.Reasons = append(w.Reasons, fmt.Sprintf("error rate %s is above the limit %s", pct(n.ErrorRate), pct(p.MaxErrorRate)))
	}
	if w.Compared && enoughErrors && n.ErrorRate-o.ErrorRate > p.MaxErrorRateIncrease {
		w.Reasons = append(w.Reasons, fmt.Sprintf("error rate %s is %s points above the old revision's %s (limit %s points)",
			pct(n.ErrorRate), pctPoints(n.ErrorRate-o.ErrorRate), pct(o.ErrorRate), pctPoints(p.MaxErrorRateIncrease)))
	}
	if w.Compared && n.HasLatency {
		floor := float64(p.LatencyFloorMillis) / 1000
		ratio := math.Max(n.P99, floor) / math.Max(o.P99, floor)
		if ratio > p.MaxP99Ratio {
			w.Reasons = append(w.Reasons, fmt.Sprintf("p99 %s is %.2f× the old revision's %s (limit %.2f×)",
				secs(n.P99), ratio, secs(o.P99), p.MaxP99Ratio))
		}
	}
	if n.UnhealthyHosts > float64(p.MaxUnhealthyHosts) {
		w.Reasons = append(w.Reasons, fmt.Sprintf("%s target(s) unhealthy throughout (limit %d)", count(n.UnhealthyHosts), p.MaxUnhealthyHosts))
	}
	w.Bad = len(w.Reasons) > 0
	return w
}
