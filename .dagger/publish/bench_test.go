package publish

import (
	"context"
	"io"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// BenchmarkDigestFromTarball measures reading the digest of a ~20 MB OCI
// tarball (a typical static Go app image), which runs before every publish.
func BenchmarkDigestFromTarball(b *testing.B) {
	file := writeOCITarball(b, bigImage(b))
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := DigestFromTarball(file); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublishSkip measures an idempotent re-publish (digest + one HEAD).
func BenchmarkPublishSkip(b *testing.B) {
	reg := startRegistry(b, "AWS", "bench-password", true)
	auth := Auth{Username: "AWS", Password: "bench-password"}
	file := writeOCITarball(b, bigImage(b))
	req := Request{Tarball: file, Target: reg.ref("webapp", "bench"), Auth: auth, Immutable: true, Log: io.Discard}
	if _, err := Publish(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := Publish(context.Background(), req)
		if err != nil || res.Pushed {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

// bigImage is two 10 MB random layers with OCI media types.
func bigImage(b *testing.B) v1.Image {
	b.Helper()
	img, err := random.Image(10<<20, 2)
	if err != nil {
		b.Fatal(err)
	}
	return mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), types.OCIConfigJSON)
}
