package lifecyclehook

import (
	"encoding/json"
	"time"
)

// stateKey is the hookDetails key the hook keeps its state under between
// IN_PROGRESS invocations; every other key (the service definition's own
// hookDetails) is handed back untouched.
const stateKey = "ecsBlueGreenAnalysis"

// state is one stage's analysis in progress.
type state struct {
	// Stage, Execution, Target and Weight identify what is being judged: a
	// state left from another stage, execution, revision or traffic step
	// is not reused.
	Stage     string  `json:"stage"`
	Execution string  `json:"execution,omitempty"`
	Target    string  `json:"target"`
	Weight    float64 `json:"weight"`
	// Began is the first invocation, which MaxWait counts from.
	Began time.Time `json:"began"`
	// Start is the first whole minute after Began: the analysis window
	// opens there, so every judged minute saw this traffic step only.
	Start time.Time `json:"start"`
	// New and Old are the resolved CloudWatch dimensions (Old empty on a
	// first deployment).
	New Dimensions `json:"new"`
	Old Dimensions `json:"old"`
	// Resolved is false until the target groups were read.
	Resolved bool `json:"resolved"`
}

func (s state) matches(e ECSEvent, weight float64) bool {
	return s.Stage == e.LifecycleStage && s.Execution == e.ExecutionID && s.Target == e.TargetServiceRevisionArn && s.Weight == weight
}

// loadState returns the state carried in hookDetails, if any.
func loadState(details map[string]json.RawMessage) (state, bool) {
	raw, ok := details[stateKey]
	if !ok {
		return state{}, false
	}
	var s state
	if err := json.Unmarshal(raw, &s); err != nil {
		return state{}, false
	}
	return s, true
}

// withState returns a copy of details with s stored, for the IN_PROGRESS
// answer.
func withState(details map[string]json.RawMessage, s state) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(details)+1)
	for k, v := range details {
		out[k] = v
	}
	raw, _ := json.Marshal(s) // plain strings, numbers and times: cannot fail
	out[stateKey] = raw
	return out
}
