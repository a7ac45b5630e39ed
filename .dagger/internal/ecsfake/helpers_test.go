package ecsfake_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// env is the package's Env with the tests' own helpers.
type env struct{ *ecsfake.Env }

func newEnv(t *testing.T) *env { t.Helper(); return &env{ecsfake.NewEnv(t)} }

// line is a one-line view of a deployment, as a waiter would print it.
func line(d types.ServiceDeployment) string {
	s := string(d.Status)
	if d.LifecycleStage != "" {
		s += " " + string(d.LifecycleStage)
	}
	if tr := d.TargetServiceRevision; tr != nil {
		s += fmt.Sprintf(" prod=%g%% test=%g%% tasks=%d/%d", aws.ToFloat64(tr.RequestedProductionTrafficWeight), aws.ToFloat64(tr.RequestedTestTrafficWeight), tr.RunningTaskCount, tr.RequestedTaskCount)
	}
	for _, h := range d.LifecycleHookDetails {
		s += fmt.Sprintf(" hook=%s:%s", h.TargetType, h.Status)
	}
	return s
}

func terminal(s types.ServiceDeploymentStatus) bool {
	switch s {
	case types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentStatusStopped,
		types.ServiceDeploymentStatusRollbackSuccessful, types.ServiceDeploymentStatusRollbackFailed:
		return true
	}
	return false
}

// follow advances the clock in steps of tick and records each change of the
// deployment's line (with the simulated minute), until stop says so or the
// deployment ends; it gives up after limit.
func (e *env) follow(t *testing.T, arn string, tick, limit time.Duration, stop func(types.ServiceDeployment) bool) ([]string, types.ServiceDeployment) {
	t.Helper()
	start := e.Clock.Now()
	var lines []string
	last := ""
	for {
		d := e.Deployment(t, arn)
		if l := line(d); l != last {
			lines = append(lines, fmt.Sprintf("+%s %s", e.Clock.Now().Sub(start), l))
			t.Log(lines[len(lines)-1])
			last = l
		}
		if terminal(d.Status) || (stop != nil && stop(d)) {
			return lines, d
		}
		if e.Clock.Now().Sub(start) > limit {
			t.Fatalf("deployment still %s after %s:\n%v", d.Status, limit, lines)
		}
		e.Clock.Advance(tick)
	}
}

// productionWeights lists the distinct production weights in lines' order.
func productionWeights(t *testing.T, e *env, arn string, tick, limit time.Duration) ([]float64, types.ServiceDeployment) {
	t.Helper()
	var weights []float64
	_, final := e.follow(t, arn, tick, limit, func(d types.ServiceDeployment) bool {
		w := aws.ToFloat64(d.TargetServiceRevision.RequestedProductionTrafficWeight)
		if len(weights) == 0 || weights[len(weights)-1] != w {
			weights = append(weights, w)
		}
		return false
	})
	return weights, final
}
