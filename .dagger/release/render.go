package release

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/bundle"
)

// input assembles the bundle input for imageURI (digest-pinned). taskDefARN
// is the revision the appspec deploys in direct mode.
func (p *Plan) input(opts Options, imageURI, taskDefARN string) bundle.Input {
	in := bundle.Input{
		Mode:                     opts.Mode,
		TaskDefinition:           p.TaskDefinition,
		Tags:                     p.Tags,
		ImageURI:                 imageURI,
		ContainerName:            p.Target.ContainerName,
		ContainerPort:            int32(p.Target.ContainerPort),
		PlatformVersion:          opts.PlatformVersion,
		CapacityProviderStrategy: p.Strategy,
		Hooks:                    opts.Hooks,
		GitRevision:              gitRevision(opts.GitRevision),
		Timestamp:                opts.Now,
	}
	if len(p.Subnets) > 0 {
		in.Network = &bundle.Network{Subnets: p.Subnets, SecurityGroups: p.SecurityGroups, AssignPublicIp: bundle.AssignPublicIPDisabled}
	}
	if opts.Mode == bundle.ModeDirect {
		in.TaskDefinitionArn = taskDefARN
	}
	return in
}

// Render renders and validates the bundle for a pushed image. In direct
// mode taskDefARN is the registered revision; in pipeline mode it is unused
// (CodePipeline fills <TASK_DEFINITION>).
func (p *Plan) Render(opts Options, imageURI, taskDefARN string) (*bundle.Bundle, error) {
	b, err := bundle.Render(p.input(opts, imageURI, taskDefARN))
	if err != nil {
		return nil, fmt.Errorf("the release bundle for %s is invalid:\n%w", imageURI, err)
	}
	return b, nil
}

// Preflight renders the complete bundle against the image's digest before
// anything is pushed or registered, so every problem surfaces while nothing
// has changed yet. In direct mode the current revision's ARN stands in for
// the one registration will return (same family, same shape).
func (p *Plan) Preflight(opts Options, imageURI string) (*bundle.Bundle, error) {
	return p.Render(opts, imageURI, aws.ToString(p.TaskDefinition.TaskDefinitionArn))
}
