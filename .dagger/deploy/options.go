package deploy

import (
	"fmt"
	"io"
	"time"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// Defaults and limits of Options.
const (
	// DefaultPollInterval keeps the delay between a change in CodeDeploy and
	// Wait noticing it within 5 s (plus one request's latency).
	DefaultPollInterval = 5 * time.Second
	// DefaultProgressEvery is the heartbeat period of progress lines.
	DefaultProgressEvery = 15 * time.Second
	// MaxProgressEvery bounds ProgressEvery: a CI log silent for longer looks hung.
	MaxProgressEvery = 15 * time.Second
	// DefaultTimeout is how long Wait follows a deployment before stopping it
	// with rollback.
	DefaultTimeout = 60 * time.Minute
	// DefaultStopGrace is how long Wait watches a stopped deployment for the
	// stop to register.
	DefaultStopGrace = 30 * time.Second
	// maxReadFailures is how many consecutive failed GetDeployment calls
	// (after the SDK's own retries) end the wait.
	maxReadFailures = 3
	// stopCallTimeout bounds the stop and its follow-up reads, which run even
	// after the caller's context ended.
	stopCallTimeout = 2 * time.Minute
	// pollCallTimeout bounds one poll (GetDeployment plus target reads), so
	// a hung connection counts as a failed read instead of freezing the wait.
	pollCallTimeout = time.Minute
)

// Options tune Wait. The zero value means the defaults.
type Options struct {
	// PollInterval is the time between GetDeployment calls (default 5s). It
	// must not exceed ProgressEvery.
	PollInterval time.Duration
	// ProgressEvery is the longest silence between progress lines (default
	// and maximum 15s). A change is printed at the poll that sees it.
	ProgressEvery time.Duration
	// Timeout is how long to follow the deployment before stopping it with
	// rollback (default 60m).
	Timeout time.Duration
	// StopGrace is how long to watch for a stop to register (default 30s).
	StopGrace time.Duration
	// Out receives the progress lines (default: discarded).
	Out io.Writer
	// Clock is the time source (default SystemClock).
	Clock Clock
	// Until is how far to follow the deployment (default ecsdeploy.Deployed:
	// to the end). At an earlier checkpoint (traffic-shifted, a lifecycle
	// stage) Wait returns nil with Result.Checkpoint set and the deployment
	// goes on by itself.
	Until ecsdeploy.Checkpoint
	// Verdicts, when set, reads the ECS deployment hook's verdicts: the
	// progress of an ECS service deployment shows the latest with both
	// revisions' numbers, and a failed release's error names it. Nil: not
	// read.
	Verdicts HookVerdicts
}

func (o Options) withDefaults() (Options, error) {
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.ProgressEvery == 0 {
		o.ProgressEvery = DefaultProgressEvery
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.StopGrace == 0 {
		o.StopGrace = DefaultStopGrace
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Clock == nil {
		o.Clock = SystemClock
	}
	switch {
	case o.ProgressEvery < 0 || o.ProgressEvery > MaxProgressEvery:
		return o, fmt.Errorf("progress interval %s is out of range; accepted: more than 0 and at most %s", o.ProgressEvery, MaxProgressEvery)
	case o.PollInterval < 0 || o.PollInterval > o.ProgressEvery:
		return o, fmt.Errorf("poll interval %s is out of range; accepted: more than 0 and at most the progress interval (%s)", o.PollInterval, o.ProgressEvery)
	case o.Timeout < 0:
		return o, fmt.Errorf("timeout %s is negative; accepted: a positive duration such as 30m (0 means %s)", o.Timeout, DefaultTimeout)
	case o.StopGrace < 0:
		return o, fmt.Errorf("stop grace %s is negative; accepted: a positive duration (0 means %s)", o.StopGrace, DefaultStopGrace)
	}
	return o, nil
}
