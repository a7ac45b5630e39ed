package deploy

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// The property tests draw random deployments and histories from a seed.
// By default they run a fixed seed and a few hundred cases, in well under
// a second; -property.cases (or ECS_PROPERTY_CASES) runs more, and
// -property.seed (or ECS_PROPERTY_SEED) another seed, e.g.
//
//	go test ./deploy/ -run Property -property.cases 20000 -property.seed 7
var (
	propertyCases = flag.Int("property.cases", envInt("ECS_PROPERTY_CASES", 300), "random cases per property test")
	propertySeed  = flag.Int64("property.seed", int64(envInt("ECS_PROPERTY_SEED", 20261205)), "seed of the property tests")
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// hookable are the stages where a PAUSE hook may hold a deployment.
var hookable = map[ecstypes.ServiceDeploymentLifecycleStage]bool{
	ecstypes.ServiceDeploymentLifecycleStagePreScaleUp:                 true,
	ecstypes.ServiceDeploymentLifecycleStagePostScaleUp:                true,
	ecstypes.ServiceDeploymentLifecycleStagePostTestTrafficShift:       true,
	ecsdeploy.StagePreProductionTrafficShift:                           true,
	ecstypes.ServiceDeploymentLifecycleStagePostProductionTrafficShift: true,
}

// genDeployment is a random service deployment's whole timeline: the
// stages of a blue/green, linear or canary plan with random durations,
// PAUSE hooks (continued in time, or timing out with ROLLBACK or
// CONTINUE), an automatic rollback (alarm) that may itself fail, and a stop
// someone else requests.
type genDeployment struct {
	r      *rand.Rand
	start  time.Time
	at     time.Duration
	states []simState
	hooks  []ecstypes.DeploymentLifecycleHookDetail
	prod   float64
	stage  ecstypes.ServiceDeploymentLifecycleStage
	ended  bool
	n      int
}

func (g *genDeployment) emit(status ecstypes.ServiceDeploymentStatus) {
	d := sd(status, g.stage, g.prod, append([]ecstypes.DeploymentLifecycleHookDetail(nil), g.hooks...)...)
	g.states = append(g.states, simState{At: g.at, D: d})
}

// rollBack ends the timeline with ECS rolling the deployment back; the
// rollback fails one time in four.
func (g *genDeployment) rollBack() {
	g.prod = 0
	g.emit(ecstypes.ServiceDeploymentStatusRollbackInProgress)
	g.at += time.Duration(20+g.r.Intn(60)) * time.Second
	end := ecstypes.ServiceDeploymentStatusRollbackSuccessful
	if g.r.Intn(4) == 0 {
		end = ecstypes.ServiceDeploymentStatusRollbackFailed
	}
	g.emit(end)
	g.ended = true
}

// enter moves to stage with production weight prod, lasting a random
// while, with a random PAUSE hook where one may hold.
func (g *genDeployment) enter(stage ecstypes.ServiceDeploymentLifecycleStage, prod float64) {
	if g.ended {
		return
	}
	g.stage, g.prod = stage, prod
	switch g.r.Intn(30) {
	case 0: // an alarm
		g.rollBack()
		return
	case 1: // someone stops it without rollback
		g.emit(ecstypes.ServiceDeploymentStatusStopRequested)
		g.at += time.Duration(5+g.r.Intn(30)) * time.Second
		g.emit(ecstypes.ServiceDeploymentStatusStopped)
		g.ended = true
		return
	}
	g.emit(ecstypes.ServiceDeploymentStatusInProgress)
	if hookable[stage] && g.r.Intn(4) == 0 {
		g.n++
		action := hookRollBck
		if g.r.Intn(2) == 0 {
			action = hookCont
		}
		timeout := time.Duration(1+g.r.Intn(20)) * time.Minute
		h := pauseHook(fmt.Sprintf("hook-%d", g.n), action, g.start.Add(g.at+timeout))
		g.hooks = append(g.hooks, h)
		g.emit(ecstypes.ServiceDeploymentStatusInProgress)
		i := len(g.hooks) - 1
		if cont := time.Duration(g.r.Intn(30)) * time.Minute; cont < timeout {
			g.at += cont
			g.hooks[i].Status = ecstypes.DeploymentLifecycleHookStatusSucceeded
		} else {
			g.at += timeout
			g.hooks[i].Status = ecstypes.DeploymentLifecycleHookStatusTimedOut
			if action == hookRollBck {
				g.rollBack()
				return
			}
		}
		g.emit(ecstypes.ServiceDeploymentStatusInProgress)
	}
	g.at += time.Duration(g.r.Intn(90)) * time.Second
}

func genTimeline(r *rand.Rand, start time.Time) []simState {
	g := &genDeployment{r: r, start: start}
	for _, st := range []ecstypes.ServiceDeploymentLifecycleStage{
		ecstypes.ServiceDeploymentLifecycleStageReconcileService, ecstypes.ServiceDeploymentLifecycleStagePreScaleUp,
		ecstypes.ServiceDeploymentLifecycleStageScaleUp, ecstypes.ServiceDeploymentLifecycleStagePostScaleUp,
		ecstypes.ServiceDeploymentLifecycleStageTestTrafficShift, postTest,
	} {
		g.enter(st, 0)
	}
	var weights []float64
	switch r.Intn(3) {
	case 0:
		weights = []float64{100}
	case 1:
		weights = []float64{float64(1 + r.Intn(50)), 100}
	default:
		step := float64(10 + r.Intn(40))
		for w := step; w < 100; w += step {
			weights = append(weights, w)
		}
		weights = append(weights, 100)
	}
	prev := 0.0
	for i, w := range weights {
		g.enter(ecsdeploy.StagePreProductionTrafficShift, prev)
		g.enter(prodShift, w)
		g.enter(postProd, w)
		if i < len(weights)-1 {
			g.enter(prodShift, w) // the step's bake
		}
		prev = w
	}
	g.enter(bakeTime, 100)
	g.enter(ecstypes.ServiceDeploymentLifecycleStageCleanUp, 100)
	if !g.ended {
		g.emit(ecstypes.ServiceDeploymentStatusSuccessful)
	}
	return g.states
}

// truth is the simulated deployment at offset off, with the sim's lock.
func (s *simECS) truth(off time.Duration) ecstypes.ServiceDeployment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at(off)
}

