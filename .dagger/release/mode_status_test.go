package release

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
)

// status without an id in codedeploy mode reports the group's deployment
// in flight instead of asking for an id.
func TestStatusDefaultsToTheGroupsCurrentDeployment(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	d, err := w.cd.CreateDeployment(ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp"), Description: aws.String("pipeline run")})
	if err != nil {
		t.Fatal(err)
	}
	load := func(ctx context.Context) (*Plan, error) { return Load(ctx, w.cfg, w.ecs, "webapp-service") }
	ref, err := ResolveStatus(ctx, "", load, w.cd)
	if err != nil || ref.ID != aws.ToString(d.DeploymentId) || ref.Native {
		t.Fatalf("ResolveStatus = %+v, %v; want deployment %s", ref, err, aws.ToString(d.DeploymentId))
	}
	if ref, err := ResolveStatus(ctx, "d-GIVEN0001", load, w.cd); err != nil || ref.ID != "d-GIVEN0001" {
		t.Fatalf("a given id: %+v, %v", ref, err)
	}
}
