package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

func TestMain(m *testing.M) {
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	code := 0
	if _, err := exec.LookPath("node"); err != nil && os.Getenv("CI") != "true" {
		fmt.Println("skipping CDK tests: node not found on PATH")
	} else {
		asset, err := standInHookAsset()
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		for _, sc := range scenarios {
			if sc["analysis"] == "on" {
				sc["hookAsset"] = asset
			}
		}
		code = m.Run()
		os.RemoveAll(asset)
	}
	jsii.Close()
	os.Exit(code)
}

// Test configurations, synthesized once each (jsii is single-threaded and a
// synth costs seconds).
var scenarios = map[string]map[string]any{
	// Defaults, bound to the test account like a CLI run against it.
	"codedeploy": {"account": "123456789012", "region": "us-east-1"},
	// Second design with every optional feature on.
	"hook": {
		"account": "123456789012", "region": "us-east-1",
		"deploymentMode": "hook", "deploymentConfig": "CUSTOM_CANARY", "trafficPercent": 20, "trafficMinutes": 15,
		"terminationWaitMinutes": 30, "afterAllowTestTrafficHook": "CodeDeployHook_smoke",
		"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0000-1111",
		"hostedZoneId":   "Z0123456789ABC", "zoneName": "example.com", "domainName": "app.example.com",
		// An explicit image wins over the live one: that is a hook-mode release.
		"image": hookImage, "liveImage": liveImage, "liveDeploymentMode": "hook",
		// Production defaults: access logs, deletion protection, default SG locked down.
		"profile": "production", "alarmEmail": "ops@example.com",
	},
	// ECS-native canary with every hook kind, bound to the test account.
	"ecs": {
		"account": "123456789012", "region": "us-east-1",
		"deploymentMode": "ecs", "deploymentConfig": "CUSTOM_CANARY", "trafficPercent": 12.5, "trafficMinutes": 10,
		"terminationWaitMinutes": 30, "hookLambdas": ecsHookLambdas, "pauseStages": "POST_TEST_TRAFFIC_SHIFT",
		// 10 min canary + 15 min pause + 30 min bake fit the pipeline's ECS action (60 min).
		"pauseTimeoutMinutes": 15, "pauseTimeoutAction": "ROLLBACK",
		// The smoke hook runs before both canary steps, knowingly.
		"preProductionHookPerStep": true,
		// Provenance signed with a key the ECR stack creates; the GitHub release role may sign too.
		"signingKey": "create", "releaseRoleArn": releaseRole,
	},
	// ECS-native blue/green with the defaults, environment-agnostic, HTTPS;
	// deployed, an odd number of releases ago: both rules on green, the
	// listeners' default actions as first deployed.
	"ecs-bluegreen": {
		"deploymentMode": "ecs", "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0000-1111",
		"liveDeploymentMode": "ecs", "liveProductionTarget": "green", "liveTestTarget": "green",
		"liveProductionListenerTarget": "blue", "liveTestListenerTarget": "green", "liveTaskDefinition": liveTaskDefinition,
	},
	// A codedeploy-mode stack with production on green migrating to ecs mode
	// (synthesized by the tests that name it, not walked by every check).
	"ecs-migrating": {
		"deploymentMode": "ecs", "liveDeploymentMode": "codedeploy", "liveProductionTarget": "green", "liveTestTarget": "blue",
		"liveTaskDefinition": liveTaskDefinition,
	},
	// Hook mode deployed, updated without an image: the live image stays.
	"hook-live": {
		"account": "123456789012", "region": "us-east-1", "deploymentMode": "hook",
		"liveDeploymentMode": "hook", "liveProductionTarget": "green", "liveTestTarget": "green", "liveImage": liveImage,
	},
	// The deployment check in each mode (hookAsset is set by TestMain).
	"codedeploy-analysis": {
		"account": "123456789012", "region": "us-east-1", "appName": "shop",
		"deploymentConfig": "CANARY_10PERCENT_5MINUTES", "analysis": "on",
		"analysisMaxErrorRate": "0.02", "analysisMaxP99Ratio": 2, "analysisMinRequests": 100, "analysisWindowMinutes": 1,
		"smokeChecks": `[{"path":"/healthz"},{"path":"/","bodyContains":"shop"}]`,
	},
	"hook-analysis": {
		"account": "123456789012", "region": "us-east-1",
		"deploymentMode": "hook", "deploymentConfig": "CUSTOM_CANARY", "trafficPercent": 10, "trafficMinutes": 10,
		"analysis": "on", "onInconclusive": "continue",
	},
	"ecs-analysis": {
		"account": "123456789012", "region": "us-east-1",
		"deploymentMode": "ecs", "deploymentConfig": "CANARY_10PERCENT_5MINUTES", "preProductionHookPerStep": true,
		"hookLambdas": "POST_SCALE_UP=arn:aws:lambda:us-east-1:123456789012:function:warm",
		"analysis":    "on", "analysisBadWindows": 3,
	},
	// Environment-agnostic, no NAT, GitHub source, custom linear shifting.
	"agnostic": {
		"appName": "shop", "natGateways": 0, "containerPort": 8000, "cpu": 1024, "memory": 2048, "cpuArchitecture": "arm64",
		"deploymentConfig": "CUSTOM_LINEAR", "trafficPercent": 25, "trafficMinutes": 2,
		"sourceType": "github", "connectionArn": "arn:aws:codeconnections:us-east-1:123456789012:connection/abc",
		"githubOwner": "acme", "githubRepo": "shop",
		"certificateArn":     "arn:aws:acm:us-east-1:123456789012:certificate/0000-1111",
		"healthCheckCommand": "/app -healthcheck",
		// Test traffic from a prefix list, a security group and a network.
		"testListenerSources": "pl-0123456789abcdef0,sg-0abc12345678def90,203.0.113.0/24",
		"hookFunctions":       "smoke-test", "alarmTopicArn": "arn:aws:sns:us-east-1:123456789012:ops",
		// Deployed, with production moved to green by an odd number of releases.
		"liveProductionTarget": "green", "liveTestTarget": "blue", "liveDeploymentMode": "codedeploy",
		"liveTaskDefinition": liveTaskDefinition,
		// Provenance signed with a key made elsewhere.
		"signingKey": existingSigningKey,
	},
}

