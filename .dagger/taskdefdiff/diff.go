// Package taskdefdiff says how one task definition differs from another, in
// lines a person reads before a release registers a revision: "cpu: 512 →
// 1024", "container webapp: env FOO: added", "container log-router: image:
// fluent-bit:2 → fluent-bit:3".
//
// Both sides are compared in the form RegisterTaskDefinition takes, with the
// camelCase member names of taskdef.json, so every member the API knows is
// compared, including ones added after this code was written. Lists whose
// entries have an identity (containers by name, environment variables and
// secrets by name, port mappings by port and protocol, volumes by name, tags
// by key, …) are matched by it, not by position: reordering them is no
// change, and an added entry is one line, not a shifted list. The result is
// sorted, so the same two task definitions always print the same lines.
package taskdefdiff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Kind says what happened to a member or an entry.
type Kind int

const (
	// Changed: present on both sides with different values.
	Changed Kind = iota
	// Added: only the new side has it.
	Added
	// Removed: only the old side has it.
	Removed
)

// Change is one difference between two task definitions.
type Change struct {
	// Path names what changed, e.g. "cpu", "container webapp: image",
	// "container webapp: logConfiguration.options.awslogs-group".
	Path string
	// Kind is Changed, Added or Removed.
	Kind Kind
	// From and To are the old and new values ("" when absent). An entry
	// added or removed as a whole carries a short summary of itself instead.
	From, To string
	// Hidden is set when the values are not shown (environment variable
	// values: logs travel further than the task definition, and teams do put
	// tokens there). From and To are then empty.
	Hidden bool

	// container is the container the change belongs to ("" for the task
	// level) and rank orders the changes within it; both only sort. whole
	// marks a list entry added or removed as a whole.
	container string
	rank      int
	whole     bool
}

// String renders the change as one line.
func (c Change) String() string {
	switch {
	case c.Hidden:
		return c.Path + ": value changed (not shown)"
	case c.Kind == Added && c.To == "":
		return c.Path + ": added"
	case c.Kind == Added && c.entry():
		return c.Path + ": added (" + c.To + ")"
	case c.Kind == Removed && c.From == "":
		return c.Path + ": removed"
	case c.Kind == Removed && c.entry():
		return c.Path + ": removed (was " + c.From + ")"
	}
	return c.Path + ": " + orUnset(c.From) + " → " + orUnset(c.To)
}

// entry reports whether the change is about a whole list entry (whose
// summary is shown in parentheses) rather than a member's value.
func (c Change) entry() bool { return c.whole }

func orUnset(v string) string {
	if v == "" {
		return "unset"
	}
	return v
}

// Changes are the differences between two task definitions, sorted: the
// task-level members first, then each container by name (the container
// itself, its image, then its other members).
type Changes []Change

// Lines renders every change, one per line, each prefixed with indent.
func (cs Changes) Lines(indent string) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(indent)
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Find returns the change at path, if any.
func (cs Changes) Find(path string) (Change, bool) {
	for _, c := range cs {
		if c.Path == path {
			return c, true
		}
	}
	return Change{}, false
}

// Compare returns how to differs from from. Either may be nil (an empty
// task definition). Tags are compared like any member: a caller that
// manages some tags itself removes them from both sides first.
func Compare(from, to *ecs.RegisterTaskDefinitionInput) (Changes, error) {
	old, err := flattenInput(from)
	if err != nil {
		return nil, fmt.Errorf("reading the old task definition: %w", err)
	}
	cur, err := flattenInput(to)
	if err != nil {
		return nil, fmt.Errorf("reading the new task definition: %w", err)
	}
	return compare(old, cur), nil
}

// compare pairs two flattened task definitions. An entry present on one side
// only is one change; its members are not listed one by one.
func compare(old, cur *flat) Changes {
	var out Changes
	gone := map[string]bool{} // entries added or removed as a whole
	for _, k := range unionKeys(old.entries, cur.entries) {
		o, inOld := old.entries[k]
		n, inNew := cur.entries[k]
		switch {
		case inOld && !inNew:
			out = append(out, o.change(Removed, o.summary, ""))
			gone[k] = true
		case inNew && !inOld:
			out = append(out, n.change(Added, "", n.summary))
			gone[k] = true
		}
	}
	for _, k := range unionKeys(old.leaves, cur.leaves) {
		if underAny(k, gone) {
			continue
		}
		o, n := old.leaves[k], cur.leaves[k]
		if o.value == n.value && o.path != "" && n.path != "" {
			continue
		}
		l := n
		if l.path == "" {
			l = o
		}
		kind := Changed
		switch {
		case o.path == "":
			kind = Added
		case n.path == "":
			kind = Removed
		}
		c := l.change(kind, o.value, n.value)
		if l.hidden {
			c.From, c.To, c.Hidden = "", "", true
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.container == "") != (b.container == "") {
			return a.container == ""
		}
		if a.container != b.container {
			return a.container < b.container
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.Path < b.Path
	})
	return out
}

// underAny reports whether key lies inside one of the entries in gone.
func underAny(key string, gone map[string]bool) bool {
	for i := 0; i < len(key); i++ {
		if key[i] == sep && gone[key[:i]] {
			return true
		}
	}
	return false
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
