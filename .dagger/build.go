package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/internal/dagger"
)

// Build compiles a Go service (this repository's app by default; any other
// with --source and --pkg) into a minimal image for one platform (a static
// binary, CA certificates and a non-root user on an empty root filesystem,
// exposing --port, default 3000) and returns it as a container for
// chaining: `build as-service up`, `build export` (the image has no shell,
// so `terminal` needs a --cmd).
// The image is assembled deterministically and imported;
// Dagger re-serializes a container when it exports or publishes it, so for
// the byte-reproducible image use `tarball` (and publish/release, which push
// those exact bytes).
func (m *EcsBluegreen) Build(
	ctx context.Context,
	// The service's Go module, the directory holding its go.mod (e.g. . or ./services/api). Default: the
	// repository holding this module, without the infrastructure, docs and the module itself; called from another
	// repository (-m), pass it. A replace directive may point only inside it.
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// Main package to build, relative to the go.mod of --source: ./app (the default), ./cmd/server, or . for the module root.
	// +optional
	pkg string,
	// Port the service listens on, 1 to 65535: the image exposes it and sets PORT to it; default 3000.
	// +optional
	port int,
	// Target platform: linux/amd64 or linux/arm64. The binary is cross-compiled, never emulated.
	// For a multi-platform image index use the tarball, publish or release function.
	// +optional
	// +default="linux/amd64"
	platform string,
	// Version stamped into the binary and the image labels, normally the git revision
	// (e.g. $(git rev-parse --short HEAD)). Defaults to one derived from the source content by the
	// engine, whose digest format may change between Dagger releases: pass it for a digest that
	// every engine reproduces.
	// +optional
	version string,
	// Builder image with the Go toolchain (point it at a mirror if needed); default: the pinned default in buildplan/goimage.go.
	// Give another one by digest (…:tag@sha256:…) to keep the image digest a function of the source.
	// +optional
	goImage string,
	// Source repository URL recorded in the org.opencontainers.image.source label.
	// +optional
	sourceURL string,
	// Creation time of the image and of every file in it, in seconds since the Unix epoch
	// (SOURCE_DATE_EPOCH; e.g. $(git log -1 --format=%ct)). 0, the default, is the epoch itself.
	// +optional
	sourceDateEpoch int,
) (*dagger.Container, error) {
	img, err := m.assemble(ctx, source, imageArgs{
		platforms: []string{platform}, version: version, goImage: goImage, sourceURL: sourceURL, sourceDateEpoch: sourceDateEpoch,
		pkg: pkg, port: port,
	})
	if err != nil {
		return nil, err
	}
	file, err := img.file(ctx)
	if err != nil {
		return nil, err
	}
	// Import does not carry the config's exposed ports into Dagger's own port
	// list, which is what services forward and wait for: declare the port.
	// Syncing makes a bad layout fail here rather than in the caller's chain.
	return dag.Container(dagger.ContainerOpts{Platform: dagger.Platform(img.platforms[0].String())}).
		Import(file).
		WithExposedPort(img.port).
		Sync(ctx)
}

// Tarball builds the app image (see build) and returns its exact bytes as an
// OCI image layout in a tar: `tarball export --path app.tar`. With several
// platforms (--platform linux/amd64,linux/arm64) the layout holds an image
// index. The same source, version, platforms, builder image and source date
// always give the same bytes, so the same digest.
func (m *EcsBluegreen) Tarball(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// Main package to build, relative to the go.mod of --source: ./app (the default), ./cmd/server, or . for the module root.
	// +optional
	pkg string,
	// Port the service listens on, 1 to 65535: the image exposes it and sets PORT to it; default 3000.
	// +optional
	port int,
	// Target platforms: linux/amd64, linux/arm64, or both (comma-separated); the default is linux/amd64.
	// +optional
	platform []string,
	// Version stamped into the binary and the labels (see build).
	// +optional
	version string,
	// Builder image with the Go toolchain; default: the pinned default in buildplan/goimage.go (see build).
	// +optional
	goImage string,
	// Source repository URL recorded in the org.opencontainers.image.source label.
	// +optional
	sourceURL string,
	// Creation time of the image and its files, seconds since the Unix epoch (see build).
	// +optional
	sourceDateEpoch int,
) (*dagger.File, error) {
	img, err := m.assemble(ctx, source, imageArgs{
		platforms: platform, version: version, goImage: goImage, sourceURL: sourceURL, sourceDateEpoch: sourceDateEpoch,
		pkg: pkg, port: port,
	})
	if err != nil {
		return nil, err
	}
	return img.file(ctx)
}

