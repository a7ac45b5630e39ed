package config

import (
	"strings"
	"testing"
)

const liveTD = "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:42"

func TestLiveServiceKeys(t *testing.T) {
	image := "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("a", 64)
	c, err := Load(ctx(map[string]any{"liveTaskDefinition": liveTD, "liveImage": image, "liveDeploymentMode": "codedeploy"}), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Live.TaskDefinition != liveTD || c.Live.Image != image {
		t.Fatalf("live %+v", c.Live)
	}
	_, err = Load(ctx(map[string]any{"liveTaskDefinition": "webapp:42", "liveImage": "a b"}), noEnv)
	if err == nil || !strings.Contains(err.Error(), `liveTaskDefinition "webapp:42": expected a task definition ARN`) ||
		!strings.Contains(err.Error(), `liveImage "a b": expected an image reference without spaces`) {
		t.Fatalf("err = %v", err)
	}
	_, err = Load(ctx(map[string]any{"liveProductionListenerTarget": "red", "liveTestListenerTarget": "green"}), noEnv)
	if err == nil || !strings.Contains(err.Error(), `liveProductionListenerTarget "red": expected blue or green`) || strings.Contains(err.Error(), "liveTestListenerTarget") {
		t.Fatalf("err = %v", err)
	}
}

// Where the listeners' default actions and the ecs-mode rules point, for
// every deployed state a template can be synthesized over.
func TestTrafficTargets(t *testing.T) {
	for _, tc := range []struct {
		name               string
		ctx                map[string]any
		prod, test         TargetColor // listeners
		ruleProd, ruleTest TargetColor
	}{
		{"codedeploy, new", map[string]any{}, Blue, Green, Blue, Blue},
		{"hook, new", map[string]any{"deploymentMode": "hook"}, Blue, Blue, Blue, Blue},
		{"ecs, new", map[string]any{"deploymentMode": "ecs"}, Blue, Green, Blue, Blue},
		{"codedeploy, after an odd number of releases",
			map[string]any{"liveDeploymentMode": "codedeploy", "liveProductionTarget": "green", "liveTestTarget": "blue"}, Green, Blue, Green, Green},
		// ECS moved the rules; the listeners stay exactly as deployed.
		{"ecs, after an odd number of releases", map[string]any{"deploymentMode": "ecs", "liveDeploymentMode": "ecs",
			"liveProductionTarget": "green", "liveTestTarget": "green", "liveProductionListenerTarget": "blue", "liveTestListenerTarget": "green"},
			Blue, Green, Green, Green},
		// The migration: the new rules take production where the listener
		// sends it; the listeners do not change.
		{"codedeploy → ecs with production on green", map[string]any{"deploymentMode": "ecs", "liveDeploymentMode": "codedeploy",
			"liveProductionTarget": "green", "liveTestTarget": "blue"}, Green, Blue, Green, Green},
		// Back: the listeners take the rules' targets before the rules go.
		{"ecs → codedeploy with production on green", map[string]any{"liveDeploymentMode": "ecs",
			"liveProductionTarget": "green", "liveTestTarget": "green", "liveProductionListenerTarget": "blue", "liveTestListenerTarget": "green"},
			Green, Green, Green, Green},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(ctx(tc.ctx), noEnv)
			if err != nil {
				t.Fatal(err)
			}
			if p, te := c.ListenerTargets(); p != tc.prod || te != tc.test {
				t.Errorf("listeners %s/%s, want %s/%s", p, te, tc.prod, tc.test)
			}
			if p, te := c.RuleTargets(); p != tc.ruleProd || te != tc.ruleTest {
				t.Errorf("rules %s/%s, want %s/%s", p, te, tc.ruleProd, tc.ruleTest)
			}
		})
	}
}

func TestPipelineAndFlowLogKeys(t *testing.T) {
	c, err := Load(ctx(nil), noEnv)
	if err != nil || !c.HasPipeline() || c.FlowLogs {
		t.Fatalf("defaults: pipeline %v, flow logs %v, %v", c.HasPipeline(), c.FlowLogs, err)
	}
	c, err = Load(ctx(map[string]any{"profile": "production", "accessLogs": false, "pipeline": "false"}), noEnv)
	if err != nil || c.HasPipeline() || !c.FlowLogs {
		t.Fatalf("production: pipeline %v, flow logs %v, %v", c.HasPipeline(), c.FlowLogs, err)
	}
	if c, err := Load(ctx(map[string]any{"deploymentMode": "hook"}), noEnv); err != nil || c.HasPipeline() {
		t.Fatalf("hook mode: %v %v", c.HasPipeline(), err)
	}
	_, err = Load(ctx(map[string]any{"deploymentMode": "hook", "pipeline": true}), noEnv)
	if err == nil || !strings.Contains(err.Error(), `pipeline "true": expected false or unset with deploymentMode=hook`) {
		t.Fatalf("hook mode with a pipeline: %v", err)
	}
}
