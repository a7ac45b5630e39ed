package lifecyclehook

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"dagger/ecs-bluegreen/analysis"
	"dagger/ecs-bluegreen/smokecheck"
)

// Record is one structured log line: every invocation writes exactly one,
// with the decision, the sentence a person reads and the numbers behind it.
type Record struct {
	Time  time.Time `json:"time"`
	Level string    `json:"level"`
	// Msg is the verdict's sentence.
	Msg string `json:"msg"`
	// Mode is "ecs" or "codedeploy"; Check is "smoke" or "analysis".
	Mode  string `json:"mode"`
	Check string `json:"check,omitempty"`
	Stage string `json:"stage,omitempty"`
	// Deployment is the ECS service deployment ARN or the CodeDeploy
	// deployment id.
	Deployment  string `json:"deployment,omitempty"`
	Service     string `json:"service,omitempty"`
	NewRevision string `json:"newRevision,omitempty"`
	OldRevision string `json:"oldRevision,omitempty"`
	// Verdict is pass, fail or inconclusive, or waiting / skipped when
	// nothing was judged in this invocation.
	Verdict       string `json:"verdict"`
	HookStatus    string `json:"hookStatus"`
	CallBackDelay int    `json:"callBackDelay,omitempty"`
	// NewTarget and OldTarget are the CloudWatch dimensions read.
	NewTarget *Dimensions       `json:"newTarget,omitempty"`
	OldTarget *Dimensions       `json:"oldTarget,omitempty"`
	Analysis  *analysis.Verdict `json:"analysis,omitempty"`
	// WindowsOmitted counts the earliest windows left out of Analysis, so a
	// long wait never makes a line larger than CloudWatch Logs keeps.
	WindowsOmitted int                 `json:"windowsOmitted,omitempty"`
	Smoke          *smokecheck.Verdict `json:"smoke,omitempty"`
	Error          string              `json:"error,omitempty"`

	// Verdict lines also carry CloudWatch's embedded metric format: Lambda
	// sends stdout to CloudWatch Logs, which turns these fields into metrics
	// (per service, check and verdict) without the function holding any
	// cloudwatch:PutMetricData permission.
	EMF             *emf     `json:"_aws,omitempty"`
	Verdicts        int      `json:"verdicts,omitempty"`
	NewRequests     *float64 `json:"newRequests,omitempty"`
	OldRequests     *float64 `json:"oldRequests,omitempty"`
	NewErrorPercent *float64 `json:"newErrorPercent,omitempty"`
	OldErrorPercent *float64 `json:"oldErrorPercent,omitempty"`
	NewP99Millis    *float64 `json:"newP99Millis,omitempty"`
	OldP99Millis    *float64 `json:"oldP99Millis,omitempty"`
}

// MetricNamespace is where the hook's embedded metrics land.
const MetricNamespace = "EcsBlueGreen/DeploymentHook"

type emf struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// withMetrics adds the embedded metrics to a line that carries a verdict.
func (r Record) withMetrics() Record {
	switch r.Verdict {
	case string(analysis.Pass), string(analysis.Fail), string(analysis.Inconclusive):
	default:
		return r
	}
	r.Verdicts = 1
	metrics := []emfMetric{{"verdicts", "Count"}}
	if a := r.Analysis; a != nil {
		f := func(v float64) *float64 { return &v }
		r.NewRequests, r.OldRequests = f(a.New.Requests), f(a.Old.Requests)
		r.NewErrorPercent, r.OldErrorPercent = f(a.New.ErrorRate*100), f(a.Old.ErrorRate*100)
		metrics = append(metrics, emfMetric{"newRequests", "Count"}, emfMetric{"oldRequests", "Count"},
			emfMetric{"newErrorPercent", "Percent"}, emfMetric{"oldErrorPercent", "Percent"})
		if a.New.HasLatency {
			r.NewP99Millis = f(a.New.P99 * 1000)
			metrics = append(metrics, emfMetric{"newP99Millis", "Milliseconds"})
		}
		if a.Old.HasLatency {
			r.OldP99Millis = f(a.Old.P99 * 1000)
			metrics = append(metrics, emfMetric{"oldP99Millis", "Milliseconds"})
		}
	}
	dims := []string{"check", "verdict"}
	if r.Service != "" {
		dims = []string{"service", "check", "verdict"}
	}
	r.EMF = &emf{Timestamp: r.Time.UnixMilli(), CloudWatchMetrics: []emfDirective{{
		Namespace: MetricNamespace, Dimensions: [][]string{dims}, Metrics: metrics,
	}}}
	return r
}

// maxLoggedWindows is how many of the latest windows a line lists.
const maxLoggedWindows = 10

// logger writes records as JSON lines, one Write each so lines from
// concurrent invocations never interleave.
type logger struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *logger) write(r Record) {
	if l == nil || l.w == nil {
		return
	}
	if r.Analysis != nil && len(r.Analysis.Windows) > maxLoggedWindows {
		v := *r.Analysis
		r.WindowsOmitted = len(v.Windows) - maxLoggedWindows
		v.Windows = v.Windows[r.WindowsOmitted:]
		r.Analysis = &v
	}
	b, err := json.Marshal(r.withMetrics())
	if err != nil {
		b, _ = json.Marshal(Record{Time: r.Time, Level: "error", Msg: "log record not encodable: " + err.Error(), Mode: r.Mode, Verdict: r.Verdict, HookStatus: r.HookStatus})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(append(b, '\n'))
}
