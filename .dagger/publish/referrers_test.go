package publish

import (
	"context"
	"errors"
	"io"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/ecs-bluegreen/imagebuild"
)

// startReferrersRegistry is the test registry with the OCI referrers API on.
func startReferrersRegistry(t *testing.T) *testRegistry {
	t.Helper()
	reg := startRegistry(t, "AWS", "pw", true)
	reg.inner = registry.New(registry.WithReferrersSupport(true), registry.Logger(log.New(io.Discard, "", 0)))
	return reg
}

// pushedIndex publishes a two-platform index and returns its platform descriptors.
func pushedIndex(t *testing.T, reg *testRegistry, auth Auth) []v1.Descriptor {
	t.Helper()
	file, imgs := builtLayout(t, "abc1234", time.Unix(0, 0), "amd64", "arm64")
	if _, err := Publish(context.Background(), Request{Tarball: file, Target: reg.ref("webapp", "abc1234"), Auth: auth}); err != nil {
		t.Fatal(err)
	}
	var out []v1.Descriptor
	for _, img := range imgs {
		d, err := imagebuild.Describe(img)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func TestAttachListsReferrersForEachPlatform(t *testing.T) {
	reg := startReferrersRegistry(t)
	auth := Auth{Username: "AWS", Password: "pw"}
	subjects := pushedIndex(t, reg, auth)
	var refs []Referrer
	for _, s := range subjects {
		refs = append(refs,
			Referrer{ArtifactType: "application/vnd.cyclonedx+json", Data: []byte(`{"bomFormat":"CycloneDX","p":"` + s.Platform.String() + `"}`), Subject: s},
			Referrer{ArtifactType: "application/vnd.in-toto+json", Data: []byte(`{"_type":"https://in-toto.io/Statement/v1","p":"` + s.Platform.String() + `"}`), Subject: s})
	}
	repo := reg.ref("webapp", "")
	attached, err := Attach(context.Background(), repo, auth, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(attached) != 4 {
		t.Fatalf("attached %+v", attached)
	}
	for _, s := range subjects {
		r, _ := name.ParseReference(repo.Name() + "@" + s.Digest.String())
		idx, err := remote.Referrers(r.(name.Digest), auth.options(context.Background())...)
		if err != nil {
			t.Fatal(err)
		}
		im, _ := idx.IndexManifest()
		listed := map[string]bool{}
		for _, d := range im.Manifests {
			listed[d.Digest.String()] = true
		}
		found := 0
		for _, a := range attached {
			if a.Subject != s.Digest.String() {
				continue
			}
			found++
			if a.Platform != s.Platform.String() || !listed[a.Digest] {
				t.Errorf("referrer %+v not listed for %s (listed: %v)", a, s.Digest, listed)
			}
			// The listed manifest is what Attach reported: artifactType, subject, payload.
			mr, _ := name.ParseReference(repo.Name() + "@" + a.Digest)
			desc, err := remote.Get(mr, auth.options(context.Background())...)
			if err != nil {
				t.Fatal(err)
			}
			m, err := v1.ParseManifest(strings.NewReader(string(desc.Manifest)))
			if err != nil {
				t.Fatal(err)
			}
			if desc.Digest.String() != a.Digest || m.ArtifactType != a.ArtifactType || m.Subject == nil || m.Subject.Digest != s.Digest || m.Subject.MediaType != s.MediaType {
				t.Errorf("manifest %s: %+v", a.Digest, m)
			}
			blob, err := remote.Layer(mr.Context().Digest(m.Layers[0].Digest.String()), auth.options(context.Background())...)
			if err != nil {
				t.Fatal(err)
			}
			rc, _ := blob.Compressed()
			payload, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(payload), s.Platform.String()) {
				t.Errorf("payload of %s is %s", a.Digest, payload)
			}
		}
		if found != 2 || len(im.Manifests) != 2 {
			t.Errorf("subject %s: %d attached, %d listed; want 2 and 2", s.Digest, found, len(im.Manifests))
		}
	}
	// A re-run finds the same bytes there: same digests, reported as
	// already attached, nothing new listed.
	again, err := Attach(context.Background(), repo, auth, refs)
	if err != nil || len(again) != 4 {
		t.Fatalf("re-run: %+v, %v", again, err)
	}
	for i, a := range again {
		if !a.Existing || a.Digest != attached[i].Digest || attached[i].Existing {
			t.Errorf("re-run %d: %+v (first run %+v)", i, a, attached[i])
		}
	}
	for _, s := range subjects {
		if n := referrerCount(t, repo, auth, s); n != 2 {
			t.Errorf("subject %s: %d referrers after a re-run, want 2", s.Digest, n)
		}
	}
}

func TestAttachWithoutReferrersAPISaysSoAndPushesNothing(t *testing.T) {
	reg := startRegistry(t, "AWS", "pw", false)
	auth := Auth{Username: "AWS", Password: "pw"}
	subjects := pushedIndex(t, reg, auth)
	_, err := Attach(context.Background(), reg.ref("webapp", ""), auth, []Referrer{{ArtifactType: "application/vnd.cyclonedx+json", Data: []byte("{}"), Subject: subjects[0]}})
	var none *NoReferrersAPIError
	if !errors.As(err, &none) || !strings.Contains(err.Error(), reg.Host) || !strings.Contains(err.Error(), "no fallback tags") {
		t.Fatalf("err = %v", err)
	}
	tags, err := remote.List(mustRepo(t, reg.Host+"/webapp"), auth.options(context.Background())...)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 1 || tags[0] != "abc1234" {
		t.Fatalf("tags %v: a fallback tag was written", tags)
	}
}

func TestArtifactManifestRefusesAnIndexSubject(t *testing.T) {
	file, _ := builtLayout(t, "abc1234", time.Unix(0, 0), "amd64", "arm64")
	digest, _, _ := DigestFromTarball(file)
	h, _ := v1.NewHash(digest)
	_, err := ArtifactManifest(Referrer{ArtifactType: "application/vnd.cyclonedx+json", Data: []byte("{}"),
		Subject: v1.Descriptor{MediaType: "application/vnd.oci.image.index.v1+json", Digest: h, Size: 1}})
	if err == nil || !strings.Contains(err.Error(), "each platform image manifest") {
		t.Fatalf("err = %v", err)
	}
}

func mustRepo(t *testing.T, s string) name.Repository {
	r, err := name.NewRepository(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestStrictReferrersMakesAMissingAPIAnError: with strict, a registry
// without the referrers API fails the call; without, the call succeeds and
// a loud warning names the registry and the image.
func TestStrictReferrersMakesAMissingAPIAnError(t *testing.T) {
	reg := startRegistry(t, "AWS", "pw", false)
	auth := Auth{Username: "AWS", Password: "pw"}
	subjects := pushedIndex(t, reg, auth)
	_, attachErr := Attach(context.Background(), reg.ref("webapp", ""), auth, []Referrer{{ArtifactType: "application/vnd.cyclonedx+json", Data: []byte("{}"), Subject: subjects[0]}})
	image := reg.ref("webapp", "abc1234")

	warning, err := WithoutReferrers(attachErr, image, true)
	var none *NoReferrersAPIError
	if warning != "" || !errors.As(err, &none) || !strings.Contains(err.Error(), "--strict-referrers") || !strings.Contains(err.Error(), image.Tagged()) {
		t.Fatalf("strict: warning %q, err %v", warning, err)
	}
	warning, err = WithoutReferrers(attachErr, image, false)
	if err != nil || !strings.HasPrefix(warning, "WARNING: ") || !strings.Contains(warning, reg.Host) || !strings.Contains(warning, "WITHOUT its SBOM and provenance") {
		t.Fatalf("default: warning %q, err %v", warning, err)
	}
	other := errors.New("boom")
	if w, err := WithoutReferrers(other, image, true); w != "" || err != other {
		t.Errorf("another error: %q %v", w, err)
	}
	if w, err := WithoutReferrers(nil, image, true); w != "" || err != nil {
		t.Errorf("no error: %q %v", w, err)
	}
}
