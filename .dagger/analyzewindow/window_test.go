package analyzewindow

import (
	"dagger/ecs-bluegreen/analysis"

	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 5, 4, 30, 40, 0, time.UTC)

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		since, until, last string
		start, end         string
	}{
		// The last 10 minutes whose metrics are complete.
		{"", "", "10m", "04:18", "04:28"},
		{"", "2026-12-05T04:20:30Z", "5m", "04:15", "04:20"},
		{"2026-12-05T04:00:10Z", "", "", "04:00", "04:28"},
		{"2026-12-05T04:00:00Z", "2026-12-05T04:10:00Z", "", "04:00", "04:10"},
	} {
		w, err := ParseWindow(tc.since, tc.until, tc.last, now)
		if err != nil {
			t.Errorf("%+v: %v", tc, err)
			continue
		}
		if got := w.Start.Format("15:04") + "-" + w.End.Format("15:04"); got != tc.start+"-"+tc.end {
			t.Errorf("%+v: window %s, want %s-%s", tc, got, tc.start, tc.end)
		}
	}
}

func TestParseWindowRefuses(t *testing.T) {
	for _, tc := range []struct{ since, until, last, want string }{
		{"", "", "", "exactly one of --since"},
		{"2026-12-05T04:00:00Z", "", "10m", "exactly one of --since"},
		{"yesterday", "", "", `--since "yesterday" is not an RFC 3339 time`},
		{"", "", "10", `--last "10" is not accepted: a duration from 1m to 24h`},
		{"", "", "30s", `--last "30s" is not accepted`},
		{"", "", "25h", `--last "25h" is not accepted`},
		{"", "2026-12-05T05:00:00Z", "10m", "is in the future"},
		{"", "noon", "10m", `--until "noon" is not an RFC 3339 time`},
		{"2026-12-05T04:10:00Z", "2026-12-05T04:10:30Z", "", "holds no whole minute"},
		{"2026-12-03T04:00:00Z", "", "", "longer than 24h"},
	} {
		_, err := ParseWindow(tc.since, tc.until, tc.last, now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("since %q until %q last %q: %v, want %q", tc.since, tc.until, tc.last, err, tc.want)
		}
	}
}

func TestParsePolicy(t *testing.T) {
	p, err := ParsePolicy(`{"maxErrorRate":0.02,"minRequests":200}`)
	if err != nil || p.MaxErrorRate != 0.02 || p.MinRequests != 200 {
		t.Fatalf("%+v %v", p, err)
	}
	if p, err := ParsePolicy(""); err != nil || p != (analysis.Policy{}) {
		t.Fatalf("empty: %+v %v", p, err)
	}
	if _, err := ParsePolicy(`{"maxErrorRatio":0.02}`); err == nil || !strings.Contains(err.Error(), "is not accepted") {
		t.Errorf("misspelt field: %v", err)
	}
	if _, err := ParsePolicy(`{"badWindows":99}`); err == nil || !strings.Contains(err.Error(), "badWindows 99 is out of range") {
		t.Errorf("out of range: %v", err)
	}
}
