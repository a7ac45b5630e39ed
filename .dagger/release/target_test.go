package release

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/publish"
)

func TestPushTargetForECR(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	ctx := context.Background()
	if _, err := awsecr.NewFromConfig(cfg).CreateRepository(ctx, &awsecr.CreateRepositoryInput{
		RepositoryName: aws.String("webapp"), ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable,
	}); err != nil {
		t.Fatal(err)
	}
	moto.CreateOutputsStack(t, cfg, "webapp-service", map[string]string{"RepositoryUri": moto.Account + ".dkr.ecr.us-east-1.amazonaws.com/webapp"})

	req, err := PushTarget(ctx, cfg, TargetOptions{Stack: "webapp-service", Version: "abc1234"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := req.Target.Tagged(), moto.Account+".dkr.ecr.us-east-1.amazonaws.com/webapp:abc1234"; got != want {
		t.Fatalf("target = %s, want %s", got, want)
	}
	if !req.Immutable || req.Lookup == nil || req.Auth.Username != "AWS" || req.Auth.Password == "" {
		t.Fatalf("ECR target lacks immutability, lookup or login: %+v", req)
	}
	if d, err := req.Lookup(ctx, "abc1234"); err != nil || d != "" {
		t.Fatalf("lookup of an absent tag = %q, %v", d, err)
	}

	moto.CreateOutputsStack(t, cfg, "other-service", map[string]string{"ClusterName": "x"})
	if _, err := PushTarget(ctx, cfg, TargetOptions{Stack: "other-service", Version: "abc1234"}); err == nil || !strings.Contains(err.Error(), "--repository") {
		t.Fatalf("stack without RepositoryUri: %v", err)
	}
}

func TestPushTargetForAnotherRegistry(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	auth := &publish.Auth{Username: "ci", Password: "registry-pass"}
	req, err := PushTarget(context.Background(), cfg, TargetOptions{
		Repository: "team/webapp", Tag: "v1", Registry: "localhost:5000", RegistryAuth: auth,
	})
	if err != nil {
		t.Fatal(err)
	}
	if req.Target.Tagged() != "localhost:5000/team/webapp:v1" || req.Auth != *auth || req.Immutable || req.Lookup != nil {
		t.Fatalf("override target = %+v", req)
	}
}

func TestPushTargetRejectsBadInputBeforeAWS(t *testing.T) {
	// No moto: these must fail before any call.
	cfg := aws.Config{Region: "us-east-1"}
	for _, tc := range []struct {
		o    TargetOptions
		want string
	}{
		{TargetOptions{Repository: "webapp", Tag: "latest"}, `"latest" is refused`},
		{TargetOptions{Repository: "webapp"}, "no image tag"},
		{TargetOptions{Repository: "Web App", Tag: "v1", Registry: "r:5000", RegistryAuth: &publish.Auth{}}, "Web App"},
		{TargetOptions{Repository: "webapp", Tag: "v1", Registry: "https://r:5000/x"}, "registry override"},
	} {
		if _, err := PushTarget(context.Background(), cfg, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want it to mention %q", tc.o, err, tc.want)
		}
	}
}