// standInHookAsset writes a stand-in for the deployment check function's
// bootstrap into a temporary directory: the synth only packages it (the
// real binary is cross-compiled and checked in .dagger, where its source
// lives).
func standInHookAsset() (string, error) {
	dir, err := os.MkdirTemp("", "hook-asset-")
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!stand-in for the linux/arm64 deployment check\n"), 0o755)
}

// releaseRole is the GitHub release role of the ecs scenario.
const releaseRole = "arn:aws:iam::123456789012:role/github-release"

// existingSigningKey is the agnostic scenario's own signing key.
const existingSigningKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// liveTaskDefinition is the revision the live scenarios' service runs (a
// release's, not the stack's own).
const liveTaskDefinition = "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:17"

// liveImage is the image the hook-live scenario's service runs.
const liveImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface"

// ecsHookLambdas runs one function at two stages and another at one.
const ecsHookLambdas = "POST_SCALE_UP=arn:aws:lambda:us-east-1:123456789012:function:warm," +
	"PRE_PRODUCTION_TRAFFIC_SHIFT=arn:aws:lambda:us-east-1:123456789012:function:smoke," +
	"POST_PRODUCTION_TRAFFIC_SHIFT=arn:aws:lambda:us-east-1:123456789012:function:smoke"

// scenarioNames lists every scenario, for the tests that walk them all.
var scenarioNames = []string{"codedeploy", "hook", "hook-live", "agnostic", "ecs", "ecs-bluegreen", "codedeploy-analysis", "hook-analysis", "ecs-analysis"}

// hookImage is the digest the hook scenario deploys.
const hookImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

type synthesized struct {
	cfg       config.Config
	app       *App
	templates map[string]assertions.Template
	json      map[string]map[string]any
}

var synthCache = map[string]*synthesized{}

// committedContext is the context the CDK CLI passes from the committed
// files: cdk.json "context" and the cdk.context.json lookups, so the tests
// synthesize what `cdk synth` does, offline.
func committedContext(t testing.TB) map[string]any {
	t.Helper()
	ctx := map[string]any{}
	for _, f := range []string{"../cdk.json", "../cdk.context.json"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if c, ok := doc["context"].(map[string]any); ok && f == "../cdk.json" {
			doc = c
		}
		for k, v := range doc {
			ctx[k] = v
		}
	}
	return ctx
}

// synth builds the named scenario once per test binary.
func synth(t testing.TB, name string) *synthesized {
	t.Helper()
	if s, ok := synthCache[name]; ok {
		return s
	}
	s, err := synthConfig(committedContext(t), scenarios[name])
	if err != nil {
		t.Fatalf("synth %s: %v", name, err)
	}
	synthCache[name] = s
	return s
}

func synthConfig(base, overrides map[string]any) (s *synthesized, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	ctx := map[string]any{}
	for k, v := range base {
		ctx[k] = v
	}
	for k, v := range overrides {
		ctx[k] = v
	}
	cfg, err := config.Load(func(k string) (any, bool) { v, ok := ctx[k]; return v, ok }, func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
	a := Build(app, cfg)
	s = &synthesized{cfg: cfg, app: a, templates: map[string]assertions.Template{}, json: map[string]map[string]any{}}
	parts := map[string]awscdk.Stack{"ecr": a.ECR.Stack, "network": a.Network.Stack, "service": a.Service.Stack}
	if a.Pipeline != nil {
		parts["pipeline"] = a.Pipeline.Stack
	}
	for part, st := range parts {
		tpl := assertions.Template_FromStack(st, nil)
		s.templates[part] = tpl
		raw, _ := json.Marshal(tpl.ToJSON())
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		s.json[part] = m
	}
	return s, nil
}

// check runs CDK assertions, which report a mismatch by panicking, and turns
// the panic into a test failure.
func check(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("assertion failed: %v", r)
		}
	}()
	f()
}

// obj and arr shorten assertion patterns.
type obj = map[string]any
type arr = []any

func like(v obj) assertions.Matcher         { return assertions.Match_ObjectLike(&v) }
func arrayWith(v ...any) assertions.Matcher { return assertions.Match_ArrayWith(&v) }
