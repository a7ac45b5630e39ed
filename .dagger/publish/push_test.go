package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func TestDigestFromTarballOCI(t *testing.T) {
	img := ociImage(t)
	want, _ := img.Digest()
	got, format, err := DigestFromTarball(writeOCITarball(t, img))
	if err != nil || got != want.String() || format != FormatOCI {
		t.Fatalf("DigestFromTarball = %q %q %v; want %s oci", got, format, err, want)
	}
}

func TestDigestFromTarballDocker(t *testing.T) {
	img := ociImage(t)
	got, format, err := DigestFromTarball(writeDockerTarball(t, img))
	if err != nil || format != FormatDocker || ValidateDigest(got) != nil {
		t.Fatalf("DigestFromTarball = %q %q %v", got, format, err)
	}
}

func TestDigestFromTarballRefusesBadInput(t *testing.T) {
	img := ociImage(t)
	want, _ := img.Digest()
	dir := t.TempDir()
	p, _ := layout.Write(filepath.Join(dir, "l"), empty.Index)
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	// A manifest blob whose bytes no longer match its name.
	corrupt := filepath.Join(dir, "corrupt.tar")
	tarDir(t, filepath.Join(dir, "l"), corrupt, func(n string, b []byte) []byte {
		if n == "blobs/sha256/"+want.Hex {
			return append(b, ' ')
		}
		return b
	})
	if _, _, err := DigestFromTarball(corrupt); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt manifest: %v", err)
	}
	// Two different images in one layout.
	if err := p.AppendImage(ociImage(t)); err != nil {
		t.Fatal(err)
	}
	two := filepath.Join(dir, "two.tar")
	tarDir(t, filepath.Join(dir, "l"), two, nil)
	if _, _, err := DigestFromTarball(two); err == nil || !strings.Contains(err.Error(), "several images") {
		t.Errorf("two images: %v", err)
	}
	notTar := filepath.Join(dir, "x.tar")
	os.WriteFile(notTar, []byte("definitely not a tar archive, just text that is long enough to fill a header block"), 0o644)
	if _, _, err := DigestFromTarball(notTar); err == nil {
		t.Error("a non-tar file was accepted")
	}
	if _, _, err := DigestFromTarball(filepath.Join(dir, "missing.tar")); err == nil {
		t.Error("a missing file was accepted")
	}
}

func TestPushRoundTripWithECRToken(t *testing.T) {
	_, login, _ := motoLogin(t)
	reg := startRegistry(t, login.Username, login.Password, true)
	auth := Auth{Username: login.Username, Password: login.Password}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		file func(t testing.TB) (string, string)
	}{
		{"oci", func(t testing.TB) (string, string) {
			img := ociImage(t)
			d, _ := img.Digest()
			return writeOCITarball(t, img), d.String()
		}},
		{"docker", func(t testing.TB) (string, string) {
			f := writeDockerTarball(t, ociImage(t))
			d, _, err := DigestFromTarball(f)
			if err != nil {
				t.Fatal(err)
			}
			return f, d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file, local := tc.file(t)
			got, err := Push(ctx, file, reg.ref("webapp", tc.name), auth)
			if err != nil {
				t.Fatal(err)
			}
			if got.Digest != local {
				t.Fatalf("pushed digest %s, computed before the push %s", got.Digest, local)
			}
			remoteDigest, err := RemoteDigest(ctx, reg.ref("webapp", tc.name), auth)
			if err != nil || remoteDigest != local {
				t.Fatalf("registry serves %q (%v), want %s", remoteDigest, err, local)
			}
			// The manifest the registry returns hashes to the same digest.
			tag, _ := name.NewTag(reg.Host + "/webapp:" + tc.name)
			desc, err := remote.Get(tag, remote.WithAuth(&authn.Basic{Username: auth.Username, Password: auth.Password}))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(desc.Manifest)
			if "sha256:"+hex.EncodeToString(sum[:]) != local {
				t.Fatalf("manifest bytes hash to %x, want %s", sum, local)
			}
		})
	}
}

func TestPushRejectsWrongPassword(t *testing.T) {
	_, login, _ := motoLogin(t)
	reg := startRegistry(t, login.Username, login.Password, true)
	file := writeOCITarball(t, ociImage(t))
	wrong := Auth{Username: "AWS", Password: "wrong-password-for-the-test"}
	_, err := Push(context.Background(), file, reg.ref("webapp", "v1"), wrong)
	if err == nil {
		t.Fatal("push with a wrong password succeeded")
	}
	if strings.Contains(err.Error(), wrong.Password) || strings.Contains(err.Error(), login.Password) {
		t.Fatalf("error reveals a password: %v", err)
	}
	if !strings.Contains(strings.ToUpper(err.Error()), "UNAUTHORIZED") {
		t.Errorf("error should say the login was refused: %v", err)
	}
	if d, err := RemoteDigest(context.Background(), reg.ref("webapp", "v1"), Auth{Username: login.Username, Password: login.Password}); err != nil || d != "" {
		t.Fatalf("tag exists after a refused push: %q %v", d, err)
	}
}

