package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestSafetyDefaults(t *testing.T) {
	c, err := Load(ctx(nil), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if want := []TrafficSource{{SourceCIDR, "10.0.0.0/16"}, {SourceNat, "nat"}}; !reflect.DeepEqual(c.TestListenerSources, want) {
		t.Errorf("test listener sources default %v, want the VPC CIDR and the NAT addresses", c.TestListenerSources)
	}
	if c.MaxRequestSeconds != 30 || c.StopTimeoutSeconds() != 40 || c.KeepImages != 200 {
		t.Errorf("max request %d, stop timeout %d, keep images %d", c.MaxRequestSeconds, c.StopTimeoutSeconds(), c.KeepImages)
	}
	if c.Profile != ProfileDevelopment || c.AccessLogs || c.DeletionProtection || c.AlarmNotifications() || len(c.HookFunctions) != 0 {
		t.Errorf("development defaults: %+v", c)
	}
	if c.Live != (Live{}) {
		t.Errorf("live state without context: %+v", c.Live)
	}
	// A custom VPC range moves the default with it; without NAT gateways
	// there are no NAT addresses.
	c, err = Load(ctx(map[string]any{"vpcCidr": "10.20.0.0/20", "natGateways": 0}), noEnv)
	if want := []TrafficSource{{SourceCIDR, "10.20.0.0/20"}}; err != nil || !reflect.DeepEqual(c.TestListenerSources, want) {
		t.Fatalf("%v %v", c.TestListenerSources, err)
	}
}

func TestProductionProfile(t *testing.T) {
	env := map[string]any{"account": "123456789012", "region": "us-east-1", "profile": "production"}
	c, err := Load(ctx(env), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if !c.AccessLogs || !c.DeletionProtection {
		t.Errorf("production profile: access logs %v, deletion protection %v", c.AccessLogs, c.DeletionProtection)
	}
	env["deletionProtection"] = "false"
	if c, _ := Load(ctx(env), noEnv); c.DeletionProtection || !c.AccessLogs {
		t.Errorf("an explicit key must win over the profile: %+v", c)
	}
}

func TestSafetyValues(t *testing.T) {
	c, err := Load(ctx(map[string]any{
		"testListenerSources": "203.0.113.0/24, pl-0123456789abcdef0,sg-0abc12345678def90, 2001:db8::/32,vpc,nat",
		"hookFunctions":       []any{"smoke", "CodeDeployHook_x"},
		"deploymentMode":      "hook", "afterAllowTestTrafficHook": "after-test",
		"maxRequestSeconds": 110, "alarmEmail": "ops@example.com", "keepImages": 50,
		"liveProductionTarget": "green", "liveTestTarget": "blue", "liveDeploymentMode": "hook",
	}), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := []TrafficSource{{SourceCIDR, "203.0.113.0/24"}, {SourcePrefixList, "pl-0123456789abcdef0"}, {SourceSecurityGroup, "sg-0abc12345678def90"}, {SourceCIDR, "2001:db8::/32"}, {SourceCIDR, "10.0.0.0/16"}, {SourceNat, "nat"}}
	if !reflect.DeepEqual(c.TestListenerSources, want) {
		t.Errorf("sources %v", c.TestListenerSources)
	}
	if strings.Join(c.HookFunctions, ",") != "smoke,CodeDeployHook_x,after-test" {
		t.Errorf("hook functions %v: the hook-mode hook must be invocable too", c.HookFunctions)
	}
	if c.StopTimeoutSeconds() != 120 || c.KeepImages != 50 || !c.AlarmNotifications() {
		t.Errorf("%+v", c)
	}
	if c.Live != (Live{ProductionTarget: Green, TestTarget: Blue, Mode: ModeHook}) {
		t.Errorf("live %+v", c.Live)
	}
}

func TestSafetyInvalid(t *testing.T) {
	cases := []struct {
		name string
		ctx  map[string]any
		want []string
	}{
		{"test source not a network", map[string]any{"testListenerSources": "10.0.0.1/16,office"}, []string{`testListenerSources "10.0.0.1/16"`, `testListenerSources "office"`, "prefix list id pl-"}},
		{"nat without NAT gateways", map[string]any{"testListenerSources": "nat", "natGateways": 0}, []string{`testListenerSources "nat"`, "natGateways is 0"}},
		{"request longer than the stop timeout allows", map[string]any{"maxRequestSeconds": 111}, []string{`maxRequestSeconds "111"`, "from 1 to 110"}},
		{"hook function not a name", map[string]any{"hookFunctions": "ok,arn:aws:lambda:x"}, []string{`hookFunctions "arn:aws:lambda:x"`, "Lambda function names"}},
		{"alarm email", map[string]any{"alarmEmail": "ops"}, []string{`alarmEmail "ops"`, "e-mail"}},
		{"alarm topic", map[string]any{"alarmTopicArn": "arn:aws:sqs:us-east-1:123456789012:q"}, []string{"alarmTopicArn", "SNS topic ARN"}},
		{"profile", map[string]any{"profile": "prod"}, []string{`profile "prod"`, "development or production"}},
		{"access logs on agnostic stacks", map[string]any{"accessLogs": true}, []string{`accessLogs "true"`, "load-balancing account"}},
		{"boolean", map[string]any{"deletionProtection": "yes"}, []string{`deletionProtection "yes"`, "true or false"}},
		{"live target", map[string]any{"liveProductionTarget": "purple"}, []string{`liveProductionTarget "purple"`, "blue or green"}},
		{"mode switch over a deployed stack", map[string]any{"deploymentMode": "hook", "liveDeploymentMode": "codedeploy"},
			[]string{`deploymentMode "hook"`, "runs codedeploy mode", "another appName", "delete webapp-pipeline and webapp-service"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(ctx(tc.ctx), noEnv)
			if err == nil {
				t.Fatalf("config %v accepted", tc.ctx)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
		})
	}
	// The same mode as the deployed one passes, and so does codedeploy ↔ ecs
	// (an in-place update of the service's deployment controller).
	if _, err := Load(ctx(map[string]any{"liveDeploymentMode": "codedeploy"}), noEnv); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx(map[string]any{"liveDeploymentMode": "codedeploy", "deploymentMode": "ecs"}), noEnv); err != nil {
		t.Fatalf("codedeploy → ecs migration refused: %v", err)
	}
	if _, err := Load(ctx(map[string]any{"liveDeploymentMode": "ecs", "deploymentMode": "hook"}), noEnv); err == nil {
		t.Fatal("ecs → hook accepted")
	}
}
