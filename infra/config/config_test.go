package config

import (
	"errors"
	"strings"
	"testing"
)

// ctx builds a Lookup over a plain map, like -c key=value pairs.
func ctx(m map[string]any) Lookup {
	return func(k string) (any, bool) { v, ok := m[k]; return v, ok }
}

func noEnv(string) string { return "" }

func TestDefaults(t *testing.T) {
	c, err := Load(ctx(nil), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.AppName != "webapp" || c.VpcCidr != "10.0.0.0/16" || c.NatGateways != 1 || c.ContainerPort != 3000 ||
		c.CPU != 512 || c.Memory != 1024 || c.CPUArchitecture != "X86_64" || c.DesiredCount != 2 || c.Mode != ModeCodeDeploy ||
		c.Deployment.Kind != AllAtOnce || c.Deployment.Name != "ALL_AT_ONCE" || c.Source.Type != SourceCodeCommit ||
		c.Source.CodeCommitRepository != "webapp" || c.Source.Branch != "main" || c.EnvSpecific() || c.HTTPS() {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.ProductionPort() != 80 || c.TestPort() != 8080 || c.StackName("service") != "webapp-service" {
		t.Fatalf("ports/stack name: %d %d %s", c.ProductionPort(), c.TestPort(), c.StackName("service"))
	}
}

func TestEnvAndJSONValues(t *testing.T) {
	env := map[string]string{EnvAccount: "123456789012", EnvRegion: "eu-west-1"}
	c, err := Load(ctx(map[string]any{
		"natGateways": float64(3), "cpu": float64(1024), "memory": "3072", "region": "us-east-1",
		"deploymentConfig": "CUSTOM_LINEAR", "trafficPercent": "20", "trafficMinutes": float64(2),
		"deploymentMode": "hook", "afterAllowTestTrafficHook": "smoke-test",
		"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc-123",
		"hostedZoneId":   "Z0123456789ABC", "zoneName": "example.com", "domainName": "app.example.com",
		"sourceType": "github", "connectionArn": "arn:aws:codeconnections:us-east-1:123456789012:connection/x-1",
		"githubOwner": "acme", "githubRepo": "web",
	}), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Account != "123456789012" || c.Region != "us-east-1" || !c.EnvSpecific() {
		t.Fatalf("context must win over env for region, env fills account: %s/%s", c.Account, c.Region)
	}
	if c.NatGateways != 3 || c.CPU != 1024 || c.Memory != 3072 || c.Mode != ModeHook || !c.HTTPS() || c.ProductionPort() != 443 || !c.HasDomain() {
		t.Fatalf("values not read: %+v", c)
	}
	if d := c.Deployment; d.Kind != Linear || d.Percent != 20 || d.Minutes != 2 || d.Predefined() {
		t.Fatalf("custom deployment: %+v", d)
	}
}

func TestRegionOnlyFromEnvIsAgnostic(t *testing.T) {
	c, err := Load(ctx(nil), func(k string) string {
		if k == EnvRegion {
			return "eu-west-1"
		}
		return ""
	})
	if err != nil || c.EnvSpecific() || c.Region != "" {
		t.Fatalf("region without account from the CLI must give agnostic stacks: %+v %v", c, err)
	}
}

func TestPredefinedDeployment(t *testing.T) {
	c, err := Load(ctx(map[string]any{"deploymentConfig": "CANARY_10PERCENT_15MINUTES"}), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Deployment; d.Kind != Canary || d.Percent != 10 || d.Minutes != 15 || !d.Predefined() {
		t.Fatalf("got %+v", d)
	}
}

func TestInvalidConfigs(t *testing.T) {
	hash := strings.Repeat("a", 64)
	cases := []struct {
		name string
		ctx  map[string]any
		want []string
	}{
		{"uppercase app name", map[string]any{"appName": "WebApp"}, []string{`appName "WebApp"`, "lowercase"}},
		{"public cidr", map[string]any{"vpcCidr": "8.8.0.0/16"}, []string{`vpcCidr "8.8.0.0/16"`, "private IPv4"}},
		{"cidr too large", map[string]any{"vpcCidr": "10.0.0.0/8"}, []string{`vpcCidr "10.0.0.0/8"`, "/16 to /24"}},
		{"cidr not a network", map[string]any{"vpcCidr": "10.0.0.1/16"}, []string{`vpcCidr "10.0.0.1/16"`}},
		{"too many NATs", map[string]any{"natGateways": "4"}, []string{`natGateways "4"`, "from 0 to 3"}},
		{"port not a number", map[string]any{"containerPort": "http"}, []string{`containerPort "http"`, "whole number"}},
		{"port clashes with test listener", map[string]any{"containerPort": 8080}, []string{`containerPort "8080"`, "listener ports"}},
		{"bad fargate pair", map[string]any{"cpu": 256, "memory": 4096}, []string{`cpu/memory "256/4096"`, "cpu 256: memory 512, 1024, 2048", "cpu 16384: memory 32768-122880 in steps of 8192"}},
		{"unknown cpu architecture", map[string]any{"cpuArchitecture": "arm"}, []string{`cpuArchitecture "ARM"`, "X86_64 (default) or ARM64"}},
		{"zero desired count", map[string]any{"desiredCount": 0}, []string{`desiredCount "0"`, "from 1 to 100"}},
		{"unknown mode", map[string]any{"deploymentMode": "rolling"}, []string{`deploymentMode "rolling"`, "codedeploy, hook or ecs"}},
		{"unknown deployment config", map[string]any{"deploymentConfig": "CANARY_10PERCENT_5MINUTE"}, []string{`deploymentConfig "CANARY_10PERCENT_5MINUTE"`, "LINEAR_10PERCENT_EVERY_3MINUTES", "CUSTOM_CANARY"}},
		{"custom canary without numbers", map[string]any{"deploymentConfig": "CUSTOM_CANARY"}, []string{"trafficPercent (not set)", "trafficMinutes (not set)"}},
		{"custom percent out of range", map[string]any{"deploymentConfig": "CUSTOM_LINEAR", "trafficPercent": 100, "trafficMinutes": 1}, []string{`trafficPercent "100"`, "from 1 to 99"}},
		{"retention not offered by CloudWatch Logs", map[string]any{"logRetentionDays": 10}, []string{`logRetentionDays "10"`, "1, 3, 5, 7, 14, 30"}},
		{"termination wait too long", map[string]any{"terminationWaitMinutes": 3000}, []string{`terminationWaitMinutes "3000"`, "from 0 to 2880"}},
		{"tag instead of digest", map[string]any{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:latest"}, []string{`image "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:latest"`, "digest-pinned"}},
		{"certificate not ACM", map[string]any{"certificateArn": "arn:aws:iam::123456789012:server-certificate/x"}, []string{"certificateArn", "ACM certificate ARN"}},
		{"partial domain", map[string]any{"domainName": "app.example.com"}, []string{"hostedZoneId/zoneName/domainName", "all three set or none"}},
		{"domain without certificate", map[string]any{"hostedZoneId": "Z123ABC", "zoneName": "example.com", "domainName": "app.example.com"}, []string{"certificateArn (not set)", "required when domainName is set"}},
		{"domain outside zone", map[string]any{"hostedZoneId": "Z123ABC", "zoneName": "example.com", "domainName": "app.example.org", "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}, []string{`domainName "app.example.org"`, "inside zoneName"}},
		{"unknown source", map[string]any{"sourceType": "bitbucket"}, []string{`sourceType "bitbucket"`, "codecommit or github"}},
		{"github without connection", map[string]any{"sourceType": "github", "githubOwner": "acme", "githubRepo": "web"}, []string{"connectionArn", "CodeConnections ARN"}},
		{"bad account", map[string]any{"account": "12345", "region": "us-east-1"}, []string{`account (or CDK_DEFAULT_ACCOUNT) "12345"`, "12-digit"}},
		{"account without region", map[string]any{"account": "123456789012"}, []string{"account/region", "both set"}},
		{"hook name in codedeploy mode", map[string]any{"afterAllowTestTrafficHook": "fn"}, []string{`afterAllowTestTrafficHook "fn"`, "deploymentMode=hook"}},
		{"image from another repository", map[string]any{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/other@sha256:" + hash}, []string{"image", "the webapp repository", "own repository only"}},
		{"tagged image from another repository", map[string]any{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/other:v1@sha256:" + hash}, []string{"image", "the webapp repository"}},
		{"tag without a digest", map[string]any{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:v1"}, []string{"image", "digest-pinned"}},
		{"image from another account", map[string]any{"account": "123456789012", "region": "us-east-1", "image": "999999999999.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + hash}, []string{"123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:..."}},
		{"relative health check", map[string]any{"healthCheckCommand": "curl -f localhost"}, []string{`healthCheckCommand "curl -f localhost"`, "absolute executable path"}},
		{"valid digest but uppercase hex", map[string]any{"image": "r.example.com/app@sha256:" + strings.ToUpper(hash)}, []string{"image", "digest-pinned"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(ctx(tc.ctx), noEnv)
			if err == nil {
				t.Fatalf("config %v accepted", tc.ctx)
			}
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error type %T", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestAllErrorsCollected(t *testing.T) {
	_, err := Load(ctx(map[string]any{"appName": "-x", "natGateways": 9, "cpu": 300, "sourceType": "svn"}), noEnv)
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want *Errors, got %v", err)
	}
	keys := map[string]bool{}
	for _, p := range errs.Problems {
		keys[p.Key] = true
	}
	for _, k := range []string{"appName", "natGateways", "cpu/memory", "sourceType"} {
		if !keys[k] {
			t.Errorf("problem for %s missing in %s", k, err)
		}
	}
	if !strings.Contains(err.Error(), "problem(s)") {
		t.Errorf("summary missing: %s", err)
	}
}

func TestValidImageAccepted(t *testing.T) {
	for _, img := range []string{
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("0f", 32),
		"registry.example.com:5000/team/webapp@sha256:" + strings.Repeat("0f", 32),
		// what `dagger call publish` prints: the tag stays for readability, the digest pins
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:3f2c9e1@sha256:" + strings.Repeat("0f", 32),
	} {
		c, err := Load(ctx(map[string]any{"image": img, "account": "123456789012", "region": "us-east-1"}), noEnv)
		if err != nil || c.Image != img {
			t.Fatalf("image %s rejected: %v", img, err)
		}
	}
}

func TestHealthCheckCommand(t *testing.T) {
	c, err := Load(ctx(map[string]any{"healthCheckCommand": " /app  -healthcheck "}), noEnv)
	if err != nil || strings.Join(c.HealthCheckCommand, "|") != "/app|-healthcheck" {
		t.Fatalf("got %q, %v", c.HealthCheckCommand, err)
	}
}

func TestFargatePairs(t *testing.T) {
	for _, p := range [][2]int{{256, 512}, {512, 4096}, {4096, 30720}, {8192, 61440}, {16384, 122880}} {
		if !ValidFargatePair(p[0], p[1]) {
			t.Errorf("%v rejected", p)
		}
	}
	for _, p := range [][2]int{{256, 4096}, {512, 512}, {8192, 20000}, {300, 1024}} {
		if ValidFargatePair(p[0], p[1]) {
			t.Errorf("%v accepted", p)
		}
	}
}
