package analysis

import (
	"math"
	"strings"
	"testing"
)

func TestPolicyDefaults(t *testing.T) {
	if err := (Policy{}).Validate(); err != nil {
		t.Fatalf("zero policy (all defaults) invalid: %v", err)
	}
	if got := (Policy{}).WithDefaults(); got != Defaults {
		t.Errorf("zero policy with defaults = %+v, want %+v", got, Defaults)
	}
	p := Policy{MaxP99Ratio: 2, Count4XX: true}.WithDefaults()
	if p.MaxP99Ratio != 2 || !p.Count4XX || p.MinRequests != Defaults.MinRequests {
		t.Errorf("set fields must survive defaults: %+v", p)
	}
}

func TestPolicyValidateNamesFieldValueAndRange(t *testing.T) {
	cases := []struct {
		p    Policy
		want string
	}{
		{Policy{MaxErrorRate: 1.5}, "maxErrorRate 1.5 is out of range: accepted 0 < value ≤ 1"},
		{Policy{MaxErrorRate: -0.1}, "maxErrorRate -0.1 is out of range"},
		{Policy{MaxErrorRate: math.NaN()}, "maxErrorRate NaN"},
		{Policy{MaxErrorRateIncrease: 2}, "maxErrorRateIncrease 2 is out of range"},
		{Policy{MaxP99Ratio: 0.5}, "maxP99Ratio 0.5 is out of range: accepted 1 ≤ value ≤ 100"},
		{Policy{MaxP99Ratio: 101}, "maxP99Ratio 101"},
		{Policy{LatencyFloorMillis: -1}, "latencyFloorMillis -1 is out of range: accepted 1–10000"},
		{Policy{MinRequests: -5}, "minRequests -5 is out of range: accepted 1–1000000"},
		{Policy{MinErrors: -1}, "minErrors -1 is out of range"},
		{Policy{BadWindows: 61}, "badWindows 61 is out of range: accepted 1–60"},
		{Policy{WindowMinutes: 90}, "windowMinutes 90 is out of range: accepted 1–60"},
		{Policy{MaxUnhealthyHosts: -1}, "maxUnhealthyHosts -1 is out of range: accepted 0–1000"},
	}
	for _, c := range cases {
		err := c.p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate(%+v) = %v, want %q", c.p, err, c.want)
		}
		if _, jerr := Judge(c.p, input(4, nil, nil)); jerr == nil {
			t.Errorf("Judge accepted the invalid policy %+v", c.p)
		}
	}
}

func TestPolicyValidateReportsEveryProblem(t *testing.T) {
	err := Policy{MaxErrorRate: 3, BadWindows: 100, WindowMinutes: -1}.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, field := range []string{"maxErrorRate", "badWindows", "windowMinutes"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error lacks %s: %v", field, err)
		}
	}
}