func TestPublishIsIdempotent(t *testing.T) {
	_, login, _ := motoLogin(t)
	reg := startRegistry(t, login.Username, login.Password, true)
	auth := Auth{Username: login.Username, Password: login.Password}
	ctx := context.Background()
	img := ociImage(t)
	want, _ := img.Digest()
	file := writeOCITarball(t, img)
	var log strings.Builder
	req := Request{Tarball: file, Target: reg.ref("webapp", "3f2c1ab"), Auth: auth, Immutable: true, Log: &log}

	first, err := Publish(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Pushed || first.Reference.Digest != want.String() || first.Reference.Tag != "3f2c1ab" {
		t.Fatalf("first publish: %+v", first)
	}
	if _, err := ParsePublished(first.Reference.String()); err != nil {
		t.Fatalf("result is not repo:tag@digest: %v", err)
	}

	second, err := Publish(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if second.Pushed || second.Reference != first.Reference {
		t.Fatalf("second publish pushed again or changed the reference: %+v", second)
	}
	if want := "tag 3f2c1ab already holds " + want.String() + " — nothing to push"; second.Message != want || !strings.Contains(log.String(), want) {
		t.Errorf("message %q, log %q", second.Message, log.String())
	}

	// Another image under the same immutable tag: refused before any upload.
	other := ociImage(t)
	otherDigest, _ := other.Digest()
	req.Tarball = writeOCITarball(t, other)
	_, err = Publish(ctx, req)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Existing != want.String() || conflict.Local != otherDigest.String() {
		t.Fatalf("conflicting publish: %v", err)
	}
	if d, _ := RemoteDigest(ctx, reg.ref("webapp", "3f2c1ab"), auth); d != want.String() {
		t.Fatalf("tag moved to %s", d)
	}
	if reg.refused != 0 {
		t.Errorf("the conflict should be caught before pushing, registry refused %d manifests", reg.refused)
	}
}

func TestPublishMovesMutableTag(t *testing.T) {
	_, login, _ := motoLogin(t)
	reg := startRegistry(t, login.Username, login.Password, false)
	auth := Auth{Username: login.Username, Password: login.Password}
	ctx := context.Background()
	req := Request{Tarball: writeOCITarball(t, ociImage(t)), Target: reg.ref("webapp", "edge"), Auth: auth}
	if _, err := Publish(ctx, req); err != nil {
		t.Fatal(err)
	}
	next := ociImage(t)
	nextDigest, _ := next.Digest()
	req.Tarball = writeOCITarball(t, next)
	res, err := Publish(ctx, req)
	if err != nil || !res.Pushed || !strings.Contains(res.Message, "pushed") {
		t.Fatalf("moving a mutable tag: %+v %v", res, err)
	}
	if d, _ := RemoteDigest(ctx, reg.ref("webapp", "edge"), auth); d != nextDigest.String() {
		t.Fatalf("tag holds %s, want %s", d, nextDigest)
	}
}

// A concurrent release pushed another image between our check and our push:
// the registry refuses the tag and the re-check turns it into a conflict.
func TestPublishRaceEndsInConflict(t *testing.T) {
	_, login, _ := motoLogin(t)
	reg := startRegistry(t, login.Username, login.Password, true)
	auth := Auth{Username: login.Username, Password: login.Password}
	ctx := context.Background()
	theirs := ociImage(t)
	theirDigest, _ := theirs.Digest()
	if _, err := Push(ctx, writeOCITarball(t, theirs), reg.ref("webapp", "v7"), auth); err != nil {
		t.Fatal(err)
	}
	calls := 0
	stale := func(ctx context.Context, tag string) (string, error) {
		calls++
		if calls == 1 {
			return "", nil // our check ran before their push landed
		}
		return RemoteDigest(ctx, reg.ref("webapp", tag), auth)
	}
	_, err := Publish(ctx, Request{Tarball: writeOCITarball(t, ociImage(t)), Target: reg.ref("webapp", "v7"), Auth: auth, Immutable: true, Lookup: stale})
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Existing != theirDigest.String() {
		t.Fatalf("race: %v", err)
	}
	if reg.refused != 1 || calls != 2 {
		t.Errorf("registry refused %d manifests, lookups %d; want 1 and 2", reg.refused, calls)
	}
}

func TestPublishRejectsBadTargets(t *testing.T) {
	file := writeOCITarball(t, ociImage(t))
	for _, target := range []Reference{
		{Registry: "localhost:5000", Repository: "webapp", Tag: "latest"},
		{Registry: "localhost:5000", Repository: "WebApp", Tag: "v1"},
		{Registry: "localhost:5000", Repository: "webapp", Tag: "v1", Digest: digestA},
	} {
		if _, err := Publish(context.Background(), Request{Tarball: file, Target: target}); err == nil {
			t.Errorf("target %+v accepted", target)
		}
	}
}
