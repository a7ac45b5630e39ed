package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/internal/dagger"
)

// Build compiles the web app into a minimal image: a static binary, CA
// certificates and a non-root user on an empty root filesystem, port 3000
// exposed. Chain it: `build export --path app.tar`, `build publish --address …`.
func (m *EcsBluegreen) Build(
	ctx context.Context,
	// Target platform: linux/amd64 or linux/arm64. The binary is cross-compiled, never emulated.
	// +optional
	// +default="linux/amd64"
	platform string,
	// Version stamped into the binary and the image labels, normally the git revision
	// (e.g. $(git rev-parse --short HEAD)). Defaults to one derived from the source content.
	// +optional
	version string,
	// Builder image with the Go toolchain (point it at a mirror if needed).
	// +optional
	// +default="public.ecr.aws/docker/library/golang:1.26-bookworm"
	goImage string,
	// Source repository URL recorded in the org.opencontainers.image.source label.
	// +optional
	sourceURL string,
) (*dagger.Container, error) {
	p, err := buildplan.ParsePlatform(platform)
	if err != nil {
		return nil, err
	}
	ver, err := m.version(ctx, version)
	if err != nil {
		return nil, err
	}
	labels, err := buildplan.Labels("ecs-bluegreen app", ver, sourceURL)
	if err != nil {
		return nil, err
	}

	builder := m.goBuilder(goImage, m.appSource())
	for _, e := range p.GoEnv() {
		builder = builder.WithEnvVariable(e.Name, e.Value)
	}
	builder = builder.WithExec(buildplan.GoBuildArgs(ver, "./app", buildplan.BuilderBinary))

	rootfs := dag.Directory()
	for _, e := range buildplan.RootFS() {
		// Directory paths are relative to the directory's own root.
		path := strings.TrimPrefix(e.Path, "/")
		if e.From != "" {
			rootfs = rootfs.WithFile(path, builder.File(e.From), dagger.DirectoryWithFileOpts{Permissions: int(e.Mode)})
		} else {
			rootfs = rootfs.WithNewFile(path, e.Content, dagger.DirectoryWithNewFileOpts{Permissions: int(e.Mode)})
		}
	}

	img := dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(p.String())}).
		WithRootfs(rootfs).
		WithUser(buildplan.User()).
		WithWorkdir("/").
		WithEnvVariable("PORT", fmt.Sprint(buildplan.AppPort)).
		WithExposedPort(buildplan.AppPort).
		WithEntrypoint([]string{buildplan.BinaryPath})
	for _, l := range labels {
		img = img.WithLabel(l.Name, l.Value)
	}
	return img, nil
}

// Serve runs the app image as a service for a local preview:
// `dagger call serve up --ports 3000:3000`, then open http://localhost:3000.
func (m *EcsBluegreen) Serve(
	ctx context.Context,
	// Deployment colour shown on the page (a CSS colour name or #rrggbb); defaults to one derived from the version.
	// +optional
	color string,
	// Version stamped into the binary (see build).
	// +optional
	version string,
	// Builder image with the Go toolchain.
	// +optional
	// +default="public.ecr.aws/docker/library/golang:1.26-bookworm"
	goImage string,
) (*dagger.Service, error) {
	// Build for the engine's own platform so the preview never needs emulation.
	native, err := dag.Container().Platform(ctx)
	if err != nil {
		return nil, err
	}
	img, err := m.Build(ctx, string(native), version, goImage, "")
	if err != nil {
		return nil, err
	}
	if color != "" {
		img = img.WithEnvVariable("DEPLOYMENT_COLOR", color)
	}
	return img.AsService(dagger.ContainerAsServiceOpts{Args: []string{buildplan.BinaryPath}}), nil
}

// Test runs `go vet` and `go test` over the app and infra modules and the
// module's own packages inside the Go builder image, and returns their
// output. Tests that need tools the image lacks (node, cfn-lint, moto) skip
// with a reason; run the project's full suite with ./scripts/test.
func (m *EcsBluegreen) Test(
	ctx context.Context,
	// Builder image with the Go toolchain.
	// +optional
	// +default="public.ecr.aws/docker/library/golang:1.26-bookworm"
	goImage string,
	// Skip the slower tests that build binaries (go test -short).
	// +optional
	short bool,
) (string, error) {
	ctr := m.goBuilder(goImage, m.Source)
	var out strings.Builder
	for _, step := range buildplan.TestSteps(short) {
		run := ctr.WithWorkdir("/src/"+step.Dir).
			WithExec(step.Args, dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
		code, err := run.ExitCode(ctx)
		if err != nil {
			return out.String(), err
		}
		text, err := run.CombinedOutput(ctx)
		if err != nil {
			return out.String(), err
		}
		fmt.Fprintf(&out, "$ (cd %s && %s)\n%s\n", step.Dir, strings.Join(step.Args, " "), text)
		if code != 0 {
			return out.String(), fmt.Errorf("%s failed in %s (exit %d):\n%s", strings.Join(step.Args, " "), step.Dir, code, text)
		}
	}
	return out.String(), nil
}

// goBuilder is the Go toolchain container with src in /src: go.mod and
// go.sum first and downloaded, so the module cache layer survives source
// edits; module and build caches on volumes.
func (m *EcsBluegreen) goBuilder(goImage string, src *dagger.Directory) *dagger.Container {
	return dag.Container().From(goImage).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume("ecs-bluegreen-go-mod")).
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume("ecs-bluegreen-go-build")).
		WithEnvVariable("GOFLAGS", "-mod=readonly").
		WithWorkdir("/src").
		WithDirectory("/src", src, dagger.ContainerWithDirectoryOpts{Include: []string{"go.mod", "go.sum"}}).
		WithExec([]string{"go", "mod", "download"}).
		WithDirectory("/src", src)
}

// appSource is the part of the source the app image is built from; its
// digest is the default version, so only app changes produce a new one.
func (m *EcsBluegreen) appSource() *dagger.Directory {
	return m.Source.Filter(dagger.DirectoryFilterOpts{Exclude: buildplan.AppSourceExclude})
}

// version resolves the stamped version (see buildplan.Version).
func (m *EcsBluegreen) version(ctx context.Context, given string) (string, error) {
	if strings.TrimSpace(given) != "" {
		return buildplan.Version(given, "")
	}
	digest, err := m.appSource().Digest(ctx)
	if err != nil {
		return "", err
	}
	return buildplan.Version("", digest)
}
