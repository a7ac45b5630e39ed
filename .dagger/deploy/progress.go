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
// printed at once rather than at the next heartbeat. It reads only the core.
func signature(r Report) string {
	c := r.Core
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%t|%s|%s|", c.Phase, c.Status, c.Stage, c.Shifted, c.ErrorCode, c.RollbackDeploymentID)
	if c.Traffic.Known {
		fmt.Fprintf(&b, "p=%s,t=%s,%t|", percent(c.Traffic.Production), percent(c.Traffic.Test), c.Traffic.HasTest)
	}
	if c.Tasks.Known {
		fmt.Fprintf(&b, "tasks=%d/%d/%d|", c.Tasks.Running, c.Tasks.Desired, c.Tasks.Pending)
	}
	for _, e := range c.Events {
		fmt.Fprintf(&b, "%s=%s,", e.Name, e.Status)
	}
	fmt.Fprintf(&b, "|%s|%s", strings.Join(c.Notes, ";"), strings.Join(c.Awaiting, ","))
	return b.String()
}

// progressLine renders the core of r. prev is the report behind the
// previous line (nil for the first line); events whose status changed since
// then are listed so that no transition seen by a poll goes unreported,
// otherwise the current stage is shown.
func progressLine(elapsed time.Duration, r Report, prev *Report) string {
	c := r.Core
	parts := []string{c.Status}
	if t := c.Traffic; t.Known {
		traffic := fmt.Sprintf("traffic %s%% → green", percent(t.Production))
		if t.HasTest {
			traffic += fmt.Sprintf(" (test %s%%)", percent(t.Test))
		}
		parts = append(parts, traffic)
	}
	if t := c.Tasks; t.Known {
		parts = append(parts, fmt.Sprintf("green tasks %d/%d running", t.Running, t.Desired))
	}
	var before []Event
	if prev != nil {
		before = prev.Events
	}
	if ev := changedEvents(c.Events, before); len(ev) > 0 {
		parts = append(parts, strings.Join(ev, ", "))
	} else if c.Stage != "" {
		parts = append(parts, c.Stage)
	}
	parts = append(parts, c.Notes...)
	if e, ok := failedEvent(c.Events); ok && e.Diagnostic != "" {
		parts = append(parts, e.Name+" failed: "+e.Diagnostic)
	}
	if c.ErrorCode != "" || c.ErrorMessage != "" {
		parts = append(parts, "error "+joinNonEmpty(": ", c.ErrorCode, c.ErrorMessage))
	}
	if c.RollbackDeploymentID != "" {
		parts = append(parts, "rollback deployment "+c.RollbackDeploymentID)
	}
	return elapsedStamp(elapsed) + " " + strings.Join(parts, " · ")
}

func changedEvents(now, prev []Event) []string {
	before := map[string]string{}
	for _, e := range prev {
		before[e.Name] = e.Status
	}
	var out []string
	for _, e := range now {
		if old, seen := before[e.Name]; seen && old == e.Status {
			continue
		} else if !seen && (e.Status == "Pending" || e.Status == "") {
			continue
		}
		out = append(out, e.Name+": "+e.Status)
	}
	return out
}
