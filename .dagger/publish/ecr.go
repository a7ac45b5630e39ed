package publish

import (
	"context"

	"dagger/ecs-bluegreen/ecr"
)

// ECRLookup reads a tag's digest through the ECR API (ecr:DescribeImages)
// instead of the registry protocol, for callers that already hold an ECR
// client. A missing repository is an error that points at deploy-infra.
func ECRLookup(client *ecr.Client, repository string) Lookup {
	return func(ctx context.Context, tag string) (string, error) {
		return client.ImageDigestForTag(ctx, repository, tag)
	}
}

// AuthFrom turns an ECR login into the registry login Push presents.
func AuthFrom(login ecr.RegistryAuth) Auth {
	return Auth{Username: login.Username, Password: login.Password}
}
