package stacks

import (
	"fmt"
	"strings"
	"testing"
)

// allTemplates yields every synthesized template of every scenario.
func allTemplates(t *testing.T, f func(name string, tpl map[string]any)) {
	for _, sc := range scenarioNames {
		s := synth(t, sc)
		for part, tpl := range s.json {
			f(sc+"/"+part, tpl)
		}
	}
}

func TestNoWildcardIAM(t *testing.T) {
	allTemplates(t, func(name string, tpl map[string]any) {
		walkFind(tpl, func(k string, v any) bool {
			if k != "Statement" {
				return false
			}
			for _, st := range asSlice(v) {
				actions := strings.Fields(fmt.Sprint(dig(st, "Action")))
				resources := fmt.Sprint(dig(st, "Resource"))
				for _, a := range actions {
					a = strings.Trim(a, "[]")
					if a == "*" && (resources == "*" || strings.Contains(resources, "[* ") || resources == "[*]") {
						t.Errorf("%s: statement allows * on *: %v", name, st)
					}
					if a == "*" || a == "ecr:*" || a == "iam:*" {
						t.Errorf("%s: wildcard action %q: %v", name, a, st)
					}
				}
			}
			return false
		})
	})
}

func TestNoPublicTaskIPs(t *testing.T) {
	seen := 0
	allTemplates(t, func(name string, tpl map[string]any) {
		for _, typ := range []string{"AWS::ECS::Service", "AWS::ECS::TaskSet"} {
			for _, r := range findResources(tpl, typ) {
				if dig(r, "Properties", "DeploymentController", "Type") == "EXTERNAL" {
					continue // networking lives on the task sets
				}
				ip := dig(r, "Properties", "NetworkConfiguration", "AwsvpcConfiguration", "AssignPublicIp")
				if typ == "AWS::ECS::TaskSet" {
					ip = dig(r, "Properties", "NetworkConfiguration", "AwsVpcConfiguration", "AssignPublicIp")
				}
				if ip != "DISABLED" {
					t.Errorf("%s: %s AssignPublicIp = %v", name, typ, ip)
				}
				seen++
			}
		}
	})
	if seen < 2 {
		t.Fatalf("only %d services/task sets checked", seen)
	}
}

func TestSecurityGroupRules(t *testing.T) {
	for _, sc := range scenarioNames {
		s := synth(t, sc)
		tpl := s.json["network"]
		res := tpl["Resources"].(map[string]any)
		var app, alb string
		for id, r := range res {
			if dig(r, "Type") != "AWS::EC2::SecurityGroup" {
				continue
			}
			switch {
			case strings.HasPrefix(id, "AppSecurityGroup"):
				app = id
			case strings.HasPrefix(id, "AlbSecurityGroup"):
				alb = id
			}
		}
		if app == "" || alb == "" {
			t.Fatalf("%s: security groups not found", sc)
		}
		port := float64(s.cfg.ContainerPort)
		// Inline ingress of the app SG: none (the ALB rule is a separate resource).
		if in := dig(res[app], "Properties", "SecurityGroupIngress"); in != nil {
			t.Errorf("%s: app SG has inline ingress %v", sc, in)
		}
		appRules := 0
		for _, r := range findResources(tpl, "AWS::EC2::SecurityGroupIngress") {
			p := r["Properties"].(map[string]any)
			if dig(p, "GroupId", "Fn::GetAtt") != nil && asSlice(dig(p, "GroupId", "Fn::GetAtt"))[0] == app {
				appRules++
				src := asSlice(dig(p, "SourceSecurityGroupId", "Fn::GetAtt"))
				if len(src) == 0 || src[0] != alb || p["FromPort"] != port || p["ToPort"] != port || p["CidrIp"] != nil {
					t.Errorf("%s: app SG ingress must be the container port from the ALB SG only: %v", sc, p)
				}
			}
		}
		if appRules != 1 {
			t.Errorf("%s: app SG has %d ingress rules, want 1", sc, appRules)
		}
		want := map[float64]bool{}
		for _, p := range listenerPorts(s.cfg) {
			want[float64(p)] = true
		}
		for _, in := range asSlice(dig(res[alb], "Properties", "SecurityGroupIngress")) {
			from, to := dig(in, "FromPort"), dig(in, "ToPort")
			if from != to || !want[from.(float64)] {
				t.Errorf("%s: ALB SG ingress outside the listener ports: %v", sc, in)
			}
			delete(want, from.(float64))
		}
		if len(want) != 0 {
			t.Errorf("%s: listener ports without ingress: %v", sc, want)
		}
		for _, e := range asSlice(dig(res[alb], "Properties", "SecurityGroupEgress")) {
			if dig(e, "CidrIp") == "0.0.0.0/0" && dig(e, "IpProtocol") == "-1" {
				t.Errorf("%s: ALB SG allows all egress", sc)
			}
		}
		// The service stack must not add rules of its own.
		if n := len(findResources(s.json["service"], "AWS::EC2::SecurityGroupIngress")); n != 0 {
			t.Errorf("%s: service stack adds %d ingress rules", sc, n)
		}
	}
}

func TestRepositoriesImmutable(t *testing.T) {
	seen := 0
	allTemplates(t, func(name string, tpl map[string]any) {
		for _, r := range findResources(tpl, "AWS::ECR::Repository") {
			seen++
			if m := dig(r, "Properties", "ImageTagMutability"); m != "IMMUTABLE" {
				t.Errorf("%s: ImageTagMutability = %v", name, m)
			}
		}
	})
	if seen != len(scenarioNames) {
		t.Fatalf("%d repositories checked, want one per scenario", seen)
	}
}
