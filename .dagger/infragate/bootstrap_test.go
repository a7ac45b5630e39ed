package infragate

import (
	"strings"
	"testing"
)

func TestDryRunNeverBootstraps(t *testing.T) {
	if err := CheckBootstrap(true, true); err == nil || !strings.Contains(err.Error(), "--dry-run changes nothing") {
		t.Fatalf("dry-run with bootstrap: err = %v, want a refusal", err)
	}
	for _, c := range [][2]bool{{true, false}, {false, true}, {false, false}} {
		if err := CheckBootstrap(c[0], c[1]); err != nil {
			t.Errorf("dry-run=%t bootstrap=%t: %v", c[0], c[1], err)
		}
	}
}
