package stacks

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func refTo(prefix string) any {
	return obj{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^" + prefix))}
}

func TestServiceECSMode(t *testing.T) {
	s := synth(t, "ecs")
	tpl := s.templates["service"]
	smoke := "arn:aws:lambda:us-east-1:123456789012:function:smoke"
	warm := "arn:aws:lambda:us-east-1:123456789012:function:warm"
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ECS::Service"), obj{
			"ServiceName":          "webapp",
			"DeploymentController": obj{"Type": "ECS"},
			"NetworkConfiguration": obj{"AwsvpcConfiguration": like(obj{"AssignPublicIp": "DISABLED"})},
			"DeploymentConfiguration": obj{
				"Strategy":            "CANARY",
				"BakeTimeInMinutes":   30,
				"CanaryConfiguration": obj{"CanaryPercent": 12.5, "CanaryBakeTimeInMinutes": 10},
				"MaximumPercent":      200, "MinimumHealthyPercent": 100,
				"Alarms": obj{"Enable": true, "Rollback": true, "AlarmNames": assertions.Match_AnyValue()},
				"LifecycleHooks": arr{
					obj{"HookTargetArn": warm, "LifecycleStages": arr{"POST_SCALE_UP"}, "RoleArn": obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^HookRole")), "Arn"}}},
					obj{"HookTargetArn": smoke, "LifecycleStages": arr{"PRE_PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"}, "RoleArn": assertions.Match_AnyValue()},
					obj{"TargetType": "PAUSE", "LifecycleStages": arr{"POST_TEST_TRAFFIC_SHIFT"}, "TimeoutConfiguration": obj{"Action": "ROLLBACK", "TimeoutInMinutes": 15}},
				},
			},
			"LoadBalancers": arr{obj{
				"ContainerName": "webapp", "ContainerPort": 3000, "TargetGroupArn": refTo("Blue"),
				"AdvancedConfiguration": obj{
					"AlternateTargetGroupArn": refTo("Green"),
					"ProductionListenerRule":  refTo("ProductionRule"),
					"TestListenerRule":        refTo("TestRule"),
					"RoleArn":                 obj{"Fn::GetAtt": arr{assertions.Match_StringLikeRegexp(jsii.String("^InfrastructureRole")), "Arn"}},
				},
			}},
		})
		// ECS moves weights on rules, so each listener has one forwarding to both
		// target groups, for every path.
		tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::ListenerRule"), jsii.Number(2))
		for _, l := range []string{"ProductionListener", "TestListener"} {
			tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::ListenerRule"), obj{
				"ListenerArn": refTo("LoadBalancer" + l),
				"Priority":    1,
				"Conditions":  arr{obj{"Field": "path-pattern", "PathPatternConfig": obj{"Values": arr{"/*"}}}},
				"Actions": arr{obj{"Type": "forward", "ForwardConfig": obj{"TargetGroups": arr{
					obj{"TargetGroupArn": refTo("Blue"), "Weight": 100},
					obj{"TargetGroupArn": refTo("Green"), "Weight": 0},
				}}}},
			})
		}
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), obj{
			"AssumeRolePolicyDocument": like(obj{"Statement": arr{like(obj{"Principal": obj{"Service": "ecs.amazonaws.com"}})}}),
			"ManagedPolicyArns":        arr{obj{"Fn::Join": arr{"", arr{"arn:", obj{"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"}}}},
		})
		// The hook role may invoke the configured functions and nothing else.
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), obj{
			"PolicyDocument": obj{"Statement": arr{obj{"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": arr{warm, smoke}}}, "Version": "2012-10-17"},
			"Roles":          arr{refTo("HookRole")},
		})
		tpl.ResourceCountIs(jsii.String("AWS::CodeDeploy::Application"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::CodeDeploy::DeploymentGroup"), jsii.Number(0))
	})
	svc := findResources(s.json["service"], "AWS::ECS::Service")[0]
	// All four per-target-group alarms, blue and green, drive the rollback.
	names := asSlice(dig(svc, "Properties", "DeploymentConfiguration", "Alarms", "AlarmNames"))
	if len(names) != 4 {
		t.Fatalf("deployment alarms = %v, want the 4 target-group alarms", names)
	}
	// Only what the linter's schema lacks is switched off: PAUSE hooks and
	// the PRE_PRODUCTION_TRAFFIC_SHIFT stage.
	if got := dig(svc, "Metadata", "cfn-lint", "config", "ignore_checks"); !slices.Equal(asSlice(got), []any{"E3002", "E3003", "E3030"}) {
		t.Fatalf("cfn-lint metadata = %v", got)
	}
}

