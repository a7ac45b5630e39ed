package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hookAsset writes a stand-in bootstrap into a temporary directory.
func hookAsset(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("stand-in"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAnalysisOffByDefault(t *testing.T) {
	c, err := Load(ctx(nil), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Analysis.Enabled || len(c.HookFunctions) != 0 || c.AfterAllowTestTrafficHook != "" {
		t.Fatalf("analysis must be off by default and change nothing: %+v, hooks %v", c.Analysis, c.HookFunctions)
	}
	// A hook asset alone (the module always passes one) is ignored.
	if _, err := Load(ctx(map[string]any{"hookAsset": "/nowhere"}), noEnv); err != nil {
		t.Fatalf("hookAsset with analysis off: %v", err)
	}
}

func TestAnalysisKeysNeedAnalysisOn(t *testing.T) {
	_, err := Load(ctx(map[string]any{"analysisMaxErrorRate": "0.02", "onInconclusive": "continue", "analysis": "off"}), noEnv)
	for _, want := range []string{`analysisMaxErrorRate "0.02": expected unset unless analysis=on`, `onInconclusive "continue": expected unset unless analysis=on`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	if _, err := Load(ctx(map[string]any{"analysis": "yes"}), noEnv); err == nil || !strings.Contains(err.Error(), `analysis "yes": expected on or off`) {
		t.Errorf("analysis=yes: %v", err)
	}
}

func TestAnalysisPolicyDefaultsAndJSON(t *testing.T) {
	c, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": hookAsset(t)}), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Analysis
	want := `{"maxErrorRate":0.01,"maxErrorRateIncrease":0.005,"maxP99Ratio":1.5,"latencyFloorMillis":50,"minRequests":50,"minErrors":3,"badWindows":2,"windowMinutes":2}`
	if got := a.PolicyJSON(); got != want {
		t.Errorf("policy JSON %s, want %s", got, want)
	}
	if a.MaxWaitMinutes != 10 || a.OnInconclusive != "rollback" || a.SmokeChecksJSON() != "" {
		t.Errorf("defaults: %+v", a)
	}
	// codedeploy mode: CodeDeploy may invoke the function as a hook.
	if len(c.HookFunctions) != 1 || c.HookFunctions[0] != "webapp-deployment-check" {
		t.Errorf("hook functions %v", c.HookFunctions)
	}
}

func TestAnalysisValuesRead(t *testing.T) {
	c, err := Load(ctx(map[string]any{
		"analysis": "on", "hookAsset": hookAsset(t), "analysisMaxErrorRate": "0.02", "analysisMaxErrorRateIncrease": 0.01,
		"analysisMaxP99Ratio": "2", "analysisMinRequests": float64(200), "analysisBadWindows": "3", "analysisWindowMinutes": 5,
		"analysisMinErrors": 1, "analysisLatencyFloorMillis": 20, "analysisMaxWaitMinutes": 20, "onInconclusive": "continue",
		// cdk.json holds a list; -c a JSON string (see below).
		"smokeChecks": []any{map[string]any{"path": "/healthz"}, map[string]any{"method": "post", "path": "/api/echo", "expectStatus": float64(201), "count": float64(3)}},
	}), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Analysis.Policy
	if p.MaxErrorRate != 0.02 || p.MaxErrorRateIncrease != 0.01 || p.MaxP99Ratio != 2 || p.MinRequests != 200 || p.BadWindows != 3 ||
		p.WindowMinutes != 5 || p.MinErrors != 1 || p.LatencyFloorMillis != 20 || c.Analysis.MaxWaitMinutes != 20 || c.Analysis.OnInconclusive != "continue" {
		t.Fatalf("policy not read: %+v %+v", p, c.Analysis)
	}
	var checks []map[string]any
	if err := json.Unmarshal([]byte(c.Analysis.SmokeChecksJSON()), &checks); err != nil || len(checks) != 2 || checks[1]["method"] != "POST" || checks[1]["count"] != float64(3) {
		t.Fatalf("smoke checks %s (%v)", c.Analysis.SmokeChecksJSON(), err)
	}
	c, err = Load(ctx(map[string]any{"analysis": "on", "hookAsset": hookAsset(t), "smokeChecks": `[{"path":"/ready","bodyContains":"ok"}]`}), noEnv)
	if err != nil || len(c.Analysis.SmokeChecks) != 1 || c.Analysis.SmokeChecks[0].BodyContains != "ok" {
		t.Fatalf("smoke checks from -c: %+v %v", c.Analysis.SmokeChecks, err)
	}
}

func TestAnalysisBadValues(t *testing.T) {
	_, err := Load(ctx(map[string]any{
		"analysis": "on", "hookAsset": hookAsset(t), "analysisMaxErrorRate": "2", "analysisMaxErrorRateIncrease": "0",
		"analysisMaxP99Ratio": "0.5", "analysisMinRequests": "0", "analysisBadWindows": "61", "analysisWindowMinutes": "x",
		"onInconclusive": "pass",
		"smokeChecks":    `[{"path":"healthz","method":"FETCH","expectStatus":700,"count":0},{"path":"/","method":"HEAD","bodyContains":"x"}]`,
	}), noEnv)
	if err == nil {
		t.Fatal("bad analysis values accepted")
	}
	for _, want := range []string{
		`analysisMaxErrorRate "2": expected a fraction above 0 and at most 1`,
		`analysisMaxErrorRateIncrease "0": expected a fraction above 0`,
		`analysisMaxP99Ratio "0.5": expected a number from 1 to 100`,
		`analysisMinRequests "0": expected a whole number from 1 to 1000000`,
		`analysisBadWindows "61": expected a whole number from 1 to 60`,
		`analysisWindowMinutes "x": expected a whole number from 1 to 60`,
		`onInconclusive "pass": expected rollback`,
		`smokeChecks[0].path "healthz"`, `smokeChecks[0].method "FETCH"`, `smokeChecks[0].expectStatus "700"`,
		`smokeChecks[1].bodyContains "x": expected unset with method HEAD`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	// A misspelt field is refused, not ignored.
	if _, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": hookAsset(t), "smokeChecks": `[{"path":"/","status":200}]`}), noEnv); err == nil || !strings.Contains(err.Error(), "smokeChecks") {
		t.Errorf("unknown smoke check field: %v", err)
	}
}

func TestAnalysisNeedsAssetAndAWayToTheTestListener(t *testing.T) {
	_, err := Load(ctx(map[string]any{"analysis": "on"}), noEnv)
	if err == nil || !strings.Contains(err.Error(), "hookAsset (not set): required with analysis=on") {
		t.Errorf("no asset: %v", err)
	}
	empty := t.TempDir()
	if _, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": empty}), noEnv); err == nil || !strings.Contains(err.Error(), "a directory holding the function's executable named bootstrap") {
		t.Errorf("asset without bootstrap: %v", err)
	}
	asset := hookAsset(t)
	if _, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": asset, "natGateways": 0}), noEnv); err == nil || !strings.Contains(err.Error(), `natGateways "0": expected 1 to 3 with analysis=on`) {
		t.Errorf("no NAT: %v", err)
	}
	if _, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": asset, "testListenerSources": "vpc"}), noEnv); err == nil || !strings.Contains(err.Error(), "a list including nat with analysis=on") {
		t.Errorf("test listener closed to the NAT: %v", err)
	}
	if _, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": asset, "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}), noEnv); err == nil || !strings.Contains(err.Error(), "domainName (not set): required with analysis=on and certificateArn") {
		t.Errorf("HTTPS without a name: %v", err)
	}
}

