package publish

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/ecs-bluegreen/provenance"
)

// TestRerunAttachesNothingWhenAnEquivalentStatementIsThere publishes the
// provenance of one build twice, through two addresses of the same registry
// (127.0.0.1:port and localhost:port, as a stand-in service gets a new host
// name on every call), the first statement naming its registry as older
// releases did. The second run attaches nothing and reports the referrer
// already there; a build with another input attaches its own.
func TestRerunAttachesNothingWhenAnEquivalentStatementIsThere(t *testing.T) {
	reg := startReferrersRegistry(t)
	auth := Auth{Username: "AWS", Password: "pw"}
	subject := pushedIndex(t, reg, auth)[0]
	build := provenance.Build{
		Digest: subject.Digest.String(), Platform: subject.Platform.String(), Version: "abc1234",
		SourceDigest: "sha256:" + strings.Repeat("b", 64), GoImage: "golang:1.26-bookworm",
		GoBuild: []string{"go", "build", "./app"},
	}
	statement := func(subjectName, sourceDigest string) Referrer {
		b := build
		b.Subject, b.SourceDigest = subjectName, sourceDigest
		doc, err := provenance.Statement(b)
		if err != nil {
			t.Fatal(err)
		}
		return Referrer{ArtifactType: provenance.MediaType, Data: doc, Subject: subject, Equivalent: func(_ string, existing []byte, _ map[string]string) bool {
			return provenance.Equivalent(doc, existing)
		}}
	}
	port := reg.Host[strings.LastIndex(reg.Host, ":"):]
	first := Reference{Registry: reg.Host, Repository: "webapp"}
	second := Reference{Registry: "localhost" + port, Repository: "webapp"}

	ran, err := Attach(context.Background(), first, auth, []Referrer{statement(first.Name(), build.SourceDigest)})
	if err != nil || len(ran) != 1 || ran[0].Existing {
		t.Fatalf("first run: %+v, %v", ran, err)
	}
	again, err := Attach(context.Background(), second, auth, []Referrer{statement(second.Name(), build.SourceDigest)})
	if err != nil || len(again) != 1 {
		t.Fatalf("re-run: %+v, %v", again, err)
	}
	if !again[0].Existing || again[0].Digest != ran[0].Digest {
		t.Errorf("re-run attached %+v; want the first run's %s reported as already there", again[0], ran[0].Digest)
	}
	if n := referrerCount(t, first, auth, subject); n != 1 {
		t.Fatalf("%d referrers after a re-run of the same build, want 1", n)
	}

	changed, err := Attach(context.Background(), second, auth, []Referrer{statement(second.Name(), "sha256:"+strings.Repeat("c", 64))})
	if err != nil || len(changed) != 1 || changed[0].Existing {
		t.Fatalf("another build: %+v, %v", changed, err)
	}
	if n := referrerCount(t, first, auth, subject); n != 2 {
		t.Fatalf("%d referrers after a different build, want 2", n)
	}
}

func referrerCount(t *testing.T, repo Reference, auth Auth, subject v1.Descriptor) int {
	t.Helper()
	r, err := name.NewDigest(repo.Name()+"@"+subject.Digest.String(), name.StrictValidation)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Referrers(r, auth.options(context.Background())...)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	return len(im.Manifests)
}
