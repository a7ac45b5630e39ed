package deploy

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// simECS is one ECS service deployment on the fake clock, for the waiter's
// tests: a timeline of states, windows in which reads fail (throttling),
// and StopServiceDeployment as ECS answers it. It records every stop with
// the state the deployment was in when the stop arrived.
type simECS struct {
	t     testing.TB
	clock *fakeClock
	arn   string

	// latency is how long each read takes: the answer is the state when
	// the read began, and the clock has moved on when it returns.
	latency time.Duration

	mu        sync.Mutex
	timeline  []simState
	failReads []simWindow
	stops     []simStop
	reads     int
}

// simState is the deployment from offset At on.
type simState struct {
	At time.Duration
	D  ecstypes.ServiceDeployment
}

// simWindow is [From, To) in offsets from the clock's start.
type simWindow struct{ From, To time.Duration }

// simStop is a StopServiceDeployment call: when, with which stop type, and
// the deployment as it stood.
type simStop struct {
	At     time.Duration
	Type   ecstypes.StopServiceDeploymentStopType
	Before ecstypes.ServiceDeployment
}

const simARN = "arn:aws:ecs:us-east-1:123456789012:service-deployment/web/webapp/SIMULATED1-abcdefghijkl"

func newSimECS(t testing.TB, clock *fakeClock, states ...simState) *simECS {
	t.Helper()
	s := &simECS{t: t, clock: clock, arn: simARN}
	for _, st := range states {
		s.add(st)
	}
	return s
}

// add puts a state on the timeline, which stays ordered by At.
func (s *simECS) add(st simState) {
	st.D.ServiceDeploymentArn = aws.String(s.arn)
	if st.D.UpdatedAt == nil {
		st.D.UpdatedAt = aws.Time(s.clock.start.Add(st.At))
	}
	s.timeline = append(s.timeline, st)
	sort.SliceStable(s.timeline, func(i, j int) bool { return s.timeline[i].At < s.timeline[j].At })
}

// at is the deployment at offset off. The caller holds s.mu.
func (s *simECS) at(off time.Duration) ecstypes.ServiceDeployment {
	cur := s.timeline[0].D
	for _, st := range s.timeline {
		if st.At <= off {
			cur = st.D
		}
	}
	return cur
}

func (s *simECS) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	off := s.clock.offset()
	defer s.clock.advance(s.latency)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	for _, w := range s.failReads {
		if off >= w.From && off < w.To {
			return nil, &ecstypes.ServerException{Message: aws.String("Rate exceeded")}
		}
	}
	if len(in.ServiceDeploymentArns) != 1 || in.ServiceDeploymentArns[0] != s.arn {
		return &ecs.DescribeServiceDeploymentsOutput{Failures: []ecstypes.Failure{{Reason: aws.String("MISSING")}}}, nil
	}
	return &ecs.DescribeServiceDeploymentsOutput{ServiceDeployments: []ecstypes.ServiceDeployment{s.at(off)}}, nil
}

// StopServiceDeployment answers as ECS does: a deployment going forward is
// stopped (ROLLBACK: rolled back within 45 s; ABORT: stopped), one already
// stopping or rolling back accepts the call unchanged, a finished one is a
// conflict.
func (s *simECS) StopServiceDeployment(ctx context.Context, in *ecs.StopServiceDeploymentInput, _ ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	off := s.clock.offset()
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.at(off)
	s.stops = append(s.stops, simStop{At: off, Type: in.StopType, Before: cur})
	switch cur.Status {
	case ecstypes.ServiceDeploymentStatusPending, ecstypes.ServiceDeploymentStatusInProgress:
	case ecstypes.ServiceDeploymentStatusStopRequested, ecstypes.ServiceDeploymentStatusRollbackRequested, ecstypes.ServiceDeploymentStatusRollbackInProgress:
		return &ecs.StopServiceDeploymentOutput{ServiceDeploymentArn: aws.String(s.arn)}, nil
	default:
		return nil, &ecstypes.ConflictException{Message: aws.String("The service deployment is in status " + string(cur.Status) + " and cannot be stopped.")}
	}
	// What was planned after now no longer happens.
	kept := s.timeline[:0]
	for _, st := range s.timeline {
		if st.At <= off {
			kept = append(kept, st)
		}
	}
	s.timeline = kept
	if in.StopType == ecstypes.StopServiceDeploymentStopTypeAbort {
		s.add(simState{At: off, D: withStatus(cur, ecstypes.ServiceDeploymentStatusStopRequested)})
		s.add(simState{At: off + 10*time.Second, D: withStatus(cur, ecstypes.ServiceDeploymentStatusStopped)})
	} else {
		s.add(simState{At: off, D: withStatus(cur, ecstypes.ServiceDeploymentStatusRollbackRequested)})
		back := withStatus(cur, ecstypes.ServiceDeploymentStatusRollbackInProgress)
		back.TargetServiceRevision = revision(0)
		s.add(simState{At: off + 5*time.Second, D: back})
		s.add(simState{At: off + 45*time.Second, D: withStatus(back, ecstypes.ServiceDeploymentStatusRollbackSuccessful)})
	}
	return &ecs.StopServiceDeploymentOutput{ServiceDeploymentArn: aws.String(s.arn)}, nil
}

