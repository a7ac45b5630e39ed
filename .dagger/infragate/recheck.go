package infragate

import (
	"fmt"
	"sort"
	"strings"
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
