package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/imagebuild"
	"dagger/ecs-bluegreen/internal/dagger"
)

// imageArgs are the inputs of an app image: together with the source they
// are everything its digest depends on.
type imageArgs struct {
	platforms                   []string
	version, goImage, sourceURL string
	sourceDateEpoch             int
}

// builtPlatform is one platform's part of an assembled image.
type builtPlatform struct {
	platform buildplan.Platform
	// binary is the path of the compiled app in this function's container.
	binary string
	// manifest describes the platform's image manifest.
	manifest v1.Descriptor
}

// assembled is an app image written as an OCI layout tar in this function's
// working directory.
type assembled struct {
	// tarball is the layout tar's path, relative to the working directory.
	tarball string
	// digest is the digest of the image (one platform) or index (several).
	digest    string
	version   string
	goImage   buildplan.GoImage
	args      imageArgs
	platforms []builtPlatform
}

// file returns the layout tar as a Dagger file, loaded byte for byte from
// this function's working directory (synced now, while the directory exists).
func (a *assembled) file(ctx context.Context) (*dagger.File, error) {
	return dag.CurrentModule().WorkdirFile(a.tarball).Sync(ctx)
}

// assemble compiles the app for every platform in one Go builder (one exec
// per platform, run in parallel), brings the binaries and the builder's CA
// bundle into this function, and assembles the image here with imagebuild:
// one layer, fixed timestamps, so the digest depends only on the inputs.
func (m *EcsBluegreen) assemble(ctx context.Context, source *dagger.Directory, a imageArgs) (*assembled, error) {
	if len(a.platforms) == 0 {
		a.platforms = []string{"linux/amd64"}
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

	builder := goBuilder(goImage.Ref, appSource(source))
	out := dag.Directory().WithFile("ca-certificates.crt", dag.Container().From(goImage.Ref).File(buildplan.CACertPath))
	for _, p := range platforms {
		ctr := builder
		for _, e := range p.GoEnv() {
			ctr = ctr.WithEnvVariable(e.Name, e.Value)
		}
		ctr = ctr.WithExec(buildplan.GoBuildArgs(ver, "./app", buildplan.BuilderBinary))
		out = out.WithFile(platformDir(p)+"/app", ctr.File(buildplan.BuilderBinary))
	}
	work, err := os.MkdirTemp(".", "image-")
	if err != nil {
		return nil, err
	}
	if _, err := out.Export(ctx, work); err != nil {
		return nil, fmt.Errorf("bringing the compiled app out of the builder: %w", err)
	}
	certs, err := os.ReadFile(filepath.Join(work, "ca-certificates.crt"))
	if err != nil {
		return nil, err
	}

	res := &assembled{version: ver, goImage: goImage, args: a, tarball: filepath.Join(work, "image.tar")}
	var images []v1.Image
	for _, p := range platforms {
		bin := filepath.Join(work, platformDir(p), "app")
		binary, err := os.ReadFile(bin)
		if err != nil {
			return nil, err
		}
		img, err := imagebuild.Build(buildplan.ImageSpec(p, binary, certs, labels, created))
		if err != nil {
			return nil, err
		}
		d, err := imagebuild.Describe(img)
		if err != nil {
			return nil, err
		}
		images = append(images, img)
		res.platforms = append(res.platforms, builtPlatform{platform: p, binary: bin, manifest: d})
	}
	var top imagebuild.Top = images[0]
	if len(images) > 1 {
		if top, err = imagebuild.Index(images...); err != nil {
			return nil, err
		}
	}
	f, err := os.Create(res.tarball)
	if err != nil {
		return nil, err
	}
	digest, err := imagebuild.WriteLayout(f, top)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing the image layout: %w", err)
	}
	res.digest = digest.String()
	return res, nil
}

// platformDir names a platform's directory in the builder output, e.g. linux_arm64.
func platformDir(p buildplan.Platform) string { return p.OS + "_" + p.Arch }
