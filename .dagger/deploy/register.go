package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Register registers a task definition revision and returns its ARN; it is
// RegisterRelease with a new release id.
func Register(ctx context.Context, api TaskDefinitionRegistrar, in *ecs.RegisterTaskDefinitionInput) (string, error) {
	return RegisterRelease(ctx, api, in, "")
}

// RegisterRelease registers a task definition revision tagged with releaseID
// (ReleaseTagKey; a new id when empty) and returns its ARN.
//
// The input is checked first: a family, at least one named container with an
// image, and no image still holding a CodePipeline placeholder such as
// <IMAGE1_NAME> (a direct deployment has no pipeline to substitute it, and
// ECS would accept the literal string and fail only when tasks start).
//
// RegisterTaskDefinition is not idempotent: when a call fails, the family's
// newest revisions are searched for the release id before trying again, so a
// lost answer never leaves a second revision behind.
func RegisterRelease(ctx context.Context, api TaskDefinitionRegistrar, in *ecs.RegisterTaskDefinitionInput, releaseID string) (string, error) {
	if err := checkTaskDefinition(in); err != nil {
		return "", err
	}
	if releaseID == "" {
		releaseID = NewReleaseID(time.Now())
	} else if err := CheckReleaseID(releaseID); err != nil {
		return "", err
	}
	family := aws.ToString(in.Family)
	tagged := *in
	tagged.Tags = withReleaseTag(in.Tags, releaseID)
	for attempt := 1; ; attempt++ {
		out, err := api.RegisterTaskDefinition(ctx, &tagged, ecsOnce)
		if err == nil {
			if out.TaskDefinition == nil || aws.ToString(out.TaskDefinition.TaskDefinitionArn) == "" {
				return "", fmt.Errorf("registering task definition family %q: the response carries no task definition ARN", family)
			}
			return aws.ToString(out.TaskDefinition.TaskDefinitionArn), nil
		}
		if refused(err) {
			return "", fmt.Errorf("registering task definition family %q: %w", family, err)
		}
		// A moment for a revision registered just now to be listed.
		if perr := pause(ctx, attempt); perr != nil {
			return "", fmt.Errorf("registering task definition family %q: %w", family, err)
		}
		arn, ferr := findOwnRevision(ctx, api, family, releaseID)
		switch {
		case arn != "":
			return arn, nil
		case ferr != nil:
			return "", fmt.Errorf("registering task definition family %q: %w; whether the revision was registered anyway is unknown (looking for release %s failed: %v)", family, err, releaseID, ferr)
		case !retryable(err) || attempt >= maxMutationAttempts:
			return "", fmt.Errorf("registering task definition family %q: %w", family, err)
		}
	}
}

// revisionsSearched is how many of a family's newest revisions are searched
// for a lost registration: only the last few can be one.
const revisionsSearched = 5

// findOwnRevision returns the ARN of a recent revision of family tagged with
// releaseID, or "".
func findOwnRevision(ctx context.Context, api TaskDefinitionRegistrar, family, releaseID string) (string, error) {
	list, err := api.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: aws.String(family), Sort: ecstypes.SortOrderDesc, MaxResults: aws.Int32(revisionsSearched),
	})
	if err != nil {
		return "", err
	}
	seen := 0
	for _, arn := range list.TaskDefinitionArns {
		// FamilyPrefix is a prefix: webapp also lists webapp-worker.
		if f, _, err := parseTaskDefinitionARN(arn); err != nil || f != family {
			continue
		}
		if seen++; seen > revisionsSearched {
			break
		}
		out, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
			TaskDefinition: aws.String(arn), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
		})
		if err != nil {
			return "", err
		}
		for _, t := range out.Tags {
			if aws.ToString(t.Key) == ReleaseTagKey && aws.ToString(t.Value) == releaseID {
				return arn, nil
			}
		}
	}
	return "", nil
}

// withReleaseTag returns tags with the release tag set to id; a release tag
// carried over from the revision the task definition was derived from is
// replaced.
func withReleaseTag(tags []ecstypes.Tag, id string) []ecstypes.Tag {
	out := make([]ecstypes.Tag, 0, len(tags)+1)
	for _, t := range tags {
		if aws.ToString(t.Key) != ReleaseTagKey {
			out = append(out, t)
		}
	}
	return append(out, ecstypes.Tag{Key: aws.String(ReleaseTagKey), Value: aws.String(id)})
}

func checkTaskDefinition(in *ecs.RegisterTaskDefinitionInput) error {
	if in == nil {
		return errors.New("task definition: nil input; pass a RegisterTaskDefinition document")
	}
	if strings.TrimSpace(aws.ToString(in.Family)) == "" {
		return errors.New("task definition family is empty; set family to the service's task family (e.g. webapp)")
	}
	if len(in.ContainerDefinitions) == 0 {
		return fmt.Errorf("task definition %q has no containerDefinitions; at least one container is required", aws.ToString(in.Family))
	}
	for i, c := range in.ContainerDefinitions {
		name := aws.ToString(c.Name)
		if name == "" {
			return fmt.Errorf("task definition %q: containerDefinitions[%d].name is empty; every container needs a name", aws.ToString(in.Family), i)
		}
		image := aws.ToString(c.Image)
		if image == "" {
			return fmt.Errorf("task definition %q: container %q has an empty image; set the image URI (repository@sha256:digest)", aws.ToString(in.Family), name)
		}
		if strings.Contains(image, "<") || strings.Contains(image, ">") {
			return fmt.Errorf("task definition %q: container %q image %q is still a placeholder; a direct deployment needs the real image URI", aws.ToString(in.Family), name, image)
		}
	}
	return nil
}
