package release

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
)

// input assembles the bundle input for imageURI (digest-pinned): the
// template of record with the release's tags (the bundle replaces the app
// container's image), and the live service's capacity-provider strategy and
// network. taskDefARN is the revision the appspec deploys in direct mode.
func (p *Plan) input(opts Options, imageURI, taskDefARN string) bundle.Input {
	in := bundle.Input{
		Mode:                     opts.Mode,
		TaskDefinition:           p.TaskDefinition,
		Tags:                     deploy.CopiedTags(p.Tags),
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
// has changed yet. In direct mode the template's ARN stands in for the one
// registration will return (same family, same shape).
//
// In ecs mode the pipeline artifacts are imagedefinitions.json and
// release.json (see RenderNative); Preflight renders those and returns a nil
// bundle.
func (p *Plan) Preflight(opts Options, imageURI string) (*bundle.Bundle, error) {
	if p.Native() && opts.Mode == bundle.ModePipeline {
		_, err := p.RenderNative(opts, imageURI)
		return nil, err
	}
	return p.Render(opts, imageURI, aws.ToString(p.TaskDefinition.TaskDefinitionArn))
}

// RenderNative renders the pipeline artifacts of an ecs-mode release:
// imagedefinitions.json for CodePipeline's ECS deploy action and
// release.json, validated together.
func (p *Plan) RenderNative(opts Options, imageURI string) (map[string][]byte, error) {
	files, err := bundle.RenderNative(p.input(opts, imageURI, ""))
	if err != nil {
		return nil, fmt.Errorf("the release artifacts for %s are invalid:\n%w", imageURI, err)
	}
	return files, nil
}

// AppSpecFor returns what deploy.Rollback needs to redeploy an earlier
// revision: the service's appspec (container, port, network) pointing at the
// given task definition ARN, keeping the settings of the release that served
// it (hooks, platform version, capacity provider strategy) from that
// deployment's own appspec. opts fills in what the served appspec does not
// say (or all of it when it is unknown).
func (p *Plan) AppSpecFor(opts Options) deploy.RenderAppSpec {
	return func(taskDefARN, served string) (string, error) {
		o := Options{Mode: bundle.ModeDirect, Hooks: opts.Hooks, PlatformVersion: opts.PlatformVersion}
		in := p.input(o, "", taskDefARN)
		if served != "" {
			if err := keepReleaseSettings(&in, served); err != nil {
				return "", err
			}
		}
		out, err := bundle.RenderAppSpec(in)
		return string(out), err
	}
}

// keepReleaseSettings copies the hooks, platform version and capacity
// provider strategy of a served appspec into in. The network stays the
// service's current one: subnets and security groups belong to the
// infrastructure, which may have changed since.
func keepReleaseSettings(in *bundle.Input, served string) error {
	spec, err := bundle.DecodeAppSpec([]byte(served))
	if err != nil {
		return fmt.Errorf("the appspec of the release being restored: %w", err)
	}
	props := spec.Target()
	if props == nil {
		return fmt.Errorf("the appspec of the release being restored has no single ECS service resource")
	}
	if len(spec.Hooks) > 0 {
		in.Hooks = map[string]string{}
		for _, h := range spec.Hooks {
			for event, fn := range h {
				in.Hooks[event] = fn
			}
		}
	}
	if props.PlatformVersion != "" {
		in.PlatformVersion = props.PlatformVersion
	}
	if len(props.CapacityProviderStrategy) > 0 {
		in.CapacityProviderStrategy = nil
		for _, c := range props.CapacityProviderStrategy {
			in.CapacityProviderStrategy = append(in.CapacityProviderStrategy, ecstypes.CapacityProviderStrategyItem{
				CapacityProvider: aws.String(c.CapacityProvider), Base: c.Base, Weight: c.Weight,
			})
		}
	}
	return nil
}

// CheckArchitecture refuses an image built for another CPU than the task
// definition runs on (runtimePlatform.cpuArchitecture; Fargate's default is
// X86_64): such tasks would fail to start only after the traffic shift began.
func (p *Plan) CheckArchitecture(fargateArch string) error {
	if want := p.architecture(); fargateArch != want {
		return fmt.Errorf("the image is built for %s but task family %s runs on %s: pass --platform %s, or change the task definition's cpuArchitecture in the infrastructure",
			fargateArch, aws.ToString(p.TaskDefinition.Family), want, platformFor(want))
	}
	return nil
}

// architecture is the task definition's CPU architecture (Fargate's default
// is X86_64).
func (p *Plan) architecture() string {
	if rp := p.TaskDefinition.RuntimePlatform; rp != nil && rp.CpuArchitecture != "" {
		return string(rp.CpuArchitecture)
	}
	return "X86_64"
}

func platformFor(arch string) string {
	if arch == "ARM64" {
		return "linux/arm64"
	}
	return "linux/amd64"
}
