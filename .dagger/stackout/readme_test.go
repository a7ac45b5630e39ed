package stackout

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeListsEveryOutputReleaseReads keeps README "Use it for your own
// service" honest: a team deploying the stacks its own way must know every
// output a release reads, in every mode.
func TestReadmeListsEveryOutputReleaseReads(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "## Use it for your own service")
	if start < 0 {
		t.Fatal(`README has no "Use it for your own service" section`)
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	for _, keys := range [][]string{requiredKeys, codeDeployKeys, ecsKeys} {
		for _, k := range keys {
			if !strings.Contains(section, "`"+k+"`") {
				t.Errorf("the section does not list stack output %s", k)
			}
		}
	}
}
