package config

import (
	"strings"
	"testing"
)

func TestShiftsAndStepWaits(t *testing.T) {
	for _, tc := range []struct {
		d             ECSDeployment
		shifts, waits int
	}{
		{ECSDeployment{Strategy: StrategyBlueGreen}, 1, 0},
		{ECSDeployment{Strategy: StrategyCanary, Percent: 10}, 2, 1},
		{ECSDeployment{Strategy: StrategyLinear, Percent: 10}, 10, 9},
		{ECSDeployment{Strategy: StrategyLinear, Percent: 33.3}, 4, 3},
		{ECSDeployment{Strategy: StrategyLinear, Percent: 12.5}, 8, 7},
		{ECSDeployment{Strategy: StrategyLinear, Percent: 3}, 34, 33},
		{ECSDeployment{Strategy: StrategyLinear, Percent: 100}, 1, 0},
	} {
		if s, w := tc.d.Shifts(), tc.d.StepWaits(); s != tc.shifts || w != tc.waits {
			t.Errorf("%s %g%%: %d shifts, %d waits; want %d, %d", tc.d.Strategy, tc.d.Percent, s, w, tc.shifts, tc.waits)
		}
	}
}

func TestPreProductionHookPerStep(t *testing.T) {
	canary := map[string]any{"deploymentMode": "ecs", "deploymentConfig": "CANARY_10PERCENT_5MINUTES", "pauseStages": "PRE_PRODUCTION_TRAFFIC_SHIFT", "pauseTimeoutMinutes": 10}
	_, err := Load(ctx(canary), noEnv)
	if err == nil || !strings.Contains(err.Error(), `preProductionHookPerStep (not set): true to accept that a hook at PRE_PRODUCTION_TRAFFIC_SHIFT runs before every traffic step of a CANARY deployment (2 times here`) {
		t.Fatalf("pause before every canary step: %v", err)
	}
	lambda := map[string]any{"deploymentMode": "ecs", "deploymentConfig": "LINEAR_10PERCENT_EVERY_1MINUTES",
		"hookLambdas": "PRE_PRODUCTION_TRAFFIC_SHIFT=arn:aws:lambda:us-east-1:123456789012:function:smoke"}
	if _, err := Load(ctx(lambda), noEnv); err == nil || !strings.Contains(err.Error(), "LINEAR deployment (10 times here") {
		t.Fatalf("Lambda before every linear step: %v", err)
	}
	canary["preProductionHookPerStep"] = true
	if _, err := Load(ctx(canary), noEnv); err != nil {
		t.Fatalf("accepted per step: %v", err)
	}
	lambda["preProductionHookPerStep"] = "true"
	if _, err := Load(ctx(lambda), noEnv); err != nil {
		t.Fatalf("accepted per step: %v", err)
	}
	// Blue/green shifts once: the hook runs once.
	if _, err := Load(ctx(map[string]any{"deploymentMode": "ecs", "pauseStages": "PRE_PRODUCTION_TRAFFIC_SHIFT", "pauseTimeoutMinutes": 30}), noEnv); err != nil {
		t.Fatalf("blue/green: %v", err)
	}
	if _, err := Load(ctx(map[string]any{"preProductionHookPerStep": true}), noEnv); err == nil || !strings.Contains(err.Error(), "preProductionHookPerStep") {
		t.Fatalf("codedeploy mode: %v", err)
	}
}

// With a pipeline, a deployment that can outlast the ECS deploy action is
// refused with the arithmetic.
func TestPipelineDeploymentLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  map[string]any
		want string // "" = accepted
	}{
		{"canary, bake and one pause", map[string]any{"deploymentConfig": "CANARY_10PERCENT_5MINUTES", "terminationWaitMinutes": 30,
			"pauseStages": "POST_TEST_TRAFFIC_SHIFT", "pauseTimeoutMinutes": 30},
			"1 step wait(s) × 5 min + pause at POST_TEST_TRAFFIC_SHIFT 30 min + bake 30 min = 65 min"},
		{"the same, one minute shorter", map[string]any{"deploymentConfig": "CANARY_10PERCENT_5MINUTES", "terminationWaitMinutes": 30,
			"pauseStages": "POST_TEST_TRAFFIC_SHIFT", "pauseTimeoutMinutes": 25}, ""},
		{"a pause before every linear step", map[string]any{"deploymentConfig": "LINEAR_10PERCENT_EVERY_1MINUTES",
			"pauseStages": "PRE_PRODUCTION_TRAFFIC_SHIFT", "pauseTimeoutMinutes": 5, "preProductionHookPerStep": true},
			"9 step wait(s) × 1 min + pause at PRE_PRODUCTION_TRAFFIC_SHIFT 10 × 5 min + bake 5 min = 64 min"},
		{"a long bake", map[string]any{"terminationWaitMinutes": 61}, "bake 61 min = 61 min"},
		{"a long bake without a pipeline", map[string]any{"terminationWaitMinutes": 600, "pipeline": false}, ""},
		{"the default pause timeout", map[string]any{"pauseStages": "POST_SCALE_UP"}, "pause at POST_SCALE_UP 1440 min + bake 5 min = 1445 min"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.ctx["deploymentMode"] = "ecs"
			_, err := Load(ctx(tc.ctx), noEnv)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), `pipeline "true": expected false, or a deployment that fits the pipeline's ECS deploy action (at most 60 min`) ||
				!strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %q", err, tc.want)
			}
		})
	}
	// Other modes have no such limit (CodeDeploy's action follows its own deployment).
	if _, err := Load(ctx(map[string]any{"terminationWaitMinutes": 600}), noEnv); err != nil {
		t.Fatal(err)
	}
}
