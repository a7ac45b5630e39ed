package release

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/deploy"
)

// TestReleaseAfterARollbackCarriesNoMarks: after a rollback the service
// runs the rollback's marked copy; a release made then carries none of its
// marks, whether the template of record is a clean revision or the marked
// copy itself.
func TestReleaseAfterARollbackCarriesNoMarks(t *testing.T) {
	for _, tc := range []struct {
		name           string
		templateIsCopy bool
	}{{"clean template", false}, {"template carries the marks", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e, plan := nativeWorld(t, canary())
			if _, err := released(t, e, e.V2); err != nil {
				t.Fatal(err)
			}
			rb, err := rollback(t, e, plan, RollbackRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if _, tags := describeTagged(t, e.ECS, rb.TaskDefinitionArn); tags[deploy.RollbackOfTagKey] == "" {
				t.Fatalf("the rollback's copy is not marked: %v", tags)
			}
			target := plan.Target
			if tc.templateIsCopy {
				target.TaskDefinitionArn = rb.TaskDefinitionArn
			}
			next, err := LoadTarget(context.Background(), e.ECS, target)
			if err != nil {
				t.Fatal(err)
			}
			var progress, printed strings.Builder
			req := nativeRequest(newSteppedClock(e.Clock), &progress, 0)
			req.DiffOut = &printed
			res, err := next.DeployNative(context.Background(), e.ECS, req)
			if err != nil {
				t.Fatalf("release after the rollback: %v\n%s", err, progress.String())
			}
			_, tags := describeTagged(t, e.ECS, res.TaskDefinitionArn)
			assertNoInheritedMarks(t, tags, req.ReleaseID)
			if strings.Contains(printed.String(), "ecs-bluegreen:") {
				t.Errorf("the printed diff shows a mark:\n%s", printed.String())
			}
		})
	}
}

func TestReleaseTagsDropEveryModuleMark(t *testing.T) {
	in := append([]ecstypes.Tag{
		{Key: aws.String("team"), Value: aws.String("web")},
		{Key: aws.String("ecs-bluegreen:some-future-mark"), Value: aws.String("x")},
		{Key: aws.String("aws:cloudformation:stack-name"), Value: aws.String("webapp-service")},
	}, rollbackMarks...)
	got := deploy.CopiedTags(in)
	if len(got) != 1 || aws.ToString(got[0].Key) != "team" {
		t.Fatalf("kept %+v", got)
	}
}
