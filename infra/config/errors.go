package config

import (
	"fmt"
	"strings"
)

// Problem is one invalid configuration key.
type Problem struct {
	// Key is the context key.
	Key string
	// Value is the value that was given ("" when the key was missing).
	Value string
	// Accepted describes what would have been accepted.
	Accepted string
}

// String renders the problem as `key "value": accepted ...`.
func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s (not set): %s", p.Key, p.Accepted)
	}
	return fmt.Sprintf("%s %q: expected %s", p.Key, p.Value, p.Accepted)
}

// Errors collects every configuration problem found in one pass.
type Errors struct {
	// Problems in the order they were found.
	Problems []Problem
}

func (e *Errors) add(key, value, accepted string) {
	e.Problems = append(e.Problems, Problem{Key: key, Value: value, Accepted: accepted})
}

func (e *Errors) addf(key, value, format string, args ...any) {
	e.add(key, value, fmt.Sprintf(format, args...))
}

// Len is the number of problems.
func (e *Errors) Len() int { return len(e.Problems) }

// Error lists every problem on its own line.
func (e *Errors) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  - " + p.String()
	}
	return fmt.Sprintf("invalid CDK configuration (%d problem(s)); set the keys in cdk.json \"context\" or with -c key=value:\n%s",
		len(e.Problems), strings.Join(lines, "\n"))
}
