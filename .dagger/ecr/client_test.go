package ecr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsecr "github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

func TestAccountAndRegistryAuth(t *testing.T) {
	ctx := context.Background()
	c := New(awstest.MotoConfig(t))
	account, err := c.AccountID(ctx)
	if err != nil || account != moto.Account {
		t.Fatalf("AccountID = %q, %v", account, err)
	}
	auth, err := c.RegistryAuth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if auth.Username != "AWS" || auth.Password == "" {
		t.Errorf("login user %q, password empty=%v", auth.Username, auth.Password == "")
	}
	if !strings.HasPrefix(auth.Registry, moto.Account+".dkr.ecr.") || strings.Contains(auth.Registry, "://") {
		t.Errorf("registry from proxy endpoint = %q", auth.Registry)
	}
	if auth.ExpiresAt.IsZero() {
		t.Error("no expiry")
	}
}

func TestResolveRegistry(t *testing.T) {
	ctx := context.Background()
	c := New(awstest.MotoConfig(t))
	r, err := c.ResolveRegistry(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Address != moto.Account+".dkr.ecr.us-east-1.amazonaws.com" || r.Account != moto.Account || r.Auth.Registry != r.Address {
		t.Errorf("ECR registry = %+v", r)
	}
	o, err := c.ResolveRegistry(ctx, "localhost:5123")
	if err != nil {
		t.Fatal(err)
	}
	if o.Address != "localhost:5123" || o.Auth.Password == "" || o.Auth.Registry != "localhost:5123" {
		t.Errorf("override registry = %+v", o)
	}
	if _, err := c.ResolveRegistry(ctx, "http://localhost:5123"); err == nil || !strings.Contains(err.Error(), "http://localhost:5123") {
		t.Errorf("override with a scheme: err = %v", err)
	}
}

func TestImageDigestForTag(t *testing.T) {
	ctx := context.Background()
	cfg := awstest.MotoConfig(t)
	c := New(cfg)
	raw := awsecr.NewFromConfig(cfg)
	if _, err := c.ImageDigestForTag(ctx, "webapp", "v1"); err == nil || !strings.Contains(err.Error(), "deploy-infra") {
		t.Fatalf("missing repository: err = %v", err)
	}
	if _, err := raw.CreateRepository(ctx, &awsecr.CreateRepositoryInput{
		RepositoryName: aws.String("webapp"), ImageTagMutability: types.ImageTagMutabilityImmutable,
	}); err != nil {
		t.Fatal(err)
	}
	got, err := c.ImageDigestForTag(ctx, "webapp", "v1")
	if err != nil || got != "" {
		t.Fatalf("absent tag: %q, %v; want \"\", nil", got, err)
	}
	manifest := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:` +
		strings.Repeat("a", 64) + `","size":2},"layers":[]}`
	put, err := raw.PutImage(ctx, &awsecr.PutImageInput{
		RepositoryName: aws.String("webapp"), ImageTag: aws.String("v1"), ImageManifest: aws.String(manifest),
		ImageManifestMediaType: aws.String("application/vnd.oci.image.manifest.v1+json"),
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(manifest))
	want := "sha256:" + hex.EncodeToString(sum[:])
	if d := aws.ToString(put.Image.ImageId.ImageDigest); d != want {
		t.Logf("registry digest %s differs from sha256 of the manifest %s", d, want)
		want = d
	}
	got, err = c.ImageDigestForTag(ctx, "webapp", "v1")
	if err != nil || got != want {
		t.Fatalf("ImageDigestForTag = %q, %v; want %q", got, err, want)
	}
	if got, _ := c.ImageDigestForTag(ctx, "webapp", "v2"); got != "" {
		t.Errorf("other tag = %q, want empty", got)
	}
	if _, err := c.ImageDigestForTag(ctx, "Bad Name", "v1"); err == nil {
		t.Error("invalid repository name accepted")
	}
	immutable, err := c.TagsImmutable(ctx, "webapp")
	if err != nil || !immutable {
		t.Errorf("TagsImmutable = %v, %v; want true", immutable, err)
	}
	if _, err := raw.CreateRepository(ctx, &awsecr.CreateRepositoryInput{RepositoryName: aws.String("loose")}); err != nil {
		t.Fatal(err)
	}
	if immutable, err := c.TagsImmutable(ctx, "loose"); err != nil || immutable {
		t.Errorf("mutable repository: TagsImmutable = %v, %v", immutable, err)
	}
}
