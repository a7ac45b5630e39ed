package changeset

import (
	"fmt"
	"sort"
	"strings"
)

// Action is what the gate does with a reviewed change set.
type Action string

// The actions.
const (
	// Execute: nothing refused (or every refusal allowed); run the change set.
	Execute Action = "execute"
	// Refuse: at least one refused class is not allowed; delete the change set.
	Refuse Action = "refuse"
	// DryRun: the review was asked for only; delete the change set.
	DryRun Action = "dry-run"
	// NoChanges: the change set holds no change; nothing to run.
	NoChanges Action = "no-changes"
)

// Decision is the outcome of a review under the allowed classes.
type Decision struct {
	Action Action `json:"action"`
	// Blocking are the refused classes that were not allowed, sorted.
	Blocking []Class `json:"blocking,omitempty"`
	// Allowed are the refused classes let through by --allow, sorted.
	Allowed []Class `json:"allowed,omitempty"`
}

// Decide judges a review. A dry run reports what an execution would meet
// (Blocking and Allowed are filled in) but never executes.
func Decide(r Review, allow []Class, dryRun bool) Decision {
	ok := map[Class]bool{}
	for _, c := range allow {
		ok[c] = true
	}
	blocking, allowed := map[Class]bool{}, map[Class]bool{}
	for _, f := range r.Findings {
		if f.Verdict != Refused {
			continue
		}
		if ok[f.Class] {
			allowed[f.Class] = true
		} else {
			blocking[f.Class] = true
		}
	}
	d := Decision{Blocking: sortedClasses(blocking), Allowed: sortedClasses(allowed)}
	switch {
	case len(r.Findings) == 0:
		d.Action = NoChanges
	case dryRun:
		d.Action = DryRun
	case len(d.Blocking) > 0:
		d.Action = Refuse
	default:
		d.Action = Execute
	}
	return d
}

func sortedClasses(set map[Class]bool) []Class {
	out := make([]Class, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// RefusalError is returned when a change set is refused: it names the
// stack, each blocking class with the changes under it, and how to allow them.
type RefusalError struct {
	Review   Review
	Decision Decision
}

// Error explains the refusal in words.
func (e *RefusalError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s: change set %s refused:", e.Review.Stack, e.Review.ChangeSet)
	for _, c := range e.Decision.Blocking {
		var what []string
		for _, f := range e.Review.Findings {
			if f.Verdict == Refused && f.Class == c {
				what = append(what, f.LogicalID)
			}
		}
		fmt.Fprintf(&b, "\n  %s (%s): %s", c, c.Describe(), strings.Join(what, ", "))
	}
	names := make([]string, len(e.Decision.Blocking))
	for i, c := range e.Decision.Blocking {
		names[i] = string(c)
	}
	fmt.Fprintf(&b, "\nthe change set was deleted and nothing changed; read the review, then change the code or pass --allow %s", strings.Join(names, ","))
	return b.String()
}
