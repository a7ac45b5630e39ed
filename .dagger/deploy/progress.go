package deploy

import (
	"fmt"
	"strings"
	"time"
)

// Progress lines are plain text, one per change or heartbeat, stamped with
// the time since Wait began, e.g.
//
//	[  1m05s] InProgress · traffic 20% → green · AllowTestTraffic: Succeeded
//
// They carry deployment state only: no request, header or credential ever
// reaches them.

// elapsedStamp renders d as a fixed-width "[  1m05s]" prefix.
func elapsedStamp(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	return fmt.Sprintf("[%3dm%02ds]", s/60, s%60)
}

// signature is what must differ between two reports for a new line to be
// printed at once rather than at the next heartbeat.
func signature(r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%t|%t|%s|%s|", r.Status, r.TargetStatus, r.WaitingForTestTraffic(), r.TerminationWaitStarted, r.ErrorCode, r.RollbackDeploymentID)
	for _, e := range r.Events {
		fmt.Fprintf(&b, "%s=%s,", e.Name, e.Status)
	}
	for _, ts := range r.TaskSets {
		fmt.Fprintf(&b, "%s=%s,", ts.Label, percent(ts.Weight))
	}
	return b.String()
}

// progressLine renders r. prev is the report behind the previous line (nil
// for the first line); events whose status changed since then are listed so
// that no transition seen by a poll goes unreported, otherwise the event in
// progress is shown.
func progressLine(elapsed time.Duration, r Report, prev *Report) string {
	parts := []string{r.Status}
	if w, ok := r.GreenWeight(); ok {
		parts = append(parts, fmt.Sprintf("traffic %s%% → green", percent(w)))
	}
	if ev := changedEvents(r, prev); len(ev) > 0 {
		parts = append(parts, strings.Join(ev, ", "))
	} else if e, ok := r.currentEvent(); ok {
		parts = append(parts, e.Name+": "+e.Status)
	}
	if r.WaitingForTestTraffic() {
		parts = append(parts, r.waitingNote())
	}
	if r.TerminationWaitStarted && !r.Finished() {
		parts = append(parts, "waiting to terminate the original task set")
	}
	if e, ok := r.FailedEvent(); ok && e.Diagnostic != "" {
		parts = append(parts, e.Name+" failed: "+e.Diagnostic)
	}
	if r.ErrorCode != "" || r.ErrorMessage != "" {
		parts = append(parts, "error "+joinNonEmpty(": ", r.ErrorCode, r.ErrorMessage))
	}
	if r.RollbackDeploymentID != "" {
		parts = append(parts, "rollback deployment "+r.RollbackDeploymentID)
	}
	return elapsedStamp(elapsed) + " " + strings.Join(parts, " · ")
}

func changedEvents(r Report, prev *Report) []string {
	before := map[string]string{}
	if prev != nil {
		for _, e := range prev.Events {
			before[e.Name] = e.Status
		}
	}
	var out []string
	for _, e := range r.Events {
		if old, seen := before[e.Name]; seen && old == e.Status {
			continue
		} else if !seen && (e.Status == "Pending" || e.Status == "") {
			continue
		}
		out = append(out, e.Name+": "+e.Status)
	}
	return out
}
