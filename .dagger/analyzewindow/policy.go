package analyzewindow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"dagger/ecs-bluegreen/analysis"
)

// ParsePolicy reads a policy in the deployment check function's form (its
// ANALYSIS_POLICY, e.g. {"maxErrorRate":0.02,"minRequests":200}); empty
// means every default. A misspelt field is an error, not a silent default.
func ParsePolicy(s string) (analysis.Policy, error) {
	var p analysis.Policy
	if strings.TrimSpace(s) == "" {
		return p, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || dec.More() {
		return p, fmt.Errorf("--policy %q is not accepted: a JSON object with maxErrorRate, maxErrorRateIncrease, maxP99Ratio, latencyFloorMillis, minRequests, minErrors, badWindows, windowMinutes, count4xx, maxUnhealthyHosts (the function's ANALYSIS_POLICY)", s)
	}
	return p, p.Validate()
}
