package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/imagebuild"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/provenance"
)

// imageArgs are the inputs of an app image: together with the source they
// are everything its digest depends on.
type imageArgs struct {
	platforms                   []string
	version, goImage, sourceURL string
	sourceDateEpoch             int
	// pkg is the main package (--pkg) and port the port the service
	// listens on (--port); "" and 0 are the defaults.
	pkg  string
	port int
}

// service checks --pkg and --port: the one argument path of every function
// that builds the app.
func (a imageArgs) service() (pkg string, port int, err error) {
	if pkg, err = buildplan.CheckPackage(a.pkg); err != nil {
		return "", 0, err
	}
	if port, err = buildplan.ImagePort(a.port); err != nil {
		return "", 0, err
	}
	return pkg, port, nil
}

// assembled is an app image written as an OCI layout tar in this function's
// working directory.
type assembled struct {
	*compiled
	// tarball is the layout tar's path, relative to the working directory.
	tarball string
	// digest is the digest of the image (one platform) or index (several).
	digest string
	// manifests describe each platform's image manifest, in platform order.
	manifests []v1.Descriptor
}

// file returns the layout tar as a Dagger file, loaded byte for byte from
// this function's working directory (synced now, while the directory exists).
func (a *assembled) file(ctx context.Context) (*dagger.File, error) {
	return dag.CurrentModule().WorkdirFile(a.tarball).Sync(ctx)
}

// compiled is the app binary of each platform, in this function's
// working directory, with the inputs that produced them.
type compiled struct {
	dir     string
	version string
	goImage buildplan.GoImage
	created time.Time
	labels  []buildplan.Label
	args    imageArgs
	// pkg and port are the checked --pkg and --port.
	pkg       string
	port      int
	platforms []buildplan.Platform
	certs     []byte
	// dpkgStatus and osRelease are the builder's package records (empty
	// when it has none), naming the CA bundle's package in the SBOM.
	dpkgStatus, osRelease []byte
	// sourceDigest is the built source's digest (provenance.SourceDigest).
	sourceDigest string
}

// binary is the path of platform p's app binary.
func (c *compiled) binary(p buildplan.Platform) string {
	return filepath.Join(c.dir, platformDir(p), "app")
}

// compile checks the image inputs, then compiles the app for every platform
// in one Go builder (one exec per platform, run in parallel) and brings the
// binaries and the builder's CA bundle into this function with one export.
func (m *EcsBluegreen) compile(ctx context.Context, source *dagger.Directory, a imageArgs) (*compiled, error) {
	if len(a.platforms) == 0 {
		a.platforms = []string{"linux/amd64"}
	}
	pkg, port, err := a.service()
	if err != nil {
		return nil, err
	}
	platforms, err := buildplan.ParsePlatforms(a.platforms)
	if err != nil {
		return nil, err
	}
	goImage, err := buildplan.ParseGoImage(a.goImage)
	if err != nil {
		return nil, err
	}
	created, err := buildplan.SourceDate(a.sourceDateEpoch)
	if err != nil {
		return nil, err
	}
	ver, err := version(ctx, source, a.version)
	if err != nil {
		return nil, err
	}
	labels, err := buildplan.Labels("ecs-bluegreen app", ver, a.sourceURL)
	if err != nil {
		return nil, err
	}

	builder, err := goBuilder(ctx, goImage.Ref, appSource(source))
	if err != nil {
		return nil, err
	}
	if dir := buildplan.PackageDir(pkg); dir != "." {
		found, err := appSource(source).Exists(ctx, dir, dagger.DirectoryExistsOpts{ExpectedType: dagger.ExistsTypeDirectoryType})
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("--pkg %s: --source has no directory %s (give the main package relative to the go.mod of --source, e.g. ./cmd/server; "+
				"the build leaves out %s)", pkg, dir, strings.Join(buildplan.AppSourceExclude, ", "))
		}
	}
	// The CA bundle goes into the image; the builder's package records say
	// which package and version it comes from, for the SBOM.
	builderImage := dag.Container().From(goImage.Ref)
	out := dag.Directory().WithFile("ca-certificates.crt", builderImage.File(buildplan.CACertPath)).
		WithDirectory("builder", builderImage.Rootfs().Filter(dagger.DirectoryFilterOpts{Include: buildplan.BuilderRecords})).
		// The source as built, for a digest anyone can recompute (provenance.SourceDigest).
		WithDirectory("source", appSource(source))
	for _, p := range platforms {
		ctr := builder
		for _, e := range p.GoEnv() {
			ctr = ctr.WithEnvVariable(e.Name, e.Value)
		}
		ctr = ctr.WithExec(buildplan.GoBuildArgs(ver, pkg, buildplan.BuilderBinary))
		out = out.WithFile(platformDir(p)+"/app", ctr.File(buildplan.BuilderBinary))
	}
	// A directory under the working directory: CurrentModule.workdirFile
	// can hand files from there back to the engine byte for byte.
	work, err := os.MkdirTemp(".", "image-")
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(work)
	if err != nil {
		return nil, err
	}
	if _, err := out.Export(ctx, abs); err != nil {
		return nil, fmt.Errorf("bringing the compiled app out of the builder: %w", err)
	}
	certs, err := os.ReadFile(filepath.Join(work, "ca-certificates.crt"))
	if err != nil {
		return nil, err
	}
	records := make([][]byte, len(buildplan.BuilderRecords))
	for i, rel := range buildplan.BuilderRecords {
		// Absent in a builder that is not Debian-based: left empty.
		records[i], _ = os.ReadFile(filepath.Join(work, "builder", filepath.FromSlash(rel)))
	}
	sourceDigest, err := provenance.SourceDigest(filepath.Join(work, "source"))
	if err != nil {
		return nil, err
	}
	return &compiled{dir: work, version: ver, goImage: goImage, created: created, labels: labels, args: a, pkg: pkg, port: port, platforms: platforms,
		certs: certs, dpkgStatus: records[0], osRelease: records[1], sourceDigest: sourceDigest}, nil
}

// assemble compiles the app and assembles the image here with imagebuild
// (one layer, fixed timestamps, so the digest depends only on the inputs),
// written as an OCI layout tar.
func (m *EcsBluegreen) assemble(ctx context.Context, source *dagger.Directory, a imageArgs) (*assembled, error) {
	c, err := m.compile(ctx, source, a)
	if err != nil {
		return nil, err
	}
	res := &assembled{compiled: c, tarball: filepath.Join(c.dir, "image.tar")}
	var images []v1.Image
	for _, p := range c.platforms {
		binary, err := os.ReadFile(c.binary(p))
		if err != nil {
			return nil, err
		}
		img, err := imagebuild.Build(buildplan.ImageSpec(p, binary, c.certs, c.labels, c.created, c.port))
		if err != nil {
			return nil, err
		}
		d, err := imagebuild.Describe(img)
		if err != nil {
			return nil, err
		}
		images = append(images, img)
		res.manifests = append(res.manifests, d)
	}
	var top imagebuild.Top = images[0]
	if len(images) > 1 {
		if top, err = imagebuild.Index(images...); err != nil {
			return nil, err
		}
	}
	digest, err := imagebuild.WriteLayoutFile(res.tarball, top)
	if err != nil {
		return nil, err
	}
	res.digest = digest.String()
	return res, nil
}

// platformDir names a platform's directory in the builder output, e.g. linux_arm64.
func platformDir(p buildplan.Platform) string { return p.OS + "_" + p.Arch }
