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
		Attestations:             opts.Attestations,
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

// AppSpecFor returns what deploy.Rollback needs to redeploy an earlier
// revision: the service's appspec (container, port, network, capacity
// strategy, hooks) pointing at the given task definition ARN.
func (p *Plan) AppSpecFor(opts Options) func(taskDefARN string) (string, error) {
	return func(taskDefARN string) (string, error) {
		in := p.input(Options{Mode: bundle.ModeDirect, Hooks: opts.Hooks, PlatformVersion: opts.PlatformVersion}, "", taskDefARN)
		out, err := bundle.RenderAppSpec(in)
		return string(out), err
	}
}

// CheckArchitecture refuses an image built for another CPU than the task
// definition runs on (runtimePlatform.cpuArchitecture; Fargate's default is
// X86_64): such tasks would fail to start only after the traffic shift began.
func (p *Plan) CheckArchitecture(fargateArch string) error {
	want := "X86_64"
	if rp := p.TaskDefinition.RuntimePlatform; rp != nil && rp.CpuArchitecture != "" {
		want = string(rp.CpuArchitecture)
	}
	if fargateArch != want {
		return fmt.Errorf("the image is built for %s but task family %s runs on %s: pass --platform %s, or change the task definition's cpuArchitecture in the infrastructure",
			fargateArch, aws.ToString(p.TaskDefinition.Family), want, platformFor(want))
	}
	return nil
}

func platformFor(arch string) string {
	if arch == "ARM64" {
		return "linux/arm64"
	}
	return "linux/amd64"
}
