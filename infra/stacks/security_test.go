package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
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
		// The group's description is as first deployed: changing it would
		// replace a group with a fixed name, which fails.
		if d := dig(res[alb], "Properties", "GroupDescription"); d != AlbSecurityGroupDescription(s.cfg) {
			t.Errorf("%s: ALB SG description %q would replace the group", sc, d)
		}
		// Production ports from anywhere; the test port only from the
		// configured sources (inline rules, or separate ones for prefix lists).
		rules := asSlice(dig(res[alb], "Properties", "SecurityGroupIngress"))
		for _, r := range findResources(tpl, "AWS::EC2::SecurityGroupIngress") {
			if g := asSlice(dig(r, "Properties", "GroupId", "Fn::GetAtt")); len(g) > 0 && g[0] == alb {
				rules = append(rules, r["Properties"])
			}
		}
		public := map[float64]bool{}
		for _, p := range productionPorts(s.cfg) {
			public[float64(p)] = true
		}
		// Configured sources, each once; "nat" once per NAT gateway.
		wantTest := map[string]int{}
		for _, src := range s.cfg.TestListenerSources {
			wantTest[src.Value] = 1
			if src.Kind == config.SourceNat {
				wantTest[src.Value] = s.cfg.NatGateways
			}
		}
		for _, in := range rules {
			from, to := dig(in, "FromPort"), dig(in, "ToPort")
			source := fmt.Sprint(firstNonNil(dig(in, "CidrIp"), dig(in, "CidrIpv6"), dig(in, "SourcePrefixListId"), dig(in, "SourceSecurityGroupId")))
			if natAddress(res, dig(in, "CidrIp")) {
				source = config.SourceKeywordNat
			}
			switch {
			case from != to:
				t.Errorf("%s: ALB SG ingress over a port range: %v", sc, in)
			case public[from.(float64)] && source == "0.0.0.0/0":
				delete(public, from.(float64))
			case from == float64(s.cfg.TestPort()) && wantTest[source] > 0:
				if wantTest[source]--; wantTest[source] == 0 {
					delete(wantTest, source)
				}
			default:
				t.Errorf("%s: ALB SG ingress neither a production port from anywhere nor the test port from a configured source: %v", sc, in)
			}
		}
		if len(public) != 0 || len(wantTest) != 0 {
			t.Errorf("%s: production ports %v / test sources %v without ingress", sc, public, wantTest)
		}
		// The tasks reach out over HTTPS only.
		egress := asSlice(dig(res[app], "Properties", "SecurityGroupEgress"))
		if len(egress) != 1 || dig(egress[0], "IpProtocol") != "tcp" || dig(egress[0], "FromPort") != 443.0 || dig(egress[0], "ToPort") != 443.0 {
			t.Errorf("%s: app SG egress %v, want HTTPS only", sc, egress)
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

// natAddress reports whether a CidrIp is "<Ref of an EIP of the
// template>/32", the address of one of the NAT gateways.
func natAddress(res map[string]any, cidr any) bool {
	j := asSlice(dig(cidr, "Fn::Join"))
	if len(j) != 2 || len(asSlice(j[1])) != 2 || asSlice(j[1])[1] != "/32" {
		return false
	}
	ref, _ := dig(asSlice(j[1])[0], "Ref").(string)
	return dig(res[ref], "Type") == "AWS::EC2::EIP"
}

func firstNonNil(vs ...any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}
