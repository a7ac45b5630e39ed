package publish

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/ecs-bluegreen/imagebuild"
)

// builtLayout writes a deterministic image (one per architecture; several
// make an index) for revision, created at the given time, as a layout tar.
func builtLayout(t testing.TB, revision string, created time.Time, archs ...string) (string, []v1.Image) {
	t.Helper()
	var imgs []v1.Image
	for _, arch := range archs {
		img, err := imagebuild.Build(imagebuild.Spec{
			OS: "linux", Architecture: arch, Created: created,
			Files:  []imagebuild.File{{Path: "/app", Mode: 0o555, Data: []byte("binary for " + arch)}},
			Config: v1.Config{Entrypoint: []string{"/app"}, Labels: map[string]string{RevisionLabel: revision}},
		})
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, img)
	}
	var top imagebuild.Top = imgs[0]
	if len(imgs) > 1 {
		idx, err := imagebuild.Index(imgs...)
		if err != nil {
			t.Fatal(err)
		}
		top = idx
	}
	file := filepath.Join(t.TempDir(), "image.tar")
	if _, err := imagebuild.WriteLayoutFile(file, top); err != nil {
		t.Fatal(err)
	}
	return file, imgs
}

func TestRerunOfAReproducibleBuildIsASkip(t *testing.T) {
	reg := startRegistry(t, "AWS", "pw", true)
	auth := Auth{Username: "AWS", Password: "pw"}
	first, _ := builtLayout(t, "abc1234", time.Unix(0, 0), "amd64")
	// A second, independent build of the same inputs (a fresh engine, another machine).
	second, _ := builtLayout(t, "abc1234", time.Unix(0, 0), "amd64")
	req := Request{Tarball: first, Target: reg.ref("webapp", "abc1234"), Auth: auth, Immutable: true, Revision: "abc1234"}
	r1, err := Publish(context.Background(), req)
	if err != nil || !r1.Pushed {
		t.Fatalf("first publish: %+v, %v", r1, err)
	}
	req.Tarball = second
	r2, err := Publish(context.Background(), req)
	if err != nil {
		t.Fatalf("re-run refused: %v", err)
	}
	if r2.Pushed || r2.Reference != r1.Reference || !strings.Contains(r2.Message, "nothing to push") {
		t.Fatalf("re-run = %+v, want a skip of %s", r2, r1.Reference)
	}
}

func TestSameRevisionDifferentBytesSaysSoAndOverwritesNothing(t *testing.T) {
	reg := startRegistry(t, "AWS", "pw", true)
	auth := Auth{Username: "AWS", Password: "pw"}
	older, _ := builtLayout(t, "abc1234", time.Unix(1700000000, 0), "amd64")
	newer, _ := builtLayout(t, "abc1234", time.Unix(0, 0), "amd64")
	target := reg.ref("webapp", "abc1234")
	r1, err := Publish(context.Background(), Request{Tarball: older, Target: target, Auth: auth, Immutable: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Publish(context.Background(), Request{Tarball: newer, Target: target, Auth: auth, Immutable: true, Revision: "abc1234"})
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Revision != "abc1234" {
		t.Fatalf("want a same-revision conflict, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"same revision abc1234", r1.Reference.Digest, "Nothing was overwritten",
		"release --image " + target.Name() + "@" + r1.Reference.Digest, "--tag abc1234-rebuilt"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if got, _ := RemoteDigest(context.Background(), target, auth); got != r1.Reference.Digest {
		t.Fatalf("tag now holds %s, want the untouched %s", got, r1.Reference.Digest)
	}
	// Another revision under the tag is the plain conflict, without the same-revision story.
	other, _ := builtLayout(t, "def5678", time.Unix(0, 0), "amd64")
	_, err = Publish(context.Background(), Request{Tarball: other, Target: target, Auth: auth, Immutable: true, Revision: "def5678"})
	if !errors.As(err, &conflict) || conflict.Revision != "" || strings.Contains(err.Error(), "same revision") {
		t.Fatalf("different revision: %v", err)
	}
}

func TestPublishPushesTheIndexAndEveryPlatform(t *testing.T) {
	reg := startRegistry(t, "AWS", "pw", true)
	auth := Auth{Username: "AWS", Password: "pw"}
	file, imgs := builtLayout(t, "abc1234", time.Unix(0, 0), "amd64", "arm64")
	want, format, err := DigestFromTarball(file)
	if err != nil || format != FormatOCI {
		t.Fatal(format, err)
	}
	res, err := Publish(context.Background(), Request{Tarball: file, Target: reg.ref("webapp", "multi"), Auth: auth, Immutable: true})
	if err != nil || res.Reference.Digest != want {
		t.Fatalf("publish = %+v, %v; want digest %s", res, err, want)
	}
	ref, _ := name.ParseReference(res.Reference.ByDigest())
	idx, err := remote.Index(ref, auth.options(context.Background())...)
	if err != nil {
		t.Fatalf("the registry does not serve the index by digest: %v", err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 2 {
		t.Fatalf("index lists %d manifests", len(im.Manifests))
	}
	for i, img := range imgs {
		d, _ := img.Digest()
		if im.Manifests[i].Digest != d {
			t.Errorf("manifest %d is %s, want %s", i, im.Manifests[i].Digest, d)
		}
		pref, _ := name.ParseReference(reg.Host + "/webapp@" + d.String())
		if _, err := remote.Image(pref, auth.options(context.Background())...); err != nil {
			t.Errorf("platform manifest %s not pushed: %v", d, err)
		}
	}
	if rev, err := RemoteRevision(context.Background(), res.Reference, auth); err != nil || rev != "abc1234" {
		t.Fatalf("RemoteRevision of the index = %q, %v", rev, err)
	}
}
