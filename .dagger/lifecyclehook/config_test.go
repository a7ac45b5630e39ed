package lifecyclehook

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	c, err := ConfigFromEnv(env(map[string]string{
		EnvPolicy:         `{"maxErrorRate":0.02,"badWindows":3,"count4xx":true}`,
		EnvSmokeURL:       "http://shop-alb-123.us-east-1.elb.amazonaws.com:8080",
		EnvSmokeChecks:    `[{"path":"/healthz"},{"path":"/api/ping","bodyContains":"pong","count":3}]`,
		EnvSmokeTimeout:   "3s",
		EnvLoadBalancer:   lbArn,
		EnvMetricDelay:    "90s",
		EnvMaxWait:        "45m",
		EnvOnInconclusive: "continue",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy.MaxErrorRate != 0.02 || c.Policy.BadWindows != 3 || !c.Policy.Count4XX || len(c.Smoke.Checks) != 2 || c.Smoke.Checks[1].Count != 3 ||
		c.Smoke.Timeout != 3*time.Second || c.MetricDelay != 90*time.Second || c.MaxWait != 45*time.Minute || c.OnInconclusive != "continue" {
		t.Errorf("config %+v", c)
	}
	d, err := ConfigFromEnv(env(map[string]string{EnvSmokeURL: "http://alb:8080"}))
	if err != nil {
		t.Fatal(err)
	}
	if d = d.withDefaults(); d.MetricDelay != 2*time.Minute || d.MaxWait != 30*time.Minute || d.OnInconclusive != OnInconclusiveRollback || d.Policy.MinRequests != 50 {
		t.Errorf("defaults %+v", d)
	}
}

func TestConfigFromEnvNamesEveryBadSetting(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "smoke check url is empty"},
		{map[string]string{EnvSmokeURL: "http://a", EnvPolicy: `{"maxErrorRte":0.1}`}, `ANALYSIS_POLICY: json: unknown field "maxErrorRte"`},
		{map[string]string{EnvSmokeURL: "http://a", EnvPolicy: `{"maxErrorRate":5}`}, "maxErrorRate 5 is out of range"},
		{map[string]string{EnvSmokeURL: "http://a", EnvSmokeChecks: `{"path":"/"}`}, "SMOKE_CHECKS"},
		{map[string]string{EnvSmokeURL: "http://a", EnvSmokeChecks: `[{"path":"x"}]`}, `path "x" is not accepted`},
		{map[string]string{EnvSmokeURL: "http://a", EnvMaxWait: "soon"}, `ANALYSIS_MAX_WAIT "soon" is not a duration`},
		{map[string]string{EnvSmokeURL: "http://a", EnvMaxWait: "30s"}, "hook maxWait 30s is out of range: accepted 1m–24h"},
		{map[string]string{EnvSmokeURL: "http://a", EnvMetricDelay: "20m"}, "hook metricDelay 20m0s is out of range"},
		{map[string]string{EnvSmokeURL: "http://a", EnvOnInconclusive: "pass"}, `hook onInconclusive "pass" is not accepted`},
		{map[string]string{EnvSmokeURL: "http://a", EnvLoadBalancer: "my-alb"}, `load balancer "my-alb" is not an Application Load Balancer`},
	}
	for _, c := range cases {
		_, err := ConfigFromEnv(env(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ConfigFromEnv(%v) = %v, want %q", c.env, err, c.want)
		}
	}
}
