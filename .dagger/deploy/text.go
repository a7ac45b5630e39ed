package deploy

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// String renders the report for people: state, timestamps, lifecycle events,
// traffic, error and rollback.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deployment %s", r.ID)
	if r.Application != "" || r.DeploymentGroup != "" {
		fmt.Fprintf(&b, " (application %s, deployment group %s)", r.Application, r.DeploymentGroup)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  status:      %s (%s)\n", r.Status, r.Phase)
	if r.Stage != "" && r.Target == "" {
		fmt.Fprintf(&b, "  stage:       %s\n", r.Stage)
	}
	if r.Description != "" {
		fmt.Fprintf(&b, "  description: %s\n", r.Description)
	}
	if r.TaskDefinition != "" {
		fmt.Fprintf(&b, "  task def:    %s\n", r.TaskDefinition)
	}
	for _, ts := range []struct {
		name string
		at   time.Time
	}{{"created", r.Created}, {"started", r.Started}, {"completed", r.Completed}} {
		if !ts.at.IsZero() {
			fmt.Fprintf(&b, "  %-12s %s\n", ts.name+":", stamp(ts.at))
		}
	}
	if !r.Started.IsZero() {
		end := r.Completed
		if !end.IsZero() {
			fmt.Fprintf(&b, "  duration:    %s\n", end.Sub(r.Started).Round(time.Second))
		}
	}
	if r.Target != "" {
		fmt.Fprintf(&b, "  target:      %s (%s)\n", r.Target, r.TargetStatus)
	}
	if len(r.TaskSets) > 0 {
		parts := make([]string, 0, len(r.TaskSets))
		for _, ts := range r.TaskSets {
			parts = append(parts, fmt.Sprintf("%s %s%% (%d/%d tasks running)", strings.ToLower(ts.Label), percent(ts.Weight), ts.Running, ts.Desired))
		}
		fmt.Fprintf(&b, "  traffic:     %s\n", strings.Join(parts, ", "))
	} else if t := r.Traffic; t.Known {
		fmt.Fprintf(&b, "  traffic:     production %s%%, test %s%% on the new revision", percent(t.Production), percent(t.Test))
		if r.Tasks.Known {
			fmt.Fprintf(&b, " (%d/%d tasks running)", r.Tasks.Running, r.Tasks.Desired)
		}
		b.WriteString("\n")
	}
	for _, h := range r.Holds {
		fmt.Fprintf(&b, "  waiting:     %s\n", holdNote(h, r.ID, slices.Contains(r.Awaiting, h.ID)))
	}
	if r.WaitingForTestTraffic() {
		fmt.Fprintf(&b, "  waiting:     %s\n", r.waitingNote())
	}
	if r.InTerminationWait() {
		b.WriteString("  waiting:     traffic moved; the original task set is kept until the termination wait ends\n")
	}
	if len(r.Events) > 0 {
		b.WriteString("  lifecycle events:\n")
		for _, e := range r.Events {
			line := fmt.Sprintf("    %-22s %-10s", e.Name, e.Status)
			if !e.Start.IsZero() {
				line += " " + stamp(e.Start)
				if !e.End.IsZero() {
					line += " → " + stamp(e.End)
				}
			}
			if e.Diagnostic != "" {
				line += "  " + e.Diagnostic
			}
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	} else if r.TargetsUnavailable != "" {
		fmt.Fprintf(&b, "  lifecycle events: unavailable (%s)\n", r.TargetsUnavailable)
	}
	if r.ErrorCode != "" || r.ErrorMessage != "" {
		fmt.Fprintf(&b, "  error:       %s\n", joinNonEmpty(": ", r.ErrorCode, r.ErrorMessage))
	}
	if r.RollbackDeploymentID != "" || r.RollbackMessage != "" {
		fmt.Fprintf(&b, "  rollback:    %s\n", joinNonEmpty(" — ", rollbackID(r.RollbackDeploymentID), r.RollbackMessage))
	}
	if r.RollbackOf != "" {
		fmt.Fprintf(&b, "  rolls back:  deployment %s\n", r.RollbackOf)
	}
	return b.String()
}

func rollbackID(id string) string {
	if id == "" {
		return ""
	}
	return "deployment " + id
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// percent prints a traffic weight without a useless fraction.
func percent(w float64) string {
	if w == math.Trunc(w) {
		return fmt.Sprintf("%.0f", w)
	}
	return fmt.Sprintf("%.1f", w)
}

func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
