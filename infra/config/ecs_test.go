package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestECSStrategyMapping(t *testing.T) {
	for _, tc := range []struct {
		ctx  map[string]any
		want ECSDeployment
	}{
		{map[string]any{}, ECSDeployment{Strategy: StrategyBlueGreen, BakeMinutes: 5}},
		{map[string]any{"deploymentConfig": "CANARY_10PERCENT_15MINUTES", "terminationWaitMinutes": 30}, ECSDeployment{Strategy: StrategyCanary, Percent: 10, StepMinutes: 15, BakeMinutes: 30}},
		{map[string]any{"deploymentConfig": "LINEAR_10PERCENT_EVERY_3MINUTES", "terminationWaitMinutes": 0}, ECSDeployment{Strategy: StrategyLinear, Percent: 10, StepMinutes: 3}},
		{map[string]any{"deploymentConfig": "CUSTOM_CANARY", "trafficPercent": "2.5", "trafficMinutes": 0}, ECSDeployment{Strategy: StrategyCanary, Percent: 2.5, BakeMinutes: 5}},
		{map[string]any{"deploymentConfig": "CUSTOM_LINEAR", "trafficPercent": 33.3, "trafficMinutes": "600", "pipeline": false}, ECSDeployment{Strategy: StrategyLinear, Percent: 33.3, StepMinutes: 600, BakeMinutes: 5}},
	} {
		tc.ctx["deploymentMode"] = "ecs"
		c, err := Load(ctx(tc.ctx), noEnv)
		if err != nil {
			t.Fatalf("%v: %v", tc.ctx, err)
		}
		tc.want.PauseTimeoutMinutes, tc.want.PauseTimeoutAction = 1440, "ROLLBACK"
		if got := c.ECS; got.Strategy != tc.want.Strategy || got.Percent != tc.want.Percent || got.StepMinutes != tc.want.StepMinutes ||
			got.BakeMinutes != tc.want.BakeMinutes || got.PauseTimeoutMinutes != 1440 || got.PauseTimeoutAction != "ROLLBACK" {
			t.Errorf("%v: ECS = %+v, want %+v", tc.ctx, got, tc.want)
		}
		if c.Mode != ModeECS {
			t.Errorf("mode = %s", c.Mode)
		}
	}
}

func TestECSHooks(t *testing.T) {
	smoke := "arn:aws:lambda:us-east-1:123456789012:function:smoke"
	c, err := Load(ctx(map[string]any{
		"deploymentMode": "ecs",
		"hookLambdas":    "POST_TEST_TRAFFIC_SHIFT=" + smoke + ", PRE_PRODUCTION_TRAFFIC_SHIFT=" + smoke + ":live",
		"pauseStages":    "POST_TEST_TRAFFIC_SHIFT,POST_PRODUCTION_TRAFFIC_SHIFT", "pauseTimeoutMinutes": 60, "pauseTimeoutAction": "CONTINUE",
		"pipeline": false,
	}), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := []LambdaHook{{"POST_TEST_TRAFFIC_SHIFT", smoke}, {"PRE_PRODUCTION_TRAFFIC_SHIFT", smoke + ":live"}}
	if !slices.Equal(c.ECS.LambdaHooks, want) || !slices.Equal(c.ECS.PauseStages, []string{"POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"}) ||
		c.ECS.PauseTimeoutMinutes != 60 || c.ECS.PauseTimeoutAction != "CONTINUE" {
		t.Fatalf("hooks = %+v", c.ECS)
	}
}

// TestECSProblemsAllAtOnce gives one configuration with every ecs-mode
// mistake and expects each one named, with its value and what is accepted.
func TestECSProblemsAllAtOnce(t *testing.T) {
	_, err := Load(ctx(map[string]any{
		"deploymentMode": "ecs", "deploymentConfig": "CUSTOM_LINEAR", "trafficPercent": "2.5", "trafficMinutes": 1441,
		"terminationWaitMinutes": 2000, "afterAllowTestTrafficHook": "smoke",
		"hookLambdas":         "BEFORE_INSTALL=arn:aws:lambda:us-east-1:123456789012:function:a,POST_SCALE_UP=smoke,POST_SCALE_UP",
		"pauseStages":         "PRODUCTION_TRAFFIC_SHIFT,POST_SCALE_UP,POST_SCALE_UP",
		"pauseTimeoutMinutes": 20161, "pauseTimeoutAction": "WAIT", "pipeline": false,
	}), noEnv)
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v, want *Errors", err)
	}
	for _, want := range []string{
		`trafficPercent "2.5": expected a percentage from 3 to 100 in steps of 0.1`,
		`trafficMinutes "1441": expected a whole number from 0 to 1440`,
		`terminationWaitMinutes "2000": expected a whole number from 0 to 1440 with deploymentMode=ecs`,
		`afterAllowTestTrafficHook "smoke"`, "hookLambdas=POST_TEST_TRAFFIC_SHIFT=<function ARN>",
		`hookLambdas "BEFORE_INSTALL=arn:aws:lambda:us-east-1:123456789012:function:a": expected a stage among RECONCILE_SERVICE`,
		`hookLambdas "POST_SCALE_UP=smoke": expected a Lambda function ARN`,
		`hookLambdas "POST_SCALE_UP": expected STAGE=arn:aws:lambda`,
		`pauseStages "PRODUCTION_TRAFFIC_SHIFT": expected stages among RECONCILE_SERVICE, PRE_SCALE_UP, POST_SCALE_UP, POST_TEST_TRAFFIC_SHIFT, PRE_PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT (no PAUSE where ECS moves traffic)`,
		`pauseStages "POST_SCALE_UP": expected each stage once`,
		`pauseTimeoutMinutes "20161": expected a whole number from 1 to 20160`,
		`pauseTimeoutAction "WAIT": expected CONTINUE or ROLLBACK`,
		`trafficMinutes+terminationWaitMinutes "33×1441+2000": expected step waits and bake time adding up to at most 1980 minutes (33 h)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
	if errs.Len() != 12 {
		t.Errorf("%d problems, want 12:\n%s", errs.Len(), err)
	}
}

func TestECSCanaryBakesLimited(t *testing.T) {
	_, err := Load(ctx(map[string]any{"deploymentMode": "ecs", "deploymentConfig": "CUSTOM_CANARY", "trafficPercent": 0.1, "trafficMinutes": 1000, "terminationWaitMinutes": 1000}), noEnv)
	if err == nil || !strings.Contains(err.Error(), `trafficMinutes+terminationWaitMinutes "1000+1000": expected canary bake and bake time adding up to at most 1980 minutes (33 h)`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Load(ctx(map[string]any{"deploymentMode": "ecs", "deploymentConfig": "CUSTOM_CANARY", "trafficPercent": 0.1, "trafficMinutes": 980, "terminationWaitMinutes": 1000, "pipeline": false}), noEnv); err != nil {
		t.Fatalf("1980 minutes in all: %v", err)
	}
}

func TestECSKeysRefusedInOtherModes(t *testing.T) {
	for _, mode := range []string{"codedeploy", "hook"} {
		_, err := Load(ctx(map[string]any{"deploymentMode": mode, "pauseStages": "POST_SCALE_UP", "hookLambdas": "x"}), noEnv)
		if err == nil || !strings.Contains(err.Error(), `pauseStages "POST_SCALE_UP": expected unset unless deploymentMode=ecs`) ||
			!strings.Contains(err.Error(), `hookLambdas "x": expected unset unless deploymentMode=ecs`) {
			t.Errorf("%s: err = %v", mode, err)
		}
	}
}