// shiftedForGood: production fully on green with nothing that may undo it.
func shiftedForGood(d ecstypes.ServiceDeployment) bool {
	return ecsdeploy.Moved(d) && !ecsdeploy.Holding(d)
}

// TestPropertyWaiterNeverUndoesAShiftNorStopsARollback follows random
// deployments with random poll timings, timeouts, checkpoints, read
// failures and read latency, as a release or as a rollback's redeployment,
// and checks on every run:
//   - no StopServiceDeployment reaches a deployment whose production
//     traffic is fully shifted with nothing awaiting (judged on the state
//     the waiter last read, which is what it can know), nor one that is
//     rolling back or being stopped;
//   - a rollback's redeployment is never stopped;
//   - success is claimed (nil error) only for a SUCCESSFUL deployment, a
//     checkpoint the deployment reached, or a shift nothing can undo;
//   - ErrFailed only for a deployment that ended other than SUCCESSFUL.
func TestPropertyWaiterNeverUndoesAShiftNorStopsARollback(t *testing.T) {
	r := rand.New(rand.NewSource(*propertySeed))
	checkpoints := []string{"deployed", "deployed", "traffic-shifted", "POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME"}
	for i := 0; i < *propertyCases; i++ {
		clock := newFakeClock()
		s := newSimECS(t, clock, genTimeline(r, clock.start)...)
		if r.Intn(3) == 0 {
			from := time.Duration(r.Intn(1800)) * time.Second
			s.failReads = []simWindow{{From: from, To: from + time.Duration(r.Intn(40))*time.Second}}
		}
		if r.Intn(2) == 0 {
			s.latency = time.Duration(r.Intn(3000)) * time.Millisecond
		}
		every := time.Duration(5+r.Intn(11)) * time.Second
		opts := Options{
			PollInterval:  time.Duration(1+r.Intn(int(every/time.Second))) * time.Second,
			ProgressEvery: every,
			Timeout:       time.Duration(1+r.Intn(40)) * time.Minute,
			StopGrace:     time.Duration(r.Intn(90)) * time.Second,
			Until:         checkpoint(t, checkpoints[r.Intn(len(checkpoints))]),
		}
		redeploy := r.Intn(4) == 0
		name := fmt.Sprintf("case %d (seed %d): poll %s, timeout %s, until %s, redeploy %v, latency %s, failing reads %v",
			i, *propertySeed, opts.PollInterval, opts.Timeout, opts.Until, redeploy, s.latency, s.failReads)
		var out syncBuilder
		opts.Out, opts.Clock = &out, clock
		log := &readLog{simECS: s}
		var res Result
		var err error
		if redeploy {
			res, err = WaitServiceRedeploy(context.Background(), log, s.arn, opts)
		} else {
			res, err = WaitService(context.Background(), log, s.arn, opts)
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("%s: %s\nerr: %v\nprogress:\n%s", name, fmt.Sprintf(format, args...), err, out.String())
		}
		for _, stop := range s.stopCalls() {
			seen := s.truth(log.before(stop.At))
			if s.latency == 0 {
				seen = stop.Before
			}
			switch {
			case redeploy:
				fail("a rollback's redeployment was stopped: %v", stop)
			case shiftedForGood(seen):
				fail("stopped with rollback a deployment fully shifted with nothing awaiting: %v", stop)
			case seen.Status != ecstypes.ServiceDeploymentStatusInProgress && seen.Status != ecstypes.ServiceDeploymentStatusPending:
				fail("stopped a deployment that was %s: %v", seen.Status, stop)
			}
		}
		// Never silent for longer than ProgressEvery (plus one read's
		// latency: a line is printed when the read returns).
		stamps := lineStamps(t, out.String())
		for k := 1; k < len(stamps); k++ {
			if gap := stamps[k] - stamps[k-1]; gap > opts.ProgressEvery+s.latency.Round(time.Second)+time.Second {
				fail("silence of %s between progress lines %d and %d", gap, k, k+1)
			}
		}
		end := s.truth(clock.offset())
		switch {
		case err == nil && res.LeftRunning:
			if seen := s.truth(log.before(clock.offset() + 1)); !shiftedForGood(seen) {
				fail("left running as shifted, but the last read saw %s %s at %g%% with hooks %+v", seen.Status, seen.LifecycleStage, aws.ToFloat64(seen.TargetServiceRevision.RequestedProductionTrafficWeight), seen.LifecycleHookDetails)
			}
		case err == nil && res.Checkpoint != "":
			if seen := s.truth(log.before(clock.offset() + 1)); !ecsdeploy.Reached(seen, opts.Until) {
				fail("checkpoint %s claimed, but the last read saw %s %s", res.Checkpoint, seen.Status, seen.LifecycleStage)
			}
		case err == nil:
			if end.Status != ecstypes.ServiceDeploymentStatusSuccessful {
				fail("success claimed for a deployment that is %s", end.Status)
			}
		case errors.Is(err, ErrFailed):
			if !ecsdeploy.Judge(end).Done() || end.Status == ecstypes.ServiceDeploymentStatusSuccessful {
				fail("ErrFailed for a deployment that is %s", end.Status)
			}
		case errors.Is(err, ErrTimedOut), errors.Is(err, ErrLostTrack):
		default:
			fail("unexpected error")
		}
	}
}

// readLog records when each successful read began, so a property can judge
// the waiter by what it could know.
type readLog struct {
	*simECS
	starts []time.Duration
}

func (l *readLog) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, opt ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	off := l.clock.offset()
	out, err := l.simECS.DescribeServiceDeployments(ctx, in, opt...)
	if err == nil {
		l.starts = append(l.starts, off)
	}
	return out, err
}

// before is when the last successful read that began before off began.
func (l *readLog) before(off time.Duration) time.Duration {
	last := time.Duration(0)
	for _, s := range l.starts {
		if s < off {
			last = s
		}
	}
	return last
}
