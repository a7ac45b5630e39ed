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
	NewTarget *Dimensions         `json:"newTarget,omitempty"`
	OldTarget *Dimensions         `json:"oldTarget,omitempty"`
	Analysis  *analysis.Verdict   `json:"analysis,omitempty"`
	Smoke     *smokecheck.Verdict `json:"smoke,omitempty"`
	Error     string              `json:"error,omitempty"`
}

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
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(Record{Time: r.Time, Level: "error", Msg: "log record not encodable: " + err.Error(), Mode: r.Mode, Verdict: r.Verdict, HookStatus: r.HookStatus})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(append(b, '\n'))
}