func TestAnalysisHookMode(t *testing.T) {
	asset := hookAsset(t)
	c, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": asset, "deploymentMode": "hook"}), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.AfterAllowTestTrafficHook != "webapp-deployment-check" || len(c.HookFunctions) != 1 || c.HookFunctions[0] != "webapp-deployment-check" {
		t.Fatalf("hook mode: the check is the AfterAllowTestTraffic hook: %q %v", c.AfterAllowTestTrafficHook, c.HookFunctions)
	}
	_, err = Load(ctx(map[string]any{"analysis": "on", "hookAsset": asset, "deploymentMode": "hook", "afterAllowTestTrafficHook": "mine"}), noEnv)
	if err == nil || !strings.Contains(err.Error(), `afterAllowTestTrafficHook "mine": expected unset with analysis=on`) {
		t.Fatalf("own hook with analysis: %v", err)
	}
}

func TestAnalysisECSMode(t *testing.T) {
	asset := hookAsset(t)
	// The check runs before every canary step: the per-step rule applies.
	canary := map[string]any{"analysis": "on", "hookAsset": asset, "deploymentMode": "ecs", "deploymentConfig": "CANARY_10PERCENT_5MINUTES", "pipeline": false}
	if _, err := Load(ctx(canary), noEnv); err == nil || !strings.Contains(err.Error(), "preProductionHookPerStep (not set)") {
		t.Fatalf("canary with analysis needs the per-step acknowledgement: %v", err)
	}
	canary["preProductionHookPerStep"] = true
	c, err := Load(ctx(canary), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if total, sum := c.ECS.LongestMinutes(); total != 5+5+2*10 || !strings.Contains(sum, "deployment check 2 × 10 min") {
		t.Errorf("longest %d: %s", total, sum)
	}
	// With the pipeline, the check's waits count against its 60 minutes.
	canary["pipeline"], canary["analysisMaxWaitMinutes"] = true, 30
	if _, err := Load(ctx(canary), noEnv); err == nil || !strings.Contains(err.Error(), "deployment check 2 × 30 min") {
		t.Fatalf("pipeline limit with the check's waits: %v", err)
	}
	// Blue/green: no per-step question.
	if _, err := Load(ctx(map[string]any{"analysis": "on", "hookAsset": asset, "deploymentMode": "ecs"}), noEnv); err != nil {
		t.Fatalf("ecs blue/green with analysis: %v", err)
	}
}