func TestServiceECSBlueGreenDefaults(t *testing.T) {
	s := synth(t, "ecs-bluegreen")
	tpl := s.templates["service"]
	check(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ECS::Service"), obj{
			"DeploymentController": obj{"Type": "ECS"},
			"DeploymentConfiguration": obj{
				"Strategy": "BLUE_GREEN", "BakeTimeInMinutes": 5, "MaximumPercent": 200, "MinimumHealthyPercent": 100,
				"Alarms": like(obj{"Enable": true, "Rollback": true}),
			},
		})
		// HTTPS: the rule is on :443; :80 only redirects.
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
			"Port": 80, "DefaultActions": arr{like(obj{"Type": "redirect"})},
		})
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::ListenerRule"), obj{"ListenerArn": refTo("LoadBalancerProductionListener")})
		tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::ListenerRule"), jsii.Number(2))
	})
	svc := findResources(s.json["service"], "AWS::ECS::Service")[0]
	if h := dig(svc, "Properties", "DeploymentConfiguration", "LifecycleHooks"); h != nil {
		t.Errorf("no hooks configured, yet LifecycleHooks = %v", h)
	}
	if m := dig(svc, "Metadata"); m != nil {
		t.Errorf("no PAUSE hook, yet metadata %v", m)
	}
	for _, r := range findResources(s.json["service"], "AWS::IAM::Role") {
		if d, _ := dig(r, "Properties", "Description").(string); strings.Contains(d, "lifecycle hooks") {
			t.Errorf("hook role without hooks: %v", r)
		}
	}
}

// ecsContractOutputs is the contract of ecs mode: the keys of every mode but
// the CodeDeploy names, plus what ECS traffic shifting is done with.
var ecsContractOutputs = append(slices.DeleteFunc(slices.Clone(contractOutputs), func(k string) bool {
	return k == OutCodeDeployApplication || k == OutDeploymentGroup
}), OutDeploymentStrategy, OutProductionListenerRule, OutTestListenerRule, OutBlueTargetGroup, OutGreenTargetGroup)

func TestServiceECSOutputs(t *testing.T) {
	outs := assertContract(t, synth(t, "ecs").json["service"], ecsContractOutputs)
	for k, v := range map[string]any{OutDeploymentMode: "ecs", OutDeploymentStrategy: "CANARY"} {
		if got := dig(outs, k, "Value"); got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	if v := dig(outs, OutProductionListenerRule, "Value", "Ref"); v == nil || !strings.HasPrefix(v.(string), "ProductionRule") {
		t.Errorf("ProductionListenerRule = %v", dig(outs, OutProductionListenerRule, "Value"))
	}
}

func TestPipelineECSDeployAction(t *testing.T) {
	raw := synth(t, "ecs").json["pipeline"]
	p := findResources(raw, "AWS::CodePipeline::Pipeline")
	if len(p) != 1 {
		t.Fatalf("%d pipelines", len(p))
	}
	stages := asSlice(dig(p[0], "Properties", "Stages"))
	last := stages[len(stages)-1]
	action := asSlice(dig(last, "Actions"))[0]
	if dig(last, "Name") != "Deploy" || dig(action, "ActionTypeId", "Provider") != "ECS" ||
		dig(action, "Configuration", "FileName") != "imagedefinitions.json" || dig(action, "Configuration", "ServiceName") == nil {
		t.Fatalf("deploy stage = %v", last)
	}
	for _, st := range stages {
		for _, a := range asSlice(dig(st, "Actions")) {
			if dig(a, "ActionTypeId", "Provider") == "CodeDeployToECS" {
				t.Fatalf("ecs mode must not deploy through CodeDeploy: %v", a)
			}
		}
	}
}

// assertContract checks that a service template declares exactly the
// contract outputs (besides CDK's cross-stack exports) and returns them.
func assertContract(t *testing.T, tpl map[string]any, contract []string) map[string]any {
	t.Helper()
	outs, _ := tpl["Outputs"].(map[string]any)
	var keys []string
	for k := range outs {
		if !strings.HasPrefix(k, "ExportsOutput") {
			keys = append(keys, k)
		}
	}
	want := slices.Clone(contract)
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("outputs\n got %v\nwant %v", keys, want)
	}
	return outs
}

