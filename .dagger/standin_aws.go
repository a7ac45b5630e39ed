package main

import (
	"context"
	"strconv"

	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/rehearsal"
)

// standInPort is where the AWS stand-in service listens.
const standInPort = 4566

// AwsStandin is a stand-in for every AWS API the module uses, to rehearse a
// release without an account: moto underneath, with the project's ECS
// service-deployment engine and CodeDeploy blue/green engine in front, on
// port 4566. With --seed it starts with what a deployed <app>-service stack
// leaves (cluster, service, task definition, load balancer, target groups,
// listeners or listener rules, the CodeDeploy application and group, and
// the stack with its outputs), so release, status, continue and rollback run
// against it at once: `dagger call --aws-endpoint-service "$(dagger call
// aws-standin --seed codedeploy)" …`, or `aws-standin … up --ports
// 4566:4566` to keep it running on your machine.
func (m *EcsBluegreen) AwsStandin(
	ctx context.Context,
	// What the service stack deploys with: codedeploy (a CodeDeploy 10 %/10-minute canary with a 5-minute
	// termination wait) or ecs (an ECS canary of 10 % for 10 minutes, a 5-minute bake and a PAUSE hook after
	// the test traffic shift). Default: nothing is created.
	// +optional
	seed string,
	// The app name of the seeded resources (the stack is <app>-service).
	// +optional
	// +default="webapp"
	app string,
	// How many times faster than real time deployments run: 60 makes a 10-minute canary take 10 seconds.
	// The stand-in's timestamps run ahead of the wall clock by the same factor.
	// +optional
	// +default=60
	timeScale int,
	// The module's source, whose cmd/aws-standin is built into the service.
	// +defaultPath="/.dagger"
	// +ignore=["ecs-bluegreen", "internal/dagger", "dagger.gen.go", "**/testdata"]
	source *dagger.Directory,
	// Image with Python 3, where moto_server is installed.
	// +optional
	// +default="public.ecr.aws/docker/library/python:3.11-slim-bookworm"
	pythonImage string,
	// Image whose Go toolchain builds the stand-in; default: the builder image pinned in buildplan/goimage.go.
	// +optional
	goImage string,
) (*dagger.Service, error) {
	args := []string{"/usr/local/bin/aws-standin", "--listen", "0.0.0.0:" + strconv.Itoa(standInPort), "--container",
		"--app", app, "--time-scale", strconv.Itoa(timeScale)}
	if seed != "" {
		if err := rehearsal.CheckSeed(seed, app); err != nil {
			return nil, err
		}
		args = append(args, "--seed", seed)
	}
	if err := rehearsal.CheckTimeScale(float64(timeScale)); err != nil {
		return nil, err
	}
	bin, err := moduleCommand(ctx, goImage, source, "aws-standin")
	if err != nil {
		return nil, err
	}
	return dag.Container().From(pythonImage).
		WithMountedCache("/root/.cache/pip", dag.CacheVolume("ecs-bluegreen-pip")).
		WithExec([]string{"pip", "install", "--no-input", "moto[server]==5.2.1"}).
		WithFile("/usr/local/bin/aws-standin", bin).
		WithExposedPort(standInPort).
		AsService(dagger.ContainerAsServiceOpts{Args: args}), nil
}
