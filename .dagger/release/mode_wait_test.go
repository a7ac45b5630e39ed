package release

import (
	"context"
	"strings"
	"testing"
	"time"

	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
)

// In codedeploy mode a wait until traffic-shifted ends when the termination
// wait begins: a 45-minute wait must not be refused for a 24-hour
// termination wait it never waits for, while a wait to the end still is.
func TestCodeDeployWaitCheckHonoursWaitUntil(t *testing.T) {
	w := newWorldWith(t, "codedeploy", &cdtypes.BlueGreenDeploymentConfiguration{
		TerminateBlueInstancesOnDeploymentSuccess: &cdtypes.BlueInstanceTerminationOption{Action: cdtypes.InstanceActionTerminate, TerminationWaitTimeInMinutes: 24 * 60},
		DeploymentReadyOption:                     &cdtypes.DeploymentReadyOption{ActionOnTimeout: cdtypes.DeploymentReadyActionContinueDeployment},
	})
	ctx := context.Background()
	p, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckWaitFits(ctx, w.cd, deploy.Options{Timeout: 45 * time.Minute, Until: ecsdeploy.TrafficShifted}, time.Time{}); err != nil {
		t.Fatalf("45m until traffic-shifted refused for a termination wait it does not wait for: %v", err)
	}
	err = p.CheckWaitFits(ctx, w.cd, deploy.Options{Timeout: 45 * time.Minute}, time.Time{})
	if err == nil || !strings.Contains(err.Error(), "termination wait 24h0m") || !strings.Contains(err.Error(), "--wait-until traffic-shifted") {
		t.Fatalf("45m to the end of a 24h termination wait: %v; want a refusal naming the wait and --wait-until traffic-shifted", err)
	}
}
