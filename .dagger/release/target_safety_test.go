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
)

// A repository URI that names another region or account is pushed there,
// with that registry's login and its repository settings.
func TestPushTargetHonoursTheRegistryOfARepositoryURI(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	ctx := context.Background()
	west := cfg.Copy()
	west.Region = "eu-west-1"
	if _, err := awsecr.NewFromConfig(west).CreateRepository(ctx, &awsecr.CreateRepositoryInput{
		RepositoryName: aws.String("webapp"), ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable,
	}); err != nil {
		t.Fatal(err)
	}
	const other = "210987654321"
	if _, err := awsecr.NewFromConfig(cfg).CreateRepository(ctx, &awsecr.CreateRepositoryInput{
		RepositoryName: aws.String("shared/webapp"), RegistryId: aws.String(other), ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable,
	}); err != nil {
		t.Fatal(err)
	}
	for _, uri := range []string{
		moto.Account + ".dkr.ecr.eu-west-1.amazonaws.com/webapp",
		other + ".dkr.ecr.us-east-1.amazonaws.com/shared/webapp",
	} {
		req, err := PushTarget(ctx, cfg, TargetOptions{Repository: uri, Version: "abc1234"})
		t.Logf("%s: target %s, immutable %t, error %v", uri, req.Target.Tagged(), req.Immutable, err)
		if err != nil {
			t.Errorf("%s: %v", uri, err)
			continue
		}
		if got := req.Target.Tagged(); got != uri+":abc1234" {
			t.Errorf("target = %s, want %s:abc1234", got, uri)
		}
		if !req.Immutable || req.Auth.Username != "AWS" || req.Lookup == nil {
			t.Errorf("%s: immutability, login or lookup not from that registry: %+v", uri, req)
		}
	}
	// A URI of a registry that is not ECR needs --registry and its login.
	_, err := PushTarget(ctx, cfg, TargetOptions{Repository: "registry.example.com/team/webapp", Version: "abc1234"})
	t.Logf("non-ECR URI: %v", err)
	if err == nil || !strings.Contains(err.Error(), "registry.example.com") || !strings.Contains(err.Error(), "--registry") {
		t.Errorf("non-ECR URI: err = %v, want a refusal pointing at --registry", err)
	}
}

// The ECR token is valid for ECR only: a registry override without its own
// login gets no credentials at all, unless it is the caller's ECR registry.
func TestPushTargetSendsNoECRTokenToAnotherRegistry(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	ctx := context.Background()
	req, err := PushTarget(ctx, cfg, TargetOptions{Repository: "webapp", Tag: "v1", Registry: "localhost:5000"})
	t.Logf("override login: %v, error %v", req.Auth, err)
	if err != nil {
		t.Fatal(err)
	}
	if req.Auth.Username != "" || req.Auth.Password != "" {
		t.Fatalf("the ECR login goes to localhost:5000: %v", req.Auth)
	}
	own := moto.Account + ".dkr.ecr.us-east-1.amazonaws.com"
	req, err = PushTarget(ctx, cfg, TargetOptions{Repository: "webapp", Tag: "v1", Registry: own})
	if err != nil || req.Auth.Username != "AWS" || req.Auth.Password == "" {
		t.Fatalf("the caller's own ECR registry lost its login: %v, %v", req.Auth, err)
	}
}
