package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Register registers a task definition revision and returns its ARN.
//
// The input is checked first: a family, at least one named container with an
// image, and no image still holding a CodePipeline placeholder such as
// <IMAGE1_NAME> (a direct deployment has no pipeline to substitute it, and
// ECS would accept the literal string and fail only when tasks start).
func Register(ctx context.Context, api TaskDefinitionRegistrar, in *ecs.RegisterTaskDefinitionInput) (string, error) {
	if err := checkTaskDefinition(in); err != nil {
		return "", err
	}
	out, err := api.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return "", fmt.Errorf("registering task definition family %q: %w", aws.ToString(in.Family), err)
	}
	if out.TaskDefinition == nil || aws.ToString(out.TaskDefinition.TaskDefinitionArn) == "" {
		return "", fmt.Errorf("registering task definition family %q: the response carries no task definition ARN", aws.ToString(in.Family))
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn), nil
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
