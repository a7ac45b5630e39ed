package ecsdeploy

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// firsts follows a deployment on the stand-in, 15 s at a time, and returns
// the simulated time at which each checkpoint was first reached and the
// final outcome.
func firsts(t *testing.T, e *ecsfake.Env, arn string, checkpoints ...Checkpoint) (map[Checkpoint]time.Duration, Outcome) {
	t.Helper()
	start := e.Clock.Now()
	at := map[Checkpoint]time.Duration{}
	for e.Clock.Now().Sub(start) < 2*time.Hour {
		d := e.Deployment(t, arn)
		for _, c := range checkpoints {
			if _, seen := at[c]; !seen && Reached(d, c) {
				at[c] = e.Clock.Now().Sub(start)
			}
		}
		if o := Judge(d); o.Done() {
			return at, o
		}
		e.Clock.Advance(15 * time.Second)
	}
	t.Fatal("deployment did not end within two simulated hours")
	return nil, ""
}

// TestCheckpointsOnACanary follows a canary (10 %, 5 min, then a 10 min
// bake) on the ECS stand-in through the real SDK: traffic-shifted comes
// after the canary bake and before the bake time, deployed at the end.
func TestCheckpointsOnACanary(t *testing.T) {
	e := ecsfake.NewEnv(t)
	e.CreateService(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(10),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)}})
	arn := e.Deploy(t)
	testShift, _ := ParseCheckpoint("test-traffic-shift")
	at, outcome := firsts(t, e, arn, testShift, TrafficShifted, Deployed)
	if outcome != Succeeded {
		t.Fatalf("outcome %s", outcome)
	}
	// Test traffic after 15 s pending, 15 s reconcile and 1 min scale-up;
	// all production after a 15 s test shift, a 15 s canary shift, the 5 min
	// canary bake and a 15 s shift; the end after the 10 min bake and 1 min
	// clean-up.
	want := map[Checkpoint]time.Duration{
		testShift:      90 * time.Second,
		TrafficShifted: 7*time.Minute + 15*time.Second,
		Deployed:       18*time.Minute + 15*time.Second,
	}
	for c, w := range want {
		if at[c] != w {
			t.Errorf("%s first reached at +%s, want +%s", c, at[c], w)
		}
	}
}

// TestRolledBackNeverReaches: an alarm during the canary rolls the
// deployment back; the release judges it a failure and no checkpoint is
// ever reached.
func TestRolledBackNeverReaches(t *testing.T) {
	e := ecsfake.NewEnv(t)
	e.CreateService(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(10),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)},
		Alarms:              &types.DeploymentAlarms{AlarmNames: []string{"green-5xx"}, Enable: true, Rollback: true}})
	arn := e.Deploy(t)
	e.Clock.Advance(3 * time.Minute) // into the canary bake
	e.Server.SetAlarm("green-5xx", true)
	at, outcome := firsts(t, e, arn, TrafficShifted, Deployed)
	if outcome != RolledBack || len(at) != 0 {
		t.Fatalf("outcome %s, checkpoints reached %v; want rolled-back and none", outcome, at)
	}
}