func (s *simECS) stopCalls() []simStop {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]simStop(nil), s.stops...)
}

// withStatus is d with another status (hooks and weights kept; a copy).
func withStatus(d ecstypes.ServiceDeployment, status ecstypes.ServiceDeploymentStatus) ecstypes.ServiceDeployment {
	d.Status = status
	d.UpdatedAt = nil
	d.LifecycleHookDetails = append([]ecstypes.DeploymentLifecycleHookDetail(nil), d.LifecycleHookDetails...)
	return d
}

// sd is a service deployment in status and stage with production weight
// prod (test traffic on green from the test shift on) and hooks.
func sd(status ecstypes.ServiceDeploymentStatus, stage ecstypes.ServiceDeploymentLifecycleStage, prod float64, hooks ...ecstypes.DeploymentLifecycleHookDetail) ecstypes.ServiceDeployment {
	return ecstypes.ServiceDeployment{
		Status: status, LifecycleStage: stage, TargetServiceRevision: revision(prod),
		LifecycleHookDetails:    hooks,
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(10)},
	}
}

func revision(prod float64) *ecstypes.ServiceRevisionSummary {
	return &ecstypes.ServiceRevisionSummary{
		Arn:                              aws.String("arn:aws:ecs:us-east-1:123456789012:service-revision/web/webapp/1234567890123456789"),
		RequestedProductionTrafficWeight: aws.Float64(prod), RequestedTestTrafficWeight: aws.Float64(100),
		RequestedTaskCount: 2, RunningTaskCount: 2,
	}
}

// pauseHook is a PAUSE hook awaiting action that times out at expires with
// action.
func pauseHook(id string, action ecstypes.DeploymentLifecycleHookAction, expires time.Time) ecstypes.DeploymentLifecycleHookDetail {
	return ecstypes.DeploymentLifecycleHookDetail{
		HookId: aws.String(id), TargetType: ecstypes.DeploymentLifecycleHookTargetTypePause,
		Status: ecstypes.DeploymentLifecycleHookStatusAwaitingAction, TimeoutAction: action, ExpiresAt: aws.Time(expires),
	}
}

// runWaitService follows the simulated deployment with WaitService on the
// fake clock and checks what every run must hold: no silence longer than
// ProgressEvery, and no progress line without its stamp.
func runWaitService(t *testing.T, ctx context.Context, s *simECS, opts Options) (Result, error, string) {
	t.Helper()
	var out syncBuilder
	opts.Out = &out
	opts.Clock = s.clock
	res, err := WaitService(ctx, s, s.arn, opts)
	text := out.String()
	t.Logf("progress:\n%s", text)
	every := opts.ProgressEvery
	if every == 0 {
		every = DefaultProgressEvery
	}
	stamps := lineStamps(t, text)
	for i := 1; i < len(stamps); i++ {
		if gap := stamps[i] - stamps[i-1]; gap > every {
			t.Fatalf("silence of %s between progress lines %d and %d exceeds %s:\n%s", gap, i, i+1, every, text)
		}
	}
	return res, err, text
}

// syncBuilder is a strings.Builder safe for the waiter's one writer and the
// test reading it afterwards.
type syncBuilder struct {
	mu sync.Mutex
	b  []byte
}

func (b *syncBuilder) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b = append(b.b, p...)
	return len(p), nil
}

func (b *syncBuilder) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.b)
}

func (s simStop) String() string {
	return fmt.Sprintf("%s at +%s (was %s %s)", s.Type, s.At, s.Before.Status, s.Before.LifecycleStage)
}
