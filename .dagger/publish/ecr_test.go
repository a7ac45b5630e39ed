package publish

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/ecr"
	"dagger/ecs-bluegreen/internal/moto"
)

// The push decision can come from the ECR API: an image ECR already records
// under the tag is not pushed again, another one is a conflict.
func TestPublishSkipsWhatECRAlreadyHolds(t *testing.T) {
	m := moto.Shared(t)
	ctx := context.Background()
	cfg, err := awsenv.Config(ctx, awsenv.Credentials{AccessKeyID: moto.AccessKey, SecretAccessKey: moto.SecretKey}, moto.Region, m.URL)
	if err != nil {
		t.Fatal(err)
	}
	client := ecr.New(cfg)
	reg, err := client.ResolveRegistry(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	raw := awsecr.NewFromConfig(cfg)
	if _, err := raw.CreateRepository(ctx, &awsecr.CreateRepositoryInput{RepositoryName: aws.String("webapp")}); err != nil {
		t.Fatal(err)
	}
	lookup := ECRLookup(client, "webapp")
	if d, err := lookup(ctx, "v1"); err != nil || d != "" {
		t.Fatalf("empty repository: %q %v", d, err)
	}
	// Record an image under v1 through the API; planning with the digest ECR
	// reports for it must skip, and with any other digest must conflict.
	put, err := raw.PutImage(ctx, &awsecr.PutImageInput{RepositoryName: aws.String("webapp"), ImageTag: aws.String("v1"),
		ImageManifest: aws.String(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	existing := aws.ToString(put.Image.ImageId.ImageDigest)
	d, err := Plan("v1", mustLookup(t, lookup, "v1"), existing, true)
	if err != nil || d.Action != ActionSkip {
		t.Fatalf("plan against ECR: %+v %v", d, err)
	}
	if _, err := Plan("v1", mustLookup(t, lookup, "v1"), digestB, true); err == nil || !strings.Contains(err.Error(), existing) {
		t.Fatalf("conflict against ECR: %v", err)
	}
	if a := AuthFrom(reg.Auth); a.Username != "AWS" || a.Password != reg.Auth.Password {
		t.Errorf("AuthFrom = %v", a)
	}
	if _, err := ECRLookup(client, "missing")(ctx, "v1"); err == nil || !strings.Contains(err.Error(), "deploy-infra") {
		t.Errorf("missing repository: %v", err)
	}
}

func mustLookup(t *testing.T, l Lookup, tag string) string {
	t.Helper()
	d, err := l(context.Background(), tag)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
