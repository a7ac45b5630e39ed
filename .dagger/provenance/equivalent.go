package provenance

import (
	"encoding/json"
	"reflect"
	"sort"
)

// Equivalent reports whether two statements attest the same build: the
// same statement and predicate types, the same subject digests and the same
// build definition (build type, parameters, resolved dependencies). The
// subjects' names and the run details are left out on purpose: the name is
// where the image happened to be pushed (a registry address, a stand-in's
// per-call host name), and neither changes what was built from what. A
// re-run that finds an equivalent statement attached attaches nothing.
func Equivalent(a, b []byte) bool {
	x, okA := essence(a)
	y, okB := essence(b)
	return okA && okB && reflect.DeepEqual(x, y)
}

// statementEssence is what Equivalent compares.
type statementEssence struct {
	Type, PredicateType string
	Subjects            []string
	BuildDefinition     any
}

func essence(doc []byte) (statementEssence, bool) {
	var st struct {
		Type    string `json:"_type"`
		Subject []struct {
			Digest map[string]string `json:"digest"`
		} `json:"subject"`
		PredicateType string `json:"predicateType"`
		Predicate     struct {
			BuildDefinition any `json:"buildDefinition"`
		} `json:"predicate"`
	}
	if err := json.Unmarshal(doc, &st); err != nil || st.Type == "" || st.Predicate.BuildDefinition == nil || len(st.Subject) == 0 {
		return statementEssence{}, false
	}
	var subjects []string
	for _, s := range st.Subject {
		for algo, hex := range s.Digest {
			subjects = append(subjects, algo+":"+hex)
		}
	}
	sort.Strings(subjects)
	return statementEssence{Type: st.Type, PredicateType: st.PredicateType, Subjects: subjects, BuildDefinition: st.Predicate.BuildDefinition}, true
}
