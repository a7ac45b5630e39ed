package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheModuleAttachesProvenanceThroughTheHelpers: the module builds the
// provenance referrer and cosign tag only with ProvenanceReferrer and
// ProvenanceTag, the helpers the cosign verification tests go through. A
// literal built by hand beside them once left the keyless seal off the tag,
// and only cosign noticed.
func TestTheModuleAttachesProvenanceThroughTheHelpers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("module sources: %v %v", files, err)
	}
	var all strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, ".gen.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, literal := range []string{"publish.CosignAttestation{", "Equivalent: att.Covers"} {
			if strings.Contains(string(src), literal) {
				t.Errorf("%s builds a provenance attachment by hand (%s): use publish.ProvenanceReferrer / ProvenanceTag", filepath.Base(f), literal)
			}
		}
		all.Write(src)
	}
	for _, helper := range []string{"publish.ProvenanceReferrer(", "publish.ProvenanceTag("} {
		if !strings.Contains(all.String(), helper) {
			t.Errorf("the module never calls %s", helper)
		}
	}
}
