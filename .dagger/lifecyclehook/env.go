package lifecyclehook

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/awsenv"
)

// Environment variables Lambda sets for every function, read once at start.
const (
	envAccessKey    = "AWS_ACCESS_KEY_ID"
	envSecretKey    = "AWS_SECRET_ACCESS_KEY"
	envSessionToken = "AWS_SESSION_TOKEN"
	envRegion       = "AWS_REGION"
	// envEndpoint points every client at a stand-in (moto) in tests; unset
	// in a real function.
	envEndpoint = "AWS_ENDPOINT_URL"
)

// NewFromEnv builds the handler the way the Lambda function runs it: the
// configuration from ConfigFromEnv, and AWS clients on the function role's
// credentials and region, which Lambda passes in the environment. The
// credentials stay in memory and are never logged.
func NewFromEnv(ctx context.Context, getenv func(string) string, log io.Writer) (*Handler, error) {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	creds := awsenv.Credentials{AccessKeyID: getenv(envAccessKey), SecretAccessKey: getenv(envSecretKey), SessionToken: getenv(envSessionToken)}
	awsCfg, err := awsenv.Config(ctx, creds, getenv(envRegion), getenv(envEndpoint), awsenv.WithLog(log))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration from the function's environment: %w", err)
	}
	return &Handler{
		Config:     cfg,
		Revisions:  ecs.NewFromConfig(awsCfg),
		Metrics:    NewCloudWatch(awsCfg),
		CodeDeploy: codedeploy.NewFromConfig(awsCfg),
		Log:        log,
	}, nil
}