// TestECSMigrationKeepsTrafficPath checks what the codedeploy → ecs
// migration in infra/README relies on: the same logical ids for the service,
// target groups and listeners (so CloudFormation updates rather than creates
// them), listeners whose properties do not change at all (requests keep
// flowing while the rules are added), and target groups unchanged.
func TestECSMigrationKeepsTrafficPath(t *testing.T) {
	from := synth(t, "codedeploy").json["service"]["Resources"].(map[string]any)
	to := synth(t, "ecs").json["service"]["Resources"].(map[string]any)
	kept := map[string]int{}
	for id, r := range from {
		typ := dig(r, "Type")
		switch typ {
		case "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ECS::Service", "AWS::ECS::Cluster", "AWS::ElasticLoadBalancingV2::LoadBalancer":
		default:
			continue
		}
		other, ok := to[id]
		if !ok {
			t.Errorf("%s %s is not in the ecs-mode template: the migration would replace it", typ, id)
			continue
		}
		kept[typ.(string)]++
		if typ == "AWS::ECS::Service" {
			continue // its deployment settings change, by design
		}
		if !reflect.DeepEqual(dig(r, "Properties"), dig(other, "Properties")) {
			t.Errorf("%s %s changes in the migration:\n codedeploy %v\n ecs        %v", typ, id, dig(r, "Properties"), dig(other, "Properties"))
		}
	}
	if kept["AWS::ElasticLoadBalancingV2::Listener"] != 2 || kept["AWS::ElasticLoadBalancingV2::TargetGroup"] != 2 || kept["AWS::ECS::Service"] != 1 {
		t.Fatalf("resources compared: %v", kept)
	}
}

// The service waits for the hook role and its policy: ECS may invoke a hook
// as soon as the service exists.
func TestECSServiceDependsOnHookPolicy(t *testing.T) {
	tpl := synth(t, "ecs").json["service"]
	policy, _ := resourceByPrefix(t, tpl, "AWS::IAM::Policy", "HookRoleDefaultPolicy")
	role, _ := resourceByPrefix(t, tpl, "AWS::IAM::Role", "HookRole")
	_, svc := resourceByPrefix(t, tpl, "AWS::ECS::Service", "Service")
	deps := asSlice(svc["DependsOn"])
	if !slices.Contains(deps, any(policy)) || !slices.Contains(deps, any(role)) {
		t.Fatalf("service DependsOn %v, want %s and %s", deps, role, policy)
	}
}

// The ECS deploy action updates and reads the app's service only.
func TestECSDeployActionScopedToTheService(t *testing.T) {
	tpl := synth(t, "ecs").json["pipeline"]
	var found bool
	walkFind(tpl, func(k string, v any) bool {
		if k != "Statement" {
			return false
		}
		for _, st := range asSlice(v) {
			m, _ := st.(map[string]any)
			if m["Sid"] != "UpdateTheService" {
				continue
			}
			found = true
			res := fmt.Sprint(m["Resource"])
			if !strings.Contains(res, ":service/webapp/webapp") || onStar(m) {
				t.Errorf("UpdateService/DescribeServices on %v", m["Resource"])
			}
			if a := actionsOf(m); !slices.Equal(a, []string{"ecs:DescribeServices", "ecs:UpdateService"}) {
				t.Errorf("actions %v", a)
			}
		}
		return false
	})
	if !found {
		t.Fatal("no UpdateTheService statement in the pipeline")
	}
}
