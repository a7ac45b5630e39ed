package analysis

import (
	"math"
	"strings"
	"testing"
	"time"
)

// Real-shaped traffic: a canary at 10 % takes ~120 requests a minute while
// the old revision takes ~1100.
var (
	oldGood = minute{req: 1100, e5: 1, p50: 0.021, p99: 0.180}
	newGood = minute{req: 120, p50: 0.022, p99: 0.190}
)

func TestJudge(t *testing.T) {
	cases := []struct {
		name    string
		policy  Policy
		in      Input
		want    Outcome
		reason  string // substring of the sentence
		windows int    // whole windows seen
	}{
		{
			name: "healthy canary passes",
			in:   input(6, steady(6, newGood), steady(6, oldGood)),
			want: Pass, reason: "3 of 3 window(s) judged, the latest good", windows: 3,
		},
		{
			name: "2 % errors where the old had 0.1 % fails",
			in:   input(4, steady(4, minute{req: 120, e5: 3, p50: 0.02, p99: 0.19}), steady(4, oldGood)),
			want: Fail, reason: "error rate 2.50 % is above the limit 1.00 %", windows: 2,
		},
		{
			name: "p99 doubled with every absolute limit green fails",
			in:   input(4, steady(4, minute{req: 120, p50: 0.03, p99: 0.40}), steady(4, oldGood)),
			want: Fail, reason: "p99 400ms is 2.22× the old revision's 180ms (limit 1.50×)", windows: 2,
		},
		{
			name:   "error rate rising past the allowed increase fails below the absolute limit",
			policy: Policy{MaxErrorRate: 0.05, MaxErrorRateIncrease: 0.005},
			in:     input(4, steady(4, minute{req: 400, e5: 4, p99: 0.19}), steady(4, oldGood)),
			want:   Fail, reason: "error rate 1.00 % is 0.91 points above the old revision's 0.09 %", windows: 2,
		},
		{
			name: "sparse traffic is inconclusive, never a pass",
			in:   input(10, steady(10, minute{req: 4, p99: 0.1}), steady(10, oldGood)),
			want: Inconclusive, reason: "too few requests to judge: the new revision served 40 in 5 whole 2-minute window(s), and a window needs 50", windows: 5,
		},
		{
			name: "no traffic at all is inconclusive",
			in:   input(4, steady(4, minute{missing: true}), steady(4, minute{missing: true})),
			want: Inconclusive, reason: "too few requests", windows: 2,
		},
		{
			name: "one error against an old revision with none is not a failure by default",
			in:   input(4, cat([]minute{{req: 60, e5: 1, p99: 0.1}}, steady(3, minute{req: 60, p99: 0.1})), steady(4, minute{req: 600, p99: 0.1})),
			want: Pass, windows: 2,
		},
		{
			name:   "one error fails when the policy lets a single error count",
			policy: Policy{MinErrors: 1, MaxErrorRateIncrease: 0.001, BadWindows: 1},
			in:     input(4, cat([]minute{{req: 60, e5: 1, p99: 0.1}}, steady(3, minute{req: 60, p99: 0.1})), steady(4, minute{req: 600, p99: 0.1})),
			want:   Fail, reason: "0.83 points above the old revision's 0.00 %", windows: 2,
		},
		{
			name: "one bad window then a good one passes",
			in:   input(4, cat(steady(2, minute{req: 120, e5: 6, p99: 0.19}), steady(2, newGood)), steady(4, oldGood)),
			want: Pass, windows: 2,
		},
		{
			name: "a bad latest window short of the run is inconclusive",
			in:   input(4, cat(steady(2, newGood), steady(2, minute{req: 120, e5: 6, p99: 0.19})), steady(4, oldGood)),
			want: Inconclusive, reason: "the latest 1 window(s) were bad, fewer than the 2 in a row that fail", windows: 2,
		},
		{
			name: "a sparse window between two bad ones does not reset the run",
			in: input(6, cat(steady(2, minute{req: 120, e5: 6, p99: 0.19}), steady(2, minute{req: 5}), steady(2, minute{req: 120, e5: 6, p99: 0.19})),
				steady(6, oldGood)),
			want: Fail, reason: "2 bad window(s) in a row", windows: 3,
		},
		{
			name: "old revision without traffic after the last shift: absolute limits only, pass",
			in:   input(4, steady(4, minute{req: 1200, e5: 2, p99: 0.5}), steady(4, minute{missing: true})),
			want: Pass, windows: 2,
		},
		{
			name: "old revision without traffic after the last shift: absolute limits only, fail",
			in:   input(4, steady(4, minute{req: 1200, e5: 40, p99: 0.2}), steady(4, minute{missing: true})),
			want: Fail, reason: "error rate 3.33 % is above the limit 1.00 %", windows: 2,
		},
		{
			name: "4xx are not errors by default",
			in:   input(4, steady(4, minute{req: 120, e4: 30, p99: 0.19}), steady(4, oldGood)),
			want: Pass, windows: 2,
		},
		{
			name:   "4xx count when the policy says so",
			policy: Policy{Count4XX: true},
			in:     input(4, steady(4, minute{req: 120, e4: 30, p99: 0.19}), steady(4, oldGood)),
			want:   Fail, reason: "error rate 25.00 %", windows: 2,
		},
		{
			name: "a target unhealthy throughout the window fails",
			in:   input(4, steady(4, minute{req: 120, p99: 0.19, unhealthy: 1}), steady(4, oldGood)),
			want: Fail, reason: "1 target(s) unhealthy throughout (limit 0)", windows: 2,
		},
		{
			name: "a target unhealthy for one minute (still starting) does not",
			in:   input(4, cat([]minute{{req: 120, p99: 0.19, unhealthy: 2}}, steady(3, newGood)), steady(4, oldGood)),
			want: Pass, windows: 2,
		},
		{
			name: "fast responses under the latency floor are never 'slower'",
			in:   input(4, steady(4, minute{req: 120, p99: 0.008}), steady(4, minute{req: 1100, p99: 0.003})),
			want: Pass, windows: 2,
		},
		{
			name: "gaps in the series (minutes without datapoints) count as no requests",
			in: input(4, []minute{{req: 100, p99: 0.19}, {missing: true}, {req: 30, p99: 0.19}, {req: 30, p99: 0.19}},
				steady(4, oldGood)),
			want: Pass, windows: 2,
		},
		{
			name: "a partial window waits for the next call",
			in:   Input{Start: t0, End: t0.Add(90 * time.Second), New: revision(newGood, newGood), Old: revision(oldGood, oldGood)},
			want: Inconclusive, reason: "no whole 2-minute window yet (1m30s so far)", windows: 0,
		},
		{
			name: "datapoints outside the window are ignored",
			in: Input{Start: t0.Add(2 * time.Minute), End: t0.Add(4 * time.Minute),
				New: revision(cat(steady(2, minute{req: 120, e5: 60, p99: 3}), steady(3, newGood))...), Old: revision(steady(5, oldGood)...)},
			want: Pass, windows: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := Judge(c.policy, c.in)
			if err != nil {
				t.Fatal(err)
			}
			s := v.Sentence()
			if v.Outcome != c.want {
				t.Fatalf("outcome %s, want %s\n%s", v.Outcome, c.want, s)
			}
			if !strings.HasPrefix(s, string(c.want)+": ") {
				t.Errorf("sentence does not start with the outcome: %s", s)
			}
			if c.reason != "" && !strings.Contains(s, c.reason) {
				t.Errorf("sentence lacks %q:\n%s", c.reason, s)
			}
			if len(v.Windows) != c.windows {
				t.Errorf("%d windows, want %d", len(v.Windows), c.windows)
			}
		})
	}
}

