package changeset

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Allowance lets one refused change through: a class on one resource of one
// stack. A bare class would let the same kind of change through on every
// resource of every stack (allowing the rule removals of a migration
// rollback would also let a service deletion pass), so --allow always names
// the resource; every refusal prints the exact value to pass.
type Allowance struct {
	Class Class
	// Stack is the (root) stack name.
	Stack string
	// Resource is the logical id, prefixed with the logical ids of the
	// nested stacks that hold it ("Database/Cluster"); empty for a
	// stack-wide finding (a deployment in progress).
	Resource string
}

// String is the --allow value: CLASS:STACK/LOGICAL_ID, or CLASS:STACK for
// a stack-wide finding.
func (a Allowance) String() string {
	if a.Resource == "" {
		return string(a.Class) + ":" + a.Stack
	}
	return string(a.Class) + ":" + a.Stack + "/" + a.Resource
}

// stackLevel are the classes judged for a stack as a whole, not a resource.
var stackLevel = map[Class]bool{DeploymentInProgress: true}

var (
	stackName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	logicalID = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)
)

// ParseAllow validates --allow values: CLASS:STACK/LOGICAL_ID (a nested
// stack's resource: CLASS:STACK/NESTED_ID/LOGICAL_ID), or CLASS:STACK for
// deployment-in-progress. Each element may itself be a comma-separated
// list; empty elements are ignored. A bare class, an unknown class or a
// malformed value is an error naming it and what is accepted.
func ParseAllow(values []string) ([]Allowance, error) {
	seen := map[Allowance]bool{}
	var out []Allowance
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			value := strings.TrimSpace(part)
			if value == "" {
				continue
			}
			a, err := parseAllowance(value)
			if err != nil {
				return nil, err
			}
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

func parseAllowance(value string) (Allowance, error) {
	name, scope, scoped := strings.Cut(value, ":")
	c := Class(name)
	if _, ok := classInfo[c]; !ok {
		names := make([]string, 0, len(classInfo))
		for _, k := range Classes() {
			names = append(names, string(k))
		}
		return Allowance{}, fmt.Errorf("invalid allow %q: the class %q is not one of %s", value, name, strings.Join(names, ", "))
	}
	if !scoped {
		return Allowance{}, fmt.Errorf("invalid allow %q: a bare class would let it through on every resource of every stack; name the resource as %s:STACK/LOGICAL_ID%s (every refusal prints the exact value to pass)", value, c, stackHint(c))
	}
	stack, resource, _ := strings.Cut(scope, "/")
	if !stackName.MatchString(stack) {
		return Allowance{}, fmt.Errorf("invalid allow %q: %q is not a stack name (letters, digits and hyphens, starting with a letter); expected %s:STACK/LOGICAL_ID", value, stack, c)
	}
	a := Allowance{Class: c, Stack: stack, Resource: resource}
	if stackLevel[c] {
		if resource != "" {
			return Allowance{}, fmt.Errorf("invalid allow %q: %s concerns the stack as a whole; expected %s:%s", value, c, c, stack)
		}
		return a, nil
	}
	if resource == "" {
		return Allowance{}, fmt.Errorf("invalid allow %q: name the resource, expected %s:%s/LOGICAL_ID", value, c, stack)
	}
	for _, id := range strings.Split(resource, "/") {
		if !logicalID.MatchString(id) {
			return Allowance{}, fmt.Errorf("invalid allow %q: %q is not a logical id (letters and digits); expected %s:%s/LOGICAL_ID", value, id, c, stack)
		}
	}
	return a, nil
}

func stackHint(c Class) string {
	if stackLevel[c] {
		return " (for " + string(c) + ": " + string(c) + ":STACK)"
	}
	return ""
}

// Resource is the finding's logical id prefixed with the nested stacks that
// hold it, as --allow names it.
func (f Finding) Resource() string {
	if f.NestedStack == "" {
		return f.LogicalID
	}
	return f.NestedStack + "/" + f.LogicalID
}

// allowance is the --allow value that lets a refused finding of the stack
// through.
func allowance(stack string, f Finding) Allowance {
	if stackLevel[f.Class] {
		return Allowance{Class: f.Class, Stack: stack}
	}
	return Allowance{Class: f.Class, Stack: stack, Resource: f.Resource()}
}

// Unused returns the allowances for the reviewed stacks that let no
// refused change of the reports through: a mistyped logical id, or a change
// the review no longer refuses. Allowances for stacks not reviewed (yet)
// are not judged.
func Unused(reports []Report, allow []Allowance) []Allowance {
	used, reviewed := map[Allowance]bool{}, map[string]bool{}
	for _, r := range reports {
		reviewed[r.Stack] = true
		for _, f := range r.Findings {
			if f.Verdict == Refused {
				used[allowance(r.Stack, f)] = true
			}
		}
	}
	var out []Allowance
	for _, a := range allow {
		if reviewed[a.Stack] && !used[a] {
			out = append(out, a)
		}
	}
	return out
}
