package ecsdeploy

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func deployment(status types.ServiceDeploymentStatus, stage types.ServiceDeploymentLifecycleStage, production float64, hooks ...types.DeploymentLifecycleHookStatus) types.ServiceDeployment {
	d := types.ServiceDeployment{Status: status, LifecycleStage: stage,
		TargetServiceRevision: &types.ServiceRevisionSummary{RequestedProductionTrafficWeight: aws.Float64(production), RequestedTestTrafficWeight: aws.Float64(100)}}
	for i, h := range hooks {
		d.LifecycleHookDetails = append(d.LifecycleHookDetails, types.DeploymentLifecycleHookDetail{HookId: aws.String("hook-" + string(rune('a'+i))), Status: h})
	}
	return d
}

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		d    types.ServiceDeployment
		want Outcome
	}{
		{deployment(types.ServiceDeploymentStatusPending, "", 0), Running},
		{deployment(types.ServiceDeploymentStatusInProgress, types.ServiceDeploymentLifecycleStageBakeTime, 100), Running},
		{deployment(types.ServiceDeploymentStatusInProgress, types.ServiceDeploymentLifecycleStagePostTestTrafficShift, 0,
			types.DeploymentLifecycleHookStatusSucceeded, types.DeploymentLifecycleHookStatusAwaitingAction), AwaitingAction},
		{deployment(types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentLifecycleStageBakeTime, 100), Running},
		{deployment(types.ServiceDeploymentStatusRollbackInProgress, types.ServiceDeploymentLifecycleStageBakeTime, 0), Running},
		{deployment(types.ServiceDeploymentStatusStopRequested, types.ServiceDeploymentLifecycleStageBakeTime, 100), Running},
		{deployment(types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentLifecycleStageCleanUp, 100), Succeeded},
		{deployment(types.ServiceDeploymentStatusRollbackSuccessful, types.ServiceDeploymentLifecycleStageBakeTime, 0), RolledBack},
		{deployment(types.ServiceDeploymentStatusRollbackFailed, "", 0), RollbackFailed},
		{deployment(types.ServiceDeploymentStatusStopped, "", 0), Stopped},
	} {
		if got := Judge(tc.d); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.d.Status, tc.d.LifecycleStage, got, tc.want)
		}
		if done := tc.want == Succeeded || tc.want == RolledBack || tc.want == RollbackFailed || tc.want == Stopped; Judge(tc.d).Done() != done {
			t.Errorf("%s: Done() = %v", tc.want, !done)
		}
	}
	d := deployment(types.ServiceDeploymentStatusInProgress, types.ServiceDeploymentLifecycleStagePostScaleUp, 0,
		types.DeploymentLifecycleHookStatusAwaitingAction, types.DeploymentLifecycleHookStatusSucceeded, types.DeploymentLifecycleHookStatusAwaitingAction)
	if ids := AwaitingHooks(d); !slices.Equal(ids, []string{"hook-a", "hook-c"}) {
		t.Errorf("AwaitingHooks = %v", ids)
	}
}

func TestParseCheckpoint(t *testing.T) {
	for in, want := range map[string]string{
		"": "deployed", "deployed": "deployed", "Traffic-Shifted": "traffic-shifted", "traffic_shifted": "traffic-shifted",
		"bake-time": "BAKE_TIME", "POST_TEST_TRAFFIC_SHIFT": "POST_TEST_TRAFFIC_SHIFT", " test-traffic-shift ": "TEST_TRAFFIC_SHIFT",
	} {
		c, err := ParseCheckpoint(in)
		if err != nil || c.String() != want {
			t.Errorf("ParseCheckpoint(%q) = %s, %v; want %s", in, c, err, want)
		}
	}
	_, err := ParseCheckpoint("shifted")
	if err == nil || !strings.Contains(err.Error(), `wait-until "shifted" is not a checkpoint; want one of deployed, traffic-shifted, RECONCILE_SERVICE`) {
		t.Fatalf("err = %v", err)
	}
	// PRE_PRODUCTION_TRAFFIC_SHIFT is a lifecycle stage the SDK's enum
	// lacks; it is accepted, between POST_TEST_TRAFFIC_SHIFT and
	// PRODUCTION_TRAFFIC_SHIFT.
	pre, err := ParseCheckpoint("pre-production-traffic-shift")
	if err != nil || pre.String() != "PRE_PRODUCTION_TRAFFIC_SHIFT" {
		t.Fatalf("PRE_PRODUCTION_TRAFFIC_SHIFT: %s, %v", pre, err)
	}
	if i := slices.Index(Stages, StagePreProductionTrafficShift); i < 0 || Stages[i-1] != types.ServiceDeploymentLifecycleStagePostTestTrafficShift || Stages[i+1] != types.ServiceDeploymentLifecycleStageProductionTrafficShift {
		t.Fatalf("stages in order: %v", Stages)
	}
}

func TestReached(t *testing.T) {
	bake, _ := ParseCheckpoint("BAKE_TIME")
	testShift, _ := ParseCheckpoint("TEST_TRAFFIC_SHIFT")
	in := types.ServiceDeploymentStatusInProgress
	for _, tc := range []struct {
		d    types.ServiceDeployment
		c    Checkpoint
		want bool
	}{
		{deployment(in, types.ServiceDeploymentLifecycleStageBakeTime, 100), Deployed, false},
		{deployment(types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentLifecycleStageCleanUp, 100), Deployed, true},
		{deployment(in, types.ServiceDeploymentLifecycleStageProductionTrafficShift, 10), TrafficShifted, false},
		{deployment(in, types.ServiceDeploymentLifecycleStagePostProductionTrafficShift, 10), TrafficShifted, false}, // a canary step
		{deployment(in, types.ServiceDeploymentLifecycleStageProductionTrafficShift, 100), TrafficShifted, false},    // still shifting
		{deployment(in, types.ServiceDeploymentLifecycleStagePostProductionTrafficShift, 100), TrafficShifted, true},
		{deployment(in, types.ServiceDeploymentLifecycleStageBakeTime, 100), TrafficShifted, true},
		{deployment(types.ServiceDeploymentStatusRollbackInProgress, types.ServiceDeploymentLifecycleStageBakeTime, 0), TrafficShifted, false},
		{deployment(in, types.ServiceDeploymentLifecycleStageScaleUp, 0), testShift, false},
		{deployment(in, types.ServiceDeploymentLifecycleStagePostTestTrafficShift, 0), testShift, true},
		{deployment(in, types.ServiceDeploymentLifecycleStageProductionTrafficShift, 50), bake, false},
		{deployment(types.ServiceDeploymentStatusPending, "", 0), testShift, false},
		{deployment(types.ServiceDeploymentStatusStopped, types.ServiceDeploymentLifecycleStageCleanUp, 100), bake, false},
	} {
		if got := Reached(tc.d, tc.c); got != tc.want {
			t.Errorf("Reached(%s %s %v, %s) = %v", tc.d.Status, tc.d.LifecycleStage, aws.ToFloat64(tc.d.TargetServiceRevision.RequestedProductionTrafficWeight), tc.c, got)
		}
	}
}
