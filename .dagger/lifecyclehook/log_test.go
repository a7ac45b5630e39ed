package lifecyclehook

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/analysis"
)

// TestVerdictLinesAreEmbeddedMetrics checks a verdict line against the
// embedded metric format's rules: every dimension and metric the directive
// names is a root field, dimensions are strings and metrics are numbers.
func TestVerdictLinesAreEmbeddedMetrics(t *testing.T) {
	w := newWorld(t, Config{})
	w.traffic(repeat(8, badNew), repeat(8, goodOld))
	p := payload(t, "ecs_pre_production_step.json")
	resp, _ := w.invoke(p)
	w.now = w0.Add(5 * time.Minute)
	resp, _ = w.invoke(feedBack(t, p, resp))
	w.now = w0.Add(7 * time.Minute)
	before := w.logs.Len()
	w.invoke(feedBack(t, p, resp))
	line := strings.TrimSpace(w.logs.String()[before:])

	var root map[string]any
	if err := json.Unmarshal([]byte(line), &root); err != nil {
		t.Fatal(err)
	}
	var meta struct {
		AWS emf `json:"_aws"`
	}
	if err := json.Unmarshal([]byte(line), &meta); err != nil || len(meta.AWS.CloudWatchMetrics) != 1 {
		t.Fatalf("no _aws directive in %s", line)
	}
	if meta.AWS.Timestamp != w.now.UnixMilli() {
		t.Errorf("timestamp %d, want %d", meta.AWS.Timestamp, w.now.UnixMilli())
	}
	d := meta.AWS.CloudWatchMetrics[0]
	if d.Namespace != MetricNamespace || len(d.Dimensions) != 1 || strings.Join(d.Dimensions[0], ",") != "service,check,verdict" {
		t.Errorf("directive %+v", d)
	}
	for _, dim := range d.Dimensions[0] {
		if _, ok := root[dim].(string); !ok {
			t.Errorf("dimension %s is not a root string: %v", dim, root[dim])
		}
	}
	names := map[string]bool{}
	for _, m := range d.Metrics {
		names[m.Name] = true
		if _, ok := root[m.Name].(float64); !ok {
			t.Errorf("metric %s is not a root number: %v", m.Name, root[m.Name])
		}
	}
	for _, want := range []string{"verdicts", "newErrorPercent", "oldErrorPercent", "newP99Millis", "oldP99Millis", "newRequests", "oldRequests"} {
		if !names[want] {
			t.Errorf("metric %s missing from %v", want, names)
		}
	}
	if root["verdict"] != "fail" || root["newErrorPercent"].(float64) != 5 || root["newP99Millis"].(float64) != 190 {
		t.Errorf("values: verdict %v, newErrorPercent %v, newP99Millis %v", root["verdict"], root["newErrorPercent"], root["newP99Millis"])
	}
}

func TestWaitingLinesAreNotMetrics(t *testing.T) {
	w := newWorld(t, Config{})
	before := w.logs.Len()
	w.invoke(payload(t, "ecs_pre_production_step.json"))
	if line := w.logs.String()[before:]; strings.Contains(line, `"_aws"`) || strings.Contains(line, `"verdicts"`) {
		t.Errorf("a waiting line counted as a verdict: %s", line)
	}
}

func TestLongAnalysesLogTheLatestWindowsOnly(t *testing.T) {
	w := newWorld(t, Config{Policy: analysis.Policy{WindowMinutes: 1}, MaxWait: 2 * time.Hour})
	w.traffic(repeat(40, albMinute{requests: 3, p99: 0.1}), repeat(40, goodOld))
	p := payload(t, "ecs_pre_production_step.json")
	resp, _ := w.invoke(p)
	w.now = w0.Add(40 * time.Minute)
	_, rec := w.invoke(feedBack(t, p, resp))
	if rec.Analysis == nil || len(rec.Analysis.Windows) != maxLoggedWindows || rec.WindowsOmitted != 37-maxLoggedWindows {
		t.Fatalf("windows logged %d, omitted %d", len(rec.Analysis.Windows), rec.WindowsOmitted)
	}
	if last := rec.Analysis.Windows[maxLoggedWindows-1]; !last.End.Equal(w0.Add(38 * time.Minute)) {
		t.Errorf("latest window logged ends %s", last.End)
	}
}
