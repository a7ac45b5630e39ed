package cienv

import "testing"

// TestEveryAppFunctionBuildsAnyService checks that each function that
// builds the app image takes the service's main package, and each one that
// produces an image its port, so a team's service never needs a fork: the
// same flags work on every verb.
func TestEveryAppFunctionBuildsAnyService(t *testing.T) {
	m := realModule(t)
	for fn, wants := range map[string][]string{
		"build":   {"source", "pkg", "port"},
		"tarball": {"source", "pkg", "port"},
		"serve":   {"source", "pkg", "port"},
		"publish": {"source", "pkg", "port"},
		"release": {"source", "pkg", "port"},
		"sbom":    {"source", "pkg"},
	} {
		f, ok := m.Functions[fn]
		if !ok {
			t.Errorf("function %s is gone", fn)
			continue
		}
		for _, flag := range wants {
			if p, ok := f.Params[flag]; !ok {
				t.Errorf("%s has no --%s", fn, flag)
			} else if flag != "source" && p.Type != map[string]string{"pkg": "string", "port": "int"}[flag] {
				t.Errorf("%s --%s is a %s", fn, flag, p.Type)
			}
		}
	}
}
