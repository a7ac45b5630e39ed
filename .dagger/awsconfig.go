package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/awsenv"
)

// awsConfig builds the AWS configuration from the module's credentials. The
// secret values are read into memory only for the SDK's request signing.
func (m *EcsBluegreen) awsConfig(ctx context.Context, function string) (aws.Config, error) {
	if m.AwsAccessKeyID == nil || m.AwsSecretAccessKey == nil {
		return aws.Config{}, fmt.Errorf("%s needs AWS credentials: pass --aws-access-key-id env:AWS_ACCESS_KEY_ID --aws-secret-access-key env:AWS_SECRET_ACCESS_KEY (and --aws-session-token env:AWS_SESSION_TOKEN for temporary credentials) before the function name", function)
	}
	var creds awsenv.Credentials
	var err error
	if creds.AccessKeyID, err = m.AwsAccessKeyID.Plaintext(ctx); err != nil {
		return aws.Config{}, err
	}
	if creds.SecretAccessKey, err = m.AwsSecretAccessKey.Plaintext(ctx); err != nil {
		return aws.Config{}, err
	}
	if m.AwsSessionToken != nil {
		if creds.SessionToken, err = m.AwsSessionToken.Plaintext(ctx); err != nil {
			return aws.Config{}, err
		}
	}
	endpoints, err := m.awsEndpoints(ctx)
	if err != nil {
		return aws.Config{}, err
	}
	return awsenv.Config(ctx, creds, m.Region, endpoints.SDK, awsenv.WithLog(os.Stderr))
}
