package release

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/ecs-bluegreen/publish"
)

// pushed pushes img (or idx) to an in-process registry and returns its
// digest reference.
func pushed(t *testing.T, host string, img v1.Image, idx v1.ImageIndex) string {
	t.Helper()
	tag, err := name.NewTag(host + "/webapp:v1")
	if err != nil {
		t.Fatal(err)
	}
	var d v1.Hash
	if idx != nil {
		err, d = remote.WriteIndex(tag, idx), mustDigest(t, idx.Digest)
	} else {
		err, d = remote.Write(tag, img), mustDigest(t, img.Digest)
	}
	if err != nil {
		t.Fatal(err)
	}
	return host + "/webapp:v1@" + d.String()
}

func mustDigest(t *testing.T, f func() (v1.Hash, error)) v1.Hash {
	t.Helper()
	h, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func imageFor(t *testing.T, arch string) v1.Image {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// --image must name an image that exists, built for the task definition's
// platform, before anything is registered.
func TestCheckImageFindsTheDigestAndMatchesThePlatform(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ctx := context.Background()
	p := &Plan{TaskDefinition: &ecstypes.TaskDefinition{Family: aws.String("webapp")}}

	amd := pushed(t, host, imageFor(t, "amd64"), nil)
	if err := p.CheckImage(ctx, amd, publish.Auth{}); err != nil {
		t.Fatalf("amd64 image for an X86_64 task: %v", err)
	}
	arm := pushed(t, host, imageFor(t, "arm64"), nil)
	err := p.CheckImage(ctx, arm, publish.Auth{})
	t.Logf("arm64 image: %v", err)
	if err == nil || !strings.Contains(err.Error(), "built for linux/arm64 but task family webapp runs on X86_64") {
		t.Fatalf("arm64 image for an X86_64 task: %v", err)
	}
	missing := host + "/webapp@sha256:" + strings.Repeat("0", 64)
	err = p.CheckImage(ctx, missing, publish.Auth{})
	t.Logf("missing image: %v", err)
	if err == nil || !strings.Contains(err.Error(), "is not in its registry") {
		t.Fatalf("missing digest: %v", err)
	}
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: imageFor(t, "amd64"), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: imageFor(t, "arm64"), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	multi := pushed(t, host, nil, idx)
	p.TaskDefinition.RuntimePlatform = &ecstypes.RuntimePlatform{CpuArchitecture: ecstypes.CPUArchitectureArm64}
	if err := p.CheckImage(ctx, multi, publish.Auth{}); err != nil {
		t.Fatalf("two-platform index for an ARM64 task: %v", err)
	}
}
