package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
)

// RevisionRestorer reads the service and the revision a rollback restores,
// and registers a copy of that revision when it cannot be deployed as it
// is; *ecs.Client satisfies it.
type RevisionRestorer interface {
	ServiceReader
	TaskDefinitionRegistrar
}

var _ RevisionRestorer = (*ecs.Client)(nil)

// Restored is the task definition a rollback deploys for the release it
// puts back.
type Restored struct {
	// Release is the release's task definition, as it served.
	Release string
	// ARN is what the rollback deploys: Release itself, or the marked copy
	// registered in its place (Copied).
	ARN    string
	Copied bool
	// Inactive is true when Release was deregistered (INACTIVE): ECS
	// starts no new task set or deployment on it, so only a copy can run.
	Inactive bool
	// Images are the release's container images.
	Images []string
}

// RestoreRevision prepares release, the task definition a rollback puts
// back in place of undone, for deployment. An INACTIVE revision (a user, a
// clean-up tool or CloudFormation deregistered it) is never deployed as it
// is: ECS refuses new task sets and service deployments on it, and the
// rollback would fail after it started. It is registered again as a copy
// marked as a rollback (RollbackMark, the release id releaseID, empty for a
// new one), keeping the release's own tags but not AWS's or the module's
// marks. alwaysCopy registers the copy for an ACTIVE revision too, for modes
// whose history knows a rollback only by that mark (ecs mode).
func RestoreRevision(ctx context.Context, api TaskDefinitionRegistrar, release, undone, releaseID string, alwaysCopy bool) (Restored, error) {
	out, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(release), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		return Restored{}, fmt.Errorf("describing task definition %s, the rollback target: %w", release, err)
	}
	if out.TaskDefinition == nil {
		return Restored{}, fmt.Errorf("describing task definition %s, the rollback target: no task definition in the answer", release)
	}
	td := out.TaskDefinition
	r := Restored{Release: release, ARN: release, Inactive: td.Status == ecstypes.TaskDefinitionStatusInactive}
	for _, c := range td.ContainerDefinitions {
		r.Images = append(r.Images, aws.ToString(c.Image))
	}
	if !r.Inactive && !alwaysCopy {
		return r, nil
	}
	in := bundle.RegisterFromDescribed(td, nil)
	in.Tags = append(CopiedTags(out.Tags), RollbackMark{RollbackOf: undone, Restores: release}.Tags()...)
	if r.ARN, err = RegisterRelease(ctx, api, in, releaseID); err != nil {
		return Restored{}, fmt.Errorf("registering a copy of task definition %s to roll back to: %w", release, err)
	}
	r.Copied = true
	return r, nil
}

// CopiedTags are the tags a task definition derived from another keeps:
// not AWS's own (aws:…, which cannot be set) nor any of the module's marks
// (ecs-bluegreen:…), which the new revision's registration sets afresh, so a
// release or a rollback copy never inherits a mark.
func CopiedTags(tags []ecstypes.Tag) []ecstypes.Tag {
	var kept []ecstypes.Tag
	for _, t := range tags {
		k := aws.ToString(t.Key)
		if IsModuleTag(k) || strings.HasPrefix(strings.ToLower(k), "aws:") {
			continue
		}
		kept = append(kept, t)
	}
	return kept
}

// releaseOfRevision is the release task definition arn stands for: the one
// it restores when a rollback registered it as a copy, else arn itself.
func releaseOfRevision(ctx context.Context, api ServiceReader, arn string) (string, error) {
	out, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(arn), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		return "", fmt.Errorf("reading the tags of task definition %s, which the service runs: %w", arn, err)
	}
	if m := ParseRollbackMark(out.Tags); m != nil {
		return m.Restores, nil
	}
	return arn, nil
}
