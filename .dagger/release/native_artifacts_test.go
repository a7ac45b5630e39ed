package release

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
	"dagger/ecs-bluegreen/stackout"
)

// TestNativePipelineArtifacts: without --deploy an ecs-mode release renders
// imagedefinitions.json and release.json (no CodeDeploy files), the same
// files Preflight checks before the push.
func TestNativePipelineArtifacts(t *testing.T) {
	_, plan := nativeWorld(t, canary())
	opts := Options{Mode: bundle.ModePipeline}
	if b, err := plan.Preflight(opts, nativeImage); err != nil || b != nil {
		t.Fatalf("Preflight: %v, %v", b, err)
	}
	files, err := plan.RenderNative(opts, nativeImage)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || !strings.Contains(string(files[bundle.FileImageDefinitions]), `"name": "webapp"`) || !strings.Contains(string(files[bundle.FileImageDefinitions]), nativeImage) {
		t.Fatalf("files: %q", files)
	}
	if _, err := plan.Preflight(opts, "registry.example/webapp:v3"); err == nil {
		t.Error("an image without a digest passed the preflight")
	}
}

// TestDeployNativeRefusesATimeoutShorterThanTheSchedule: the canary bake and
// the bake time must fit in --timeout (only the part up to the checkpoint
// with --wait-until traffic-shifted), checked before anything is registered.
func TestDeployNativeRefusesATimeoutShorterThanTheSchedule(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	var out strings.Builder
	req := nativeRequest(newSteppedClock(e.Clock), &out, 10*time.Minute)
	res, err := plan.DeployNative(context.Background(), e.ECS, req)
	if err == nil || !strings.Contains(err.Error(), "--timeout 10m cannot cover a deployment of service webapp: its deployment configuration takes at least 15m (traffic routing 5m (CANARY 10%) + bake time 10m) to reach deployed") || res.TaskDefinitionArn != "" {
		t.Fatalf("err %v, registered %q", err, res.TaskDefinitionArn)
	}
	if err := plan.CheckNativeWait(10*time.Minute, time.Time{}, ecsdeploy.TrafficShifted); err != nil {
		t.Errorf("traffic-shifted needs only the 5 min canary bake: %v", err)
	}
	if err := plan.CheckNativeWait(4*time.Minute, time.Time{}, ecsdeploy.TrafficShifted); err == nil || !strings.Contains(err.Error(), "to reach traffic-shifted") {
		t.Errorf("4m for a 5 min canary bake: %v", err)
	}
	// The function's early check takes the same path for an ecs-mode plan.
	if err := plan.CheckWaitFits(context.Background(), nil, deploy.Options{Timeout: 10 * time.Minute}, time.Time{}); err == nil || !strings.Contains(err.Error(), "to reach deployed") {
		t.Errorf("CheckWaitFits on an ecs-mode plan, 10m for 15m: %v", err)
	}
	codeDeploy := &Plan{Target: stackout.ReleaseTarget{Stack: "webapp-service", DeploymentMode: stackout.ModeCodeDeploy}}
	if err := codeDeploy.CheckWaitFits(context.Background(), nil, deploy.Options{Timeout: time.Hour, Until: checkpoint(t, "RECONCILE_SERVICE")}, time.Time{}); err == nil || !strings.Contains(err.Error(), "no counterpart in a CodeDeploy deployment") {
		t.Errorf("CheckWaitFits on a codedeploy-mode plan, RECONCILE_SERVICE: %v", err)
	}
	if s := deploy.ServiceSchedule(&ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(2),
		LinearConfiguration: &ecstypes.LinearConfiguration{StepPercent: aws.Float64(30), StepBakeTimeInMinutes: aws.Int32(3)}}); s.Minimum() != 11*time.Minute {
		t.Errorf("linear 30%% every 3m + 2m bake: %s (%s), want 11m (three bakes between four steps, then the bake)", s.Minimum(), s)
	}
}

// TestShipAndArtifactsFollowTheStackMode: in ecs mode Ship runs the native
// deployment and Artifacts renders imagedefinitions.json; deployment.json
// records what happened.
func TestShipAndArtifactsFollowTheStackMode(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	files, err := plan.Artifacts(Options{Mode: bundle.ModePipeline}, nativeImage)
	if err != nil || files[bundle.FileImageDefinitions] == nil || files[bundle.FileAppSpec] != nil {
		t.Fatalf("artifacts %v: %v", len(files), err)
	}
	var out strings.Builder
	req := nativeRequest(newSteppedClock(e.Clock), &out, 0)
	req.Wait.Until = ecsdeploy.TrafficShifted
	res, err := plan.Ship(context.Background(), e.ECS, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("{\n  \"releaseId\": %q,\n  \"deploymentId\": %q,\n  \"taskDefinitionArn\": %q,\n  \"waited\": true,\n  \"checkpoint\": \"traffic-shifted\",\n  \"leftRunning\": false\n}\n",
		req.ReleaseID, res.DeploymentID, res.TaskDefinitionArn)
	if got := res.DeploymentJSON(req.ReleaseID); got != want {
		t.Errorf("deployment.json\n%s\nwant\n%s", got, want)
	}
}

// checkpoint parses a --wait-until value or fails the test.
func checkpoint(t *testing.T, s string) ecsdeploy.Checkpoint {
	t.Helper()
	c, err := ecsdeploy.ParseCheckpoint(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
