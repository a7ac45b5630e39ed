// Package main is the ecs-bluegreen Dagger module: it builds a Go web app into
// a minimal image, synthesizes and deploys its CDK (Go) infrastructure, and
// releases it to Amazon ECS Fargate with CodeDeploy blue/green.
//
// The functions here are recipes (containers, mounts, execs); every decision
// about AWS semantics, rendering or validation lives in the plain Go packages
// beside this file, where it is unit-tested without an engine.
package main

import (
	"dagger/ecs-bluegreen/internal/dagger"
)

// EcsBluegreen ships a Go web app to ECS Fargate with blue/green deployments.
type EcsBluegreen struct {
	// AWS region for every AWS-touching function.
	Region string
	// AWS access key id (optional for build, serve, test and synth).
	// +private
	AwsAccessKeyID *dagger.Secret
	// AWS secret access key.
	// +private
	AwsSecretAccessKey *dagger.Secret
	// AWS session token, for temporary credentials.
	// +private
	AwsSessionToken *dagger.Secret
	// Endpoint override for every AWS API (LocalStack, moto).
	AwsEndpoint string
	// AWS stand-in (LocalStack, moto) reached as a service.
	AwsEndpointService *dagger.Service
}

// New configures the module: the AWS options shared by every function that
// talks to AWS. The source is an argument of the functions that read it (with
// the repository as its default), so editing the app never re-runs this
// constructor.
func New(
	// AWS region, e.g. eu-west-1.
	// +optional
	// +default="us-east-1"
	region string,
	// AWS access key id, e.g. env:AWS_ACCESS_KEY_ID. Never printed or stored in a layer.
	// +optional
	awsAccessKeyID *dagger.Secret,
	// AWS secret access key, e.g. env:AWS_SECRET_ACCESS_KEY.
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// AWS session token for temporary credentials (OIDC, assumed roles, CodeBuild), e.g. env:AWS_SESSION_TOKEN.
	// +optional
	awsSessionToken *dagger.Secret,
	// Endpoint URL that replaces every AWS API endpoint, for LocalStack or moto (e.g. http://host.docker.internal:4566: it must be reachable from inside the engine's containers, where localhost is the container itself).
	// +optional
	awsEndpoint string,
	// AWS stand-in as a service instead of a URL, e.g. tcp://localhost:4566 for moto or LocalStack on your machine:
	// every container and SDK call reaches it, whatever the platform.
	// +optional
	awsEndpointService *dagger.Service,
) *EcsBluegreen {
	return &EcsBluegreen{
		Region:             region,
		AwsAccessKeyID:     awsAccessKeyID,
		AwsSecretAccessKey: awsSecretAccessKey,
		AwsSessionToken:    awsSessionToken,
		AwsEndpoint:        awsEndpoint,
		AwsEndpointService: awsEndpointService,
	}
}
