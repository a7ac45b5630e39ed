package main

import (
	"context"

	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/rehearsal"
)

// Rehearsal starts a whole rehearsal as one service: the AWS stand-in seeded
// as a deployed service stack (see aws-standin) and, in front of it, the
// serving and the releasing build behind the weighted proxy (see
// rehearsal-traffic). Port 4566 is the stand-in, 8000 production and 8080
// test: `dagger call rehearsal --seed ecs --serving-version rehearsal-1
// --releasing-version rehearsal-2 up --ports 4566:4566 --ports 8000:8000
// --ports 8080:8080`, then release from another terminal with
// --aws-endpoint-service tcp://localhost:4566 and watch
// http://localhost:8000/watch move from one version to the other. Never
// cached: each call starts a freshly seeded stand-in.
// +cache="never"
func (m *EcsBluegreen) Rehearsal(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// The module's source, whose stand-in and proxy commands are built into the service.
	// +defaultPath="/.dagger"
	// +ignore=["ecs-bluegreen", "internal/dagger", "dagger.gen.go", "**/testdata"]
	moduleSource *dagger.Directory,
	// What the service stack deploys with, codedeploy or ecs (see aws-standin).
	seed string,
	// Version of the release serving production now (see rehearsal-traffic).
	servingVersion string,
	// Version being released (see rehearsal-traffic).
	releasingVersion string,
	// The app name of the seeded resources (the stack is <app>-service).
	// +optional
	// +default="webapp"
	app string,
	// How many times faster than real time deployments run: at 10 the seeded 10-minute canary takes a minute.
	// +optional
	// +default=10
	timeScale int,
	// Main package to build (see build).
	// +optional
	pkg string,
	// Port the app listens on (see build); default 3000.
	// +optional
	port int,
	// Image with Python 3, where moto_server is installed (see aws-standin).
	// +optional
	// +default="public.ecr.aws/docker/library/python:3.11-slim-bookworm"
	pythonImage string,
	// Builder image with the Go toolchain; default: the builder image pinned in buildplan/goimage.go.
	// +optional
	goImage string,
) (*dagger.Service, error) {
	if err := rehearsal.CheckSeed(seed, app); err != nil {
		return nil, err
	}
	standin, err := m.AwsStandin(ctx, seed, app, timeScale, moduleSource, pythonImage, goImage)
	if err != nil {
		return nil, err
	}
	// The stand-in checks no signature: these are no account's keys.
	inner := *m
	inner.AwsEndpointService, inner.AwsEndpoint = standin, ""
	inner.AwsAccessKeyID = dag.SetSecret("rehearsal-aws-access-key-id", "testing")
	inner.AwsSecretAccessKey = dag.SetSecret("rehearsal-aws-secret-access-key", "testing")
	inner.AwsSessionToken = nil
	return inner.rehearsalProxy(ctx, rehearsalApps{source: source, moduleSource: moduleSource, stack: app + "-service",
		serving: servingVersion, releasing: releasingVersion, pkg: pkg, port: port, goImage: goImage}, true)
}
