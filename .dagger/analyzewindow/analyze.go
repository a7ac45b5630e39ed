package analyzewindow

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"dagger/ecs-bluegreen/analysis"
	"dagger/ecs-bluegreen/lifecyclehook"
)

// Which target group serves the new revision.
const (
	// NewAuto: the group that served fewer requests in the window — the
	// canary, while one runs (the comparison alarms' rule too).
	NewAuto  = "auto"
	NewBlue  = "blue"
	NewGreen = "green"
)

// CheckNewRevision refuses a target group other than auto, blue or green.
func CheckNewRevision(newGroup string) error {
	if newGroup != NewAuto && newGroup != NewBlue && newGroup != NewGreen {
		return fmt.Errorf("new revision's target group %q is not accepted: %s (the one with fewer requests), %s or %s", newGroup, NewAuto, NewBlue, NewGreen)
	}
	return nil
}

// Result is the judgment with the side each revision was on.
type Result struct {
	Verdict analysis.Verdict
	// NewGroup and OldGroup are "blue" or "green".
	NewGroup, OldGroup string
	// Chosen says how NewGroup was picked.
	Chosen string
}

// Analyze reads both target groups over the window and judges the new
// revision's against the old's with the policy.
func Analyze(ctx context.Context, cw lifecyclehook.MetricReader, t Targets, w Window, newGroup string, p analysis.Policy) (Result, error) {
	if err := CheckNewRevision(newGroup); err != nil {
		return Result{}, err
	}
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	blue, green, err := lifecyclehook.ReadRevisions(ctx, cw, t.Blue, t.Green, w.Start, w.End, p.WithDefaults().Count4XX)
	if err != nil {
		return Result{}, err
	}
	r := Result{NewGroup: newGroup, Chosen: "as given"}
	if newGroup == NewAuto {
		nb, ng := total(blue.Requests), total(green.Requests)
		r.NewGroup, r.Chosen = NewGreen, fmt.Sprintf("green served fewer requests (%.0f against %.0f)", ng, nb)
		if nb < ng {
			r.NewGroup, r.Chosen = NewBlue, fmt.Sprintf("blue served fewer requests (%.0f against %.0f)", nb, ng)
		}
	}
	in := analysis.Input{Start: w.Start, End: w.End, New: green, Old: blue}
	r.OldGroup = NewBlue
	if r.NewGroup == NewBlue {
		in.New, in.Old, r.OldGroup = blue, green, NewGreen
	}
	if r.Verdict, err = analysis.Judge(p, in); err != nil {
		return Result{}, err
	}
	return r, nil
}

func total(ps []analysis.Point) float64 {
	var s float64
	for _, p := range ps {
		s += p.Value
	}
	return s
}

// Report is what `analyze` prints: the verdict sentence, how the new
// revision's group was chosen, and both revisions' numbers side by side.
func (r Result) Report() string {
	var b strings.Builder
	v := r.Verdict
	fmt.Fprintln(&b, v.Sentence())
	fmt.Fprintf(&b, "new revision on %s (%s)\n\n", r.NewGroup, r.Chosen)
	tw := tabwriter.NewWriter(&b, 0, 0, 3, ' ', 0)
	fmt.Fprintf(tw, "\tnew (%s)\told (%s)\n", r.NewGroup, r.OldGroup)
	row := func(name string, f func(analysis.Numbers) string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, f(v.New), f(v.Old))
	}
	row("requests", func(n analysis.Numbers) string { return fmt.Sprintf("%.0f", n.Requests) })
	row("errors", func(n analysis.Numbers) string { return fmt.Sprintf("%.0f (%.2f %%)", n.Errors, n.ErrorRate*100) })
	row("p50", func(n analysis.Numbers) string { return latency(n, n.P50) })
	row("p99", func(n analysis.Numbers) string { return latency(n, n.P99) })
	row("unhealthy hosts", func(n analysis.Numbers) string { return fmt.Sprintf("%.0f", n.UnhealthyHosts) })
	tw.Flush()
	fmt.Fprintf(&b, "\n%d window(s) of %d min judged; longest run of bad windows %d (fails at %d)\n",
		judged(v.Windows), v.Policy.WindowMinutes, v.BadInARow, v.Policy.BadWindows)
	return b.String()
}

func latency(n analysis.Numbers, s float64) string {
	if !n.HasLatency {
		return "–"
	}
	return fmt.Sprintf("%.0f ms", s*1000)
}

func judged(ws []analysis.WindowResult) int {
	n := 0
	for _, w := range ws {
		if w.Judged {
			n++
		}
	}
	return n
}
