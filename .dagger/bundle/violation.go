package bundle

import (
	"fmt"
	"sort"
	"strings"
)

// Violation is one problem found in an input or an artifact: where it is and
// what is wrong with it.
type Violation struct {
	// Field is the path of the offending value, e.g.
	// "taskdef.json: containerDefinitions[0].portMappings" or "Input.ImageURI".
	Field string
	// Message says what the value is and what would be accepted.
	Message string
}

// String renders the violation as "field: message".
func (v Violation) String() string { return v.Field + ": " + v.Message }

// Violations is every problem found in one validation pass. It is returned as
// the error of Render, RenderTaskDefinition, ValidateFiles and RegisterInput,
// so callers can list the problems with errors.As.
type Violations []Violation

// Error joins every violation, one per line, after a count.
func (vs Violations) Error() string {
	var b strings.Builder
	if len(vs) == 1 {
		b.WriteString("1 problem found:")
	} else {
		fmt.Fprintf(&b, "%d problems found:", len(vs))
	}
	for _, v := range vs {
		b.WriteString("\n  - ")
		b.WriteString(v.String())
	}
	return b.String()
}

// collector accumulates violations during one validation pass.
type collector struct {
	vs Violations
	// damaged are the paths (inside the file) of values a decoder reported
	// and could not keep, or most likely meant (LoadBalancer for
	// LoadBalancerInfo): what other rules find there only repeats the problem.
	damaged []string
}

// addf records a violation at field with a formatted message.
func (c *collector) addf(field, format string, args ...any) {
	c.vs = append(c.vs, Violation{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was recorded, the violations otherwise.
func (c *collector) err() error {
	if len(c.vs) == 0 {
		return nil
	}
	return c.vs
}

// ok reports whether nothing was recorded yet.
func (c *collector) ok() bool { return len(c.vs) == 0 }

// sortedKeys returns the keys of a set in order, for messages listing what is
// accepted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
