package changeset

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
)

// Report is a review with its decision: the JSON document CI reads.
type Report struct {
	Review
	Decision Decision `json:"decision"`
}

// Document is what CI reads: the overall action, each stack's report and,
// after an execution, the stack outputs.
type Document struct {
	// Action is the overall outcome: refuse if any stack was refused,
	// dry-run or execute otherwise, no-changes when no stack had any.
	Action Action   `json:"action"`
	Stacks []Report `json:"stacks"`
	// Outputs are stack name → output key → value of the deployed stacks.
	Outputs map[string]map[string]string `json:"outputs,omitempty"`
	// Error says why the run stopped (a refusal, a failed execution), if it did.
	Error string `json:"error,omitempty"`
}

// JSON encodes reports (and outputs, if any) as one indented Document.
func JSON(reports []Report, outputs map[string]map[string]string) ([]byte, error) {
	return Document{Action: Overall(reports), Stacks: reports, Outputs: outputs}.Encode()
}

// Encode is the document as indented JSON, one line feed at the end.
func (doc Document) Encode() ([]byte, error) {
	if doc.Stacks == nil {
		doc.Stacks = []Report{}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Overall folds the stacks' actions into one.
func Overall(reports []Report) Action {
	out := NoChanges
	for _, r := range reports {
		switch r.Decision.Action {
		case Refuse:
			return Refuse
		case DryRun:
			out = DryRun
		case Execute:
			if out == NoChanges {
				out = Execute
			}
		}
	}
	return out
}

// Table renders a report for people: one row per change, then the reason
// for every change that is not plainly safe, then the decision.
func (r Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s, change set %s", r.Stack, r.ChangeSet)
	if r.Mode != "" {
		fmt.Fprintf(&b, ", mode %s", r.Mode)
	}
	b.WriteString("\n")
	if len(r.Findings) == 0 {
		b.WriteString("no changes\n")
		return b.String()
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERDICT\tCLASS\tACTION\tREPLACE\tRESOURCE\tTYPE\tPROPERTIES")
	for _, f := range r.Findings {
		class := string(f.Class)
		if class == "" {
			class = "-"
		}
		if f.Verdict == Refused && r.allowed(f) {
			class += " (allowed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Verdict, class, f.Action, dash(f.Replacement), f.Resource(), f.ResourceType, propertyList(f.Properties))
	}
	tw.Flush()
	for _, f := range r.Findings {
		if f.Verdict != Safe {
			fmt.Fprintf(&b, "  %s %s: %s\n", f.Verdict, f.Resource(), f.Reason)
		}
	}
	switch r.Decision.Action {
	case Refuse:
		fmt.Fprintf(&b, "decision: refused (%s); after reading the review, allow with --allow %s\n", joinClasses(r.Decision.Blocking, ", "), strings.Join(r.Decision.AllowWith, ","))
	case DryRun:
		if len(r.Decision.Blocking) > 0 {
			fmt.Fprintf(&b, "decision: dry run; an execution would be refused (%s); allow with --allow %s\n", joinClasses(r.Decision.Blocking, ", "), strings.Join(r.Decision.AllowWith, ","))
		} else {
			b.WriteString("decision: dry run; an execution would proceed\n")
		}
	case Execute:
		if len(r.Decision.Allowed) > 0 {
			fmt.Fprintf(&b, "decision: execute, allowed: %s\n", joinClasses(r.Decision.Allowed, ", "))
		} else {
			b.WriteString("decision: execute\n")
		}
	}
	return b.String()
}

// allowed reports whether a refused finding was let through by --allow.
func (r Report) allowed(f Finding) bool {
	return !slices.Contains(r.Decision.AllowWith, allowance(r.Stack, f).String())
}

func propertyList(props []Property) string {
	if len(props) == 0 {
		return "-"
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range props {
		name := p.Name
		if p.Recreation == "Always" || p.Recreation == "Conditionally" {
			name += " (recreate: " + p.Recreation + ")"
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

func joinClasses(cs []Class, sep string) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, sep)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
