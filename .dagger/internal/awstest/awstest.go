// Package awstest gives tests an aws.Config built the way the module builds
// one (awsenv.Config), pointed at the test binary's moto server.
package awstest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/internal/moto"
)

// MotoConfig resets the shared moto server for the calling test and returns
// a configuration for it, with moto's fake credentials and region. Options
// are passed to awsenv.Config (e.g. awsenv.WithMaxAttempts(1)).
func MotoConfig(t testing.TB, opts ...awsenv.Option) aws.Config {
	t.Helper()
	srv := moto.Shared(t)
	cfg, err := awsenv.Config(context.Background(),
		awsenv.Credentials{AccessKeyID: moto.AccessKey, SecretAccessKey: moto.SecretKey}, moto.Region, srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
