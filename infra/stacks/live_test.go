package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// resourceByPrefix is the one resource of a type whose logical id starts
// with prefix, with its id.
func resourceByPrefix(t *testing.T, tpl map[string]any, typ, prefix string) (string, map[string]any) {
	t.Helper()
	var id string
	var found map[string]any
	for k, r := range tpl["Resources"].(map[string]any) {
		if dig(r, "Type") == typ && strings.HasPrefix(k, prefix) {
			if found != nil {
				t.Fatalf("two %s resources start with %s", typ, prefix)
			}
			id, found = k, r.(map[string]any)
		}
	}
	if found == nil {
		t.Fatalf("no %s resource starts with %s", typ, prefix)
	}
	return id, found
}

// The ecs-mode service keeps the revision it runs; the stack's own task
// definition is the template of record (TaskDefinitionArn), registered and
// not deployed. Before anything runs, the service starts on the stack's
// own. The codedeploy-mode service names the family in every state: a value
// that never changes, so no update sends ECS a task definition.
func TestServiceKeepsTheLiveTaskDefinition(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		want     string // "ref", "live" or "family"
	}{{"codedeploy", "family"}, {"agnostic", "family"}, {"ecs", "ref"}, {"ecs-bluegreen", "live"}, {"ecs-migrating", "live"}} {
		t.Run(tc.scenario, func(t *testing.T) {
			s := synth(t, tc.scenario)
			tpl := s.json["service"]
			tdID, _ := resourceByPrefix(t, tpl, "AWS::ECS::TaskDefinition", "TaskDefinition")
			_, svc := resourceByPrefix(t, tpl, "AWS::ECS::Service", "Service")
			got := dig(svc, "Properties", "TaskDefinition")
			switch tc.want {
			case "live":
				if got != liveTaskDefinition {
					t.Fatalf("service task definition %v, want the live revision %s", got, liveTaskDefinition)
				}
				// Nothing on the service refers to the stack's revision, so
				// replacing it never touches the service.
				if walkFind(svc, func(_ string, v any) bool { return v == tdID }) {
					t.Fatalf("service still refers to %s: %v", tdID, svc)
				}
			case "ref":
				if dig(got, "Ref") != tdID {
					t.Fatalf("first deployment: service task definition %v, want {Ref: %s}", got, tdID)
				}
			case "family":
				if got != s.cfg.AppName {
					t.Fatalf("service task definition %v, want the family %s", got, s.cfg.AppName)
				}
			}
			if out := dig(tpl, "Outputs", OutTaskDefinitionArn, "Value", "Ref"); out != tdID {
				t.Fatalf("TaskDefinitionArn output = %v, want the stack's own revision %s", dig(tpl, "Outputs", OutTaskDefinitionArn), tdID)
			}
		})
	}
}

// Revisions a rollback may need stay registered: a replaced or removed task
// definition is retained, in every mode.
func TestTaskDefinitionRetained(t *testing.T) {
	for _, sc := range scenarioNames {
		tds := findResources(synth(t, sc).json["service"], "AWS::ECS::TaskDefinition")
		if len(tds) != 1 {
			t.Fatalf("%s: %d task definitions", sc, len(tds))
		}
		if tds[0]["UpdateReplacePolicy"] != "Retain" || tds[0]["DeletionPolicy"] != "Retain" {
			t.Errorf("%s: task definition policies update-replace %v, deletion %v; want Retain for both", sc, tds[0]["UpdateReplacePolicy"], tds[0]["DeletionPolicy"])
		}
	}
}

// Hook mode: an update without an image keeps the image the service runs;
// an explicit image (a release) wins.
func TestHookModeImage(t *testing.T) {
	for sc, want := range map[string]string{"hook-live": liveImage, "hook": hookImage} {
		_, td := resourceByPrefix(t, synth(t, sc).json["service"], "AWS::ECS::TaskDefinition", "TaskDefinition")
		if got := dig(asSlice(dig(td, "Properties", "ContainerDefinitions"))[0], "Image"); got != want {
			t.Errorf("%s: image %v, want %s", sc, got, want)
		}
	}
	// Deployed on green: the listeners stay there.
	check(t, func() {
		tpl := synth(t, "hook-live").templates["service"]
		for port, tg := range map[int]string{80: "Green", 8080: "Green"} {
			tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
				"Port": port, "DefaultActions": arr{like(obj{"ForwardConfig": like(obj{"TargetGroups": arr{like(obj{"TargetGroupArn": refTo(tg)})}})})},
			})
		}
	})
}

// weights reads a forward action's weights by target group colour.
func weights(action any) map[string]any {
	out := map[string]any{}
	for _, tg := range asSlice(dig(action, "ForwardConfig", "TargetGroups")) {
		ref, _ := dig(tg, "TargetGroupArn", "Ref").(string)
		switch {
		case strings.HasPrefix(ref, "Blue"):
			out["blue"] = dig(tg, "Weight")
		case strings.HasPrefix(ref, "Green"):
			out["green"] = dig(tg, "Weight")
		}
	}
	return out
}

// ecs mode: the rules are synthesized on what they serve now, the
// listeners' default actions on what they say now, in both live states.
func TestECSRulesFollowTheLiveState(t *testing.T) {
	onBlue := map[string]any{"blue": float64(100), "green": float64(0)}
	onGreen := map[string]any{"blue": float64(0), "green": float64(100)}
	listener := func(tg string) map[string]any { return map[string]any{tg: float64(100)} }
	for _, tc := range []struct {
		scenario                   string
		prodRule, testRule         map[string]any
		prodListener, testListener map[string]any
	}{
		{"ecs", onBlue, onBlue, listener("blue"), listener("green")},
		{"ecs-bluegreen", onGreen, onGreen, listener("blue"), listener("green")},
		// The migration: the new rules take production where the listener
		// sends it; the listeners stay as they are.
		{"ecs-migrating", onGreen, onGreen, listener("green"), listener("blue")},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			tpl := synth(t, tc.scenario).json["service"]
			for prefix, want := range map[string]map[string]any{"ProductionRule": tc.prodRule, "TestRule": tc.testRule} {
				_, r := resourceByPrefix(t, tpl, "AWS::ElasticLoadBalancingV2::ListenerRule", prefix)
				if got := weights(asSlice(dig(r, "Properties", "Actions"))[0]); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s weights %v, want %v", prefix, got, want)
				}
			}
			for prefix, want := range map[string]map[string]any{"LoadBalancerProductionListener": tc.prodListener, "LoadBalancerTestListener": tc.testListener} {
				_, l := resourceByPrefix(t, tpl, "AWS::ElasticLoadBalancingV2::Listener", prefix)
				if got := weights(asSlice(dig(l, "Properties", "DefaultActions"))[0]); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s default action %v, want %v", prefix, got, want)
				}
			}
		})
	}
}