// Serve runs the app image as a service for a local preview:
// `dagger call serve up --ports 3000:3000`, then open http://localhost:3000
// (another service: `serve --pkg ./cmd/server --port 8080 up --ports 8080:8080`).
func (m *EcsBluegreen) Serve(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// Main package to build, relative to the go.mod of --source: ./app (the default), ./cmd/server, or . for the module root.
	// +optional
	pkg string,
	// Port the service listens on, 1 to 65535: the image exposes it and sets PORT to it; default 3000.
	// +optional
	port int,
	// Deployment colour shown on the page (a CSS colour name or #rrggbb); defaults to one derived from the version.
	// +optional
	color string,
	// Version stamped into the binary (see build).
	// +optional
	version string,
	// Builder image with the Go toolchain; default: the pinned default in buildplan/goimage.go.
	// +optional
	goImage string,
) (*dagger.Service, error) {
	// Build for the engine's own platform so the preview never needs emulation.
	native, err := dag.Container().Platform(ctx)
	if err != nil {
		return nil, err
	}
	img, err := m.Build(ctx, source, pkg, port, string(native), version, goImage, "", 0)
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
	// The project directory (defaults to the repository holding this module).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger/ecs-bluegreen"]
	source *dagger.Directory,
	// Builder image with the Go toolchain; default: the pinned default in buildplan/goimage.go.
	// +optional
	goImage string,
	// Skip the slower tests that build binaries (go test -short).
	// +optional
	short bool,
) (string, error) {
	ctr, err := goBuilder(ctx, goImage, source)
	if err != nil {
		return "", err
	}
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

// goBuilder is the Go toolchain container with src in /src. The module's
// go.mod graph (go.mod, go.sum and the go.mod of each local replacement:
// buildplan.ModuleFiles) is mounted file by file before the download: a
// file is keyed on its own content, so `go mod download` stays cached across
// source edits (a directory filtered to those files would be keyed on the
// whole source). Module and build caches live on volumes.
func goBuilder(ctx context.Context, goImage string, src *dagger.Directory) (*dagger.Container, error) {
	hasMod, err := src.Exists(ctx, "go.mod")
	if err != nil {
		return nil, err
	}
	if !hasMod {
		return nil, fmt.Errorf("--source has no go.mod at its root: pass the directory of the service's Go module, e.g. --source . or --source ./services/api")
	}
	gomod, err := src.File("go.mod").Contents(ctx)
	if err != nil {
		return nil, err
	}
	files, err := buildplan.ModuleFiles([]byte(gomod), func(rel string) bool {
		ok, err := src.Exists(ctx, rel, dagger.DirectoryExistsOpts{ExpectedType: dagger.ExistsTypeRegularType})
		return err == nil && ok
	})
	if err != nil {
		return nil, err
	}
	ctr := dag.Container().From(buildplan.GoImageOr(goImage)).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume("ecs-bluegreen-go-mod")).
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume("ecs-bluegreen-go-build"))
	for _, e := range buildplan.BuilderEnv {
		ctr = ctr.WithEnvVariable(e.Name, e.Value)
	}
	ctr = ctr.WithWorkdir("/src")
	for _, rel := range files {
		ctr = ctr.WithFile("/src/"+rel, src.File(rel))
	}
	return ctr.WithExec([]string{"go", "mod", "download"}).WithDirectory("/src", src), nil
}

// appSource is the part of the source the app image is built from; its
// digest is the default version, so only app changes produce a new one.
func appSource(source *dagger.Directory) *dagger.Directory {
	return source.Filter(dagger.DirectoryFilterOpts{Exclude: buildplan.AppSourceExclude})
}

// version resolves the stamped version (see buildplan.Version).
func version(ctx context.Context, source *dagger.Directory, given string) (string, error) {
	if strings.TrimSpace(given) != "" {
		return buildplan.Version(given, "")
	}
	digest, err := appSource(source).Digest(ctx)
	if err != nil {
		return "", err
	}
	return buildplan.Version("", digest)
}
