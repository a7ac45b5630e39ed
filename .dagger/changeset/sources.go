package changeset

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// eachChange calls fn with every resource change of the change set, its
// pages in order, then those of its nested change sets.
func (cs ChangeSet) eachChange(fn func(types.ResourceChange)) {
	for _, p := range cs.Pages {
		if p == nil {
			continue
		}
		for _, c := range p.Changes {
			if c.ResourceChange != nil {
				fn(*c.ResourceChange)
			}
		}
	}
	for _, n := range cs.Nested {
		n.eachChange(fn)
	}
}

// creations lists the resource types the change set (nested ones
// included) creates, by addition or replacement: a route whose listener is
// "known after apply" joins a new one only if one is created.
func creations(cs ChangeSet) map[string]bool {
	out := map[string]bool{}
	cs.eachChange(func(rc types.ResourceChange) {
		replaced := rc.Replacement == types.ReplacementTrue || rc.Replacement == types.ReplacementConditional
		if rc.Action == types.ChangeActionAdd || rc.Action == types.ChangeActionModify && replaced {
			out[aws.ToString(rc.ResourceType)] = true
		}
	})
	return out
}

// TrafficSources lists the existing listeners and load balancers (ARNs,
// sorted) that the change set's new or rewritten routes point at, nested
// change sets included: what the gate reads into Live.Serving.
func TrafficSources(cs ChangeSet) []string {
	set := map[string]bool{}
	cs.eachChange(func(rc types.ResourceChange) {
		var rt route
		switch {
		case rc.Action == types.ChangeActionAdd:
			rt, _ = addedRoute(rc)
		case rc.Action == types.ChangeActionModify && isRoute(rc):
			rt = rewrittenRoute(rc)
		}
		if rt.on != "" {
			set[rt.on] = true
		}
	})
	out := make([]string, 0, len(set))
	for arn := range set {
		out = append(out, arn)
	}
	sort.Strings(out)
	return out
}
