package changeset

import (
	"fmt"
	"slices"
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
	// AllowWith are the --allow values that would let each blocking change
	// through, sorted: ready to paste after reading the review.
	AllowWith []string `json:"allowWith,omitempty"`
}

// Decide judges a review. A refused change is let through only by an
// allowance naming its class, the review's stack and the resource (see
// Allowance). A dry run reports what an execution would meet (Blocking and
// Allowed are filled in) but never executes.
func Decide(r Review, allow []Allowance, dryRun bool) Decision {
	ok := map[Allowance]bool{}
	for _, a := range allow {
		ok[a] = true
	}
	blocking, allowed := map[Class]bool{}, map[Class]bool{}
	for _, f := range r.Findings {
		if f.Verdict != Refused {
			continue
		}
		if ok[allowance(r.Stack, f)] {
			allowed[f.Class] = true
		} else {
			blocking[f.Class] = true
		}
	}
	d := Decision{Blocking: sortedClasses(blocking), Allowed: sortedClasses(allowed)}
	for _, f := range r.Findings {
		if a := allowance(r.Stack, f); f.Verdict == Refused && !ok[a] && !slices.Contains(d.AllowWith, a.String()) {
			d.AllowWith = append(d.AllowWith, a.String())
		}
	}
	sort.Strings(d.AllowWith)
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
// stack, each blocking class with the changes under it, and the exact
// --allow values that would let them through. DeleteErr is set when the
// refused change set could not be deleted: it is still there, executable.
type RefusalError struct {
	Review    Review
	Decision  Decision
	DeleteErr error
}

// Error explains the refusal in words.
func (e *RefusalError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s: change set %s refused:", e.Review.Stack, e.Review.ChangeSet)
	for _, c := range e.Decision.Blocking {
		var what []string
		for _, f := range e.Review.Findings {
			if f.Verdict == Refused && f.Class == c {
				what = append(what, f.Resource())
			}
		}
		fmt.Fprintf(&b, "\n  %s (%s): %s", c, c.Describe(), strings.Join(what, ", "))
	}
	if e.DeleteErr != nil {
		fmt.Fprintf(&b, "\nthe change set %s of stack %s could NOT be deleted and can still be executed: delete it before anything else (aws cloudformation delete-change-set --stack-name %s --change-set-name %s): %v",
			e.Review.ChangeSet, e.Review.Stack, e.Review.Stack, e.Review.ChangeSet, e.DeleteErr)
	} else {
		b.WriteString("\nthe change set was deleted and nothing changed")
	}
	fmt.Fprintf(&b, "; read the review, then change the code or pass --allow %s", strings.Join(e.Decision.AllowWith, ","))
	return b.String()
}

// Unwrap exposes the delete failure.
func (e *RefusalError) Unwrap() error { return e.DeleteErr }