func TestJudgeNumbersSideBySide(t *testing.T) {
	v, err := Judge(Policy{}, input(4,
		steady(4, minute{req: 100, e5: 2, p50: 0.02, p99: 0.2}),
		steady(4, minute{req: 1000, e5: 1, p50: 0.02, p99: 0.1})))
	if err != nil {
		t.Fatal(err)
	}
	if v.New.Requests != 400 || v.New.Errors != 8 || v.New.ErrorRate != 0.02 {
		t.Errorf("new totals %+v", v.New)
	}
	if v.Old.Requests != 4000 || v.Old.Errors != 4 {
		t.Errorf("old totals %+v", v.Old)
	}
	want := "new revision 400 requests, 2.00 % errors, p50 20ms, p99 200ms; old revision 4000 requests, 0.10 % errors, p50 20ms, p99 100ms; 04:00–04:04 UTC"
	if !strings.Contains(v.Sentence(), want) {
		t.Errorf("sentence:\n%s\nwant it to contain\n%s", v.Sentence(), want)
	}
}

func TestJudgeWeightsLatencyByRequests(t *testing.T) {
	// A quiet slow minute must not dominate a busy fast one: (10×1 s +
	// 990×0.1 s)/1000 = 0.109 s.
	v, err := Judge(Policy{WindowMinutes: 2}, input(2,
		[]minute{{req: 10, p99: 1}, {req: 990, p99: 0.1}},
		[]minute{{req: 500, p99: 0.1}, {req: 500, p99: 0.1}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := v.New.P99; got < 0.1089 || got > 0.1091 {
		t.Errorf("new p99 %v, want 0.109", got)
	}
	if v.Outcome != Pass {
		t.Errorf("outcome %s: %s", v.Outcome, v.Sentence())
	}
}

func TestJudgeRejectsImpossibleValues(t *testing.T) {
	for _, c := range []struct {
		in   Input
		want string
	}{
		{Input{Start: t0, End: t0.Add(2 * time.Minute), New: Metrics{Requests: []Point{{t0, -3}}}}, "new revision's RequestCount at 2026-12-05T04:00:00Z is -3: accepted a finite value ≥ 0"},
		{Input{Start: t0, End: t0.Add(2 * time.Minute), Old: Metrics{P99: []Point{{t0, math.NaN()}}}}, "old revision's TargetResponseTime p99 at 2026-12-05T04:00:00Z is NaN"},
		{Input{Start: t0, End: t0.Add(2 * time.Minute), New: Metrics{UnhealthyHosts: []Point{{t0, math.Inf(1)}}}}, "UnHealthyHostCount"},
	} {
		if _, err := Judge(Policy{}, c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Judge error %v, want %q", err, c.want)
		}
	}
}

func TestJudgeRejectsBadWindowBeforeJudging(t *testing.T) {
	for _, in := range []Input{
		{Start: t0, End: t0},
		{Start: t0, End: t0.Add(-time.Minute)},
		{End: t0},
	} {
		if _, err := Judge(Policy{}, in); err == nil || !strings.Contains(err.Error(), "analysis window") {
			t.Errorf("Judge(%v–%v) error %v, want an analysis window error", in.Start, in.End, err)
		}
	}
}
