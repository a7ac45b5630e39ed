package infragate

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"dagger/ecs-bluegreen/cdkcmd"
)

// LiveMoved compares the live state of the service stack as the synth saw
// it with a fresh read (both as CDK context maps: every key, whatever the
// infra app reads from it) and says what moved. A release that finished
// while earlier stacks deployed leaves the synthesized listeners (or rules,
// or task definition) pointing at the old state; preparing the service
// stack's change set from it would move production back.
func LiveMoved(stack string, atSynth, now map[string]string) error {
	keys := map[string]bool{}
	for k := range atSynth {
		keys[k] = true
	}
	for k := range now {
		keys[k] = true
	}
	var moved []string
	for k := range keys {
		before, had := atSynth[k]
		after, has := now[k]
		switch {
		case had && has && before != after:
			moved = append(moved, fmt.Sprintf("%s %s → %s", k, before, after))
		case had && !has:
			moved = append(moved, fmt.Sprintf("%s %s → (no longer set)", k, before))
		case !had && has:
			moved = append(moved, fmt.Sprintf("%s (unset) → %s", k, after))
		}
	}
	if len(moved) == 0 {
		return nil
	}
	sort.Strings(moved)
	return fmt.Errorf("the live state of stack %s moved since the synth (%s): a release or rollback ran meanwhile, and the synthesized templates no longer match what serves; nothing of %s was prepared, run deploy-infra again", stack, strings.Join(moved, "; "), stack)
}

// RecheckLive is a Plan.Recheck for the service stack: right before its
// change set is prepared, read reads its live state again (as CDK context)
// and LiveMoved compares it with the state the synth saw. Other stacks pass.
func RecheckLive(service string, atSynth map[string]string, read func(ctx context.Context) (map[string]string, error)) func(context.Context, cdkcmd.Stack) error {
	return func(ctx context.Context, s cdkcmd.Stack) error {
		if s.Name != service {
			return nil
		}
		now, err := read(ctx)
		if err != nil {
			return fmt.Errorf("re-reading the live state of %s before preparing its change set: %w", s.Name, err)
		}
		return LiveMoved(s.Name, atSynth, now)
	}
}
