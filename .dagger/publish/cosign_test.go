package publish

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/internal/testtool"
	"dagger/ecs-bluegreen/provenance"
)

// cosignVersion is the cosign release the README's verification commands
// were tested with; .ci/run installs it into the project's cache directory.
const cosignVersion = "v2.4.1"

// cosignBinary returns the pinned cosign: the one .ci/run installs under the
// project's cache directory, else a cosign on PATH of the same version.
// Without either the test skips, or fails under CI=true.
func cosignBinary(t *testing.T) string {
	t.Helper()
	var candidates []string
	if dir, err := testtool.CacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(dir, "cosign-"+cosignVersion, "cosign"))
	}
	if p, err := exec.LookPath("cosign"); err == nil {
		candidates = append(candidates, p)
	}
	for _, bin := range candidates {
		out, err := exec.Command(bin, "version").CombinedOutput()
		if err == nil && bytes.Contains(out, []byte("GitVersion:    "+cosignVersion+"\n")) {
			return bin
		}
	}
	testtool.Missing(t, "cosign "+cosignVersion+" not found in the cache directory nor on PATH "+
		"(GOBIN=<cache>/cosign-"+cosignVersion+" go install github.com/sigstore/cosign/v2/cmd/cosign@"+cosignVersion+")")
	return ""
}

// cosignRun runs cosign with a HOME, Docker config and TUF root of its own,
// Basic auth for the test registry, and a proxy that refuses every address
// but loopback, so a verification can never reach a public Sigstore
// service. It returns the combined output and the error.
func cosignRun(t *testing.T, bin string, reg *testRegistry, extraEnv []string, args ...string) (string, error) {
	t.Helper()
	home := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(reg.user + ":" + reg.pw))
	cfg, _ := json.Marshal(map[string]any{"auths": map[string]any{reg.Host: map[string]string{"auth": auth}}})
	if err := os.WriteFile(filepath.Join(home, "config.json"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{
		"HOME=" + home, "DOCKER_CONFIG=" + home, "TUF_ROOT=" + filepath.Join(home, "tuf"), "PATH=" + os.Getenv("PATH"),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost",
	}, extraEnv...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCosignVerifiesTheAttachedProvenance runs the pinned cosign against a
// provenance envelope attached by Attach, signed by a key in the KMS
// stand-in, exactly as the README tells a verifier to:
//
//   - `cosign verify-blob-attestation` with the envelope read through the
//     referrers API and the platform manifest's bytes as the blob verifies,
//     with the public key as PEM and with `awskms:///<arn>` (the KMS
//     stand-in serving kms:GetPublicKey); a tampered payload, another
//     platform's manifest or another key is refused.
//   - `cosign verify-attestation` does not find the referrer, with or
//     without --experimental-oci11: cosign 2.4.1 reads attestations only from
//     its `sha256-<digest>.att` tag. The same envelope pushed under that tag
//     verifies, so what cosign lacks is the discovery, not the format.
//   - what WriteCosignAttestation (publish --cosign-tags) writes under that
//     tag passes `cosign verify-attestation` with the key as PEM and as
//     `awskms:///<arn>`, not with another key; a re-run (signed anew)
//     writes nothing; a tampered envelope there fails, and the good one
//     appended beside it verifies.
func TestCosignVerifiesTheAttachedProvenance(t *testing.T) {
	bin := cosignBinary(t)
	reg := startReferrersRegistry(t)
	reg.immutable = false // appending to a cosign tag moves it; immutable tags: TestCosignTagOnImmutableRepository
	auth := Auth{Username: "AWS", Password: "pw"}
	subjects := pushedIndex(t, reg, auth)
	subject := subjects[0]
	repo := reg.ref("webapp", "")
	statement, err := provenance.Statement(provenance.Build{
		Subject: "webapp", Digest: subject.Digest.String(), Platform: subject.Platform.String(), Version: "abc1234",
		GoImage: "golang:1.26-bookworm", GoBuild: []string{"go", "build", "./app"},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := moto.Shared(t) // its address, for cosign; MotoConfig resets it once more before any key exists
	kmsClient := kms.NewFromConfig(awstest.MotoConfig(t))
	ours, theirs := signingKey(t, kmsClient), signingKey(t, kmsClient)
	ctx := context.Background()
	a, err := provenance.Attest(ctx, statement, ours)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Attach(ctx, repo, auth, []Referrer{{ArtifactType: a.ArtifactType, Data: a.Data, Subject: subject,
		Annotations: a.Annotations, Equivalent: a.Covers}})
	if err != nil || len(got) != 1 {
		t.Fatalf("attach: %+v %v", got, err)
	}

	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pemKey := func(s *provenance.KMSSigner) []byte {
		der, err := x509.MarshalPKIXPublicKey(s.Public)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}
	manifestOf := func(d string) []byte {
		r, err := name.NewDigest(repo.Name()+"@"+d, name.StrictValidation)
		if err != nil {
			t.Fatal(err)
		}
		desc, err := remote.Get(r, auth.options(ctx)...)
		if err != nil {
			t.Fatal(err)
		}
		return desc.Manifest
	}
	_, envelope := fetchReferrer(t, repo, auth, got[0].Digest)
	ourKey, theirKey := write("ours.pem", pemKey(ours)), write("theirs.pem", pemKey(theirs))
	envFile := write("envelope.json", envelope)
	manifest := write("manifest.json", manifestOf(subject.Digest.String()))
	otherManifest := write("other.json", manifestOf(subjects[1].Digest.String()))
	tampered := write("tampered.json", tamper(t, envelope, "abc1234", "abc1235"))

	blob := func(key, env, blob string, extraEnv ...string) (string, error) {
		return cosignRun(t, bin, reg, extraEnv, "verify-blob-attestation", "--key", key, "--type", "slsaprovenance1",
			"--signature", env, "--insecure-ignore-tlog=true", blob)
	}
	if out, err := blob(ourKey, envFile, manifest); err != nil || !strings.Contains(out, "Verified OK") {
		t.Fatalf("cosign verify-blob-attestation of the attached envelope: %v\n%s", err, out)
	}
	// The README's form: the key read from KMS (the stand-in) by cosign.
	kmsEnv := []string{"AWS_ENDPOINT_URL=" + srv.URL, "AWS_ACCESS_KEY_ID=" + moto.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + moto.SecretKey, "AWS_REGION=" + moto.Region}
	out, err := blob("awskms:///"+ours.KeyARN, envFile, manifest, kmsEnv...)
	if err != nil || !strings.Contains(out, "Verified OK") {
		t.Fatalf("cosign verify-blob-attestation --key awskms:///%s: %v\n%s", ours.KeyARN, err, out)
	}
	t.Logf("cosign verify-blob-attestation --key awskms:///%s:\n%s", ours.KeyARN, out)
	for _, c := range []struct{ what, key, env, blob, want string }{
		{"a tampered payload", ourKey, tampered, manifest, "accepted signatures do not match threshold"},
		{"another platform's manifest", ourKey, envFile, otherManifest, "no matching subject digest found"},
		{"another key", theirKey, envFile, manifest, "accepted signatures do not match threshold"},
	} {
		out, err := blob(c.key, c.env, c.blob)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("cosign verify-blob-attestation of %s: %v, want the error %q:\n%s", c.what, err, c.want, out)
		}
	}

	image := repo.Name() + "@" + subject.Digest.String()
	verifyAttestation := func(key string, extra ...string) (string, error) {
		args := append([]string{"verify-attestation", "--key", key, "--type", "slsaprovenance1",
			"--insecure-ignore-tlog=true", "--allow-insecure-registry", "--allow-http-registry"}, extra...)
		return cosignRun(t, bin, reg, nil, append(args, image)...)
	}
	for _, extra := range [][]string{nil, {"--experimental-oci11"}} {
		out, err := verifyAttestation(ourKey, extra...)
		if err == nil || !strings.Contains(out, "no matching attestations") {
			t.Fatalf("cosign verify-attestation %v found the referrer (the README says it cannot): %v\n%s", extra, err, out)
		}
	}

	// What publish --cosign-tags writes: the envelope under cosign's own tag
	// is found and verifies with our key, not with another.
	covers := func(a provenance.Attestation) func([]byte, map[string]string) bool {
		return func(env []byte, ann map[string]string) bool { return a.Covers(provenance.EnvelopeMediaType, env, ann) }
	}
	writeTag := func(s v1.Descriptor, env []byte, cover func([]byte, map[string]string) bool) CosignTagged {
		t.Helper()
		got, err := WriteCosignAttestation(ctx, repo, auth, CosignAttestation{Subject: s, Envelope: env,
			PredicateType: provenance.PredicateType, Covers: cover}, false)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if w := writeTag(subject, envelope, covers(a)); w.Existing || w.Layers != 1 {
		t.Fatalf("first write of the cosign tag: %+v", w)
	}
	if out, err := verifyAttestation(ourKey); err != nil || !strings.Contains(out, "verified against the specified public key") {
		t.Fatalf("cosign verify-attestation of the envelope under the .att tag: %v\n%s", err, out)
	}
	if out, err := verifyAttestation(theirKey); err == nil || !strings.Contains(out, "no matching attestations") {
		t.Fatalf("cosign verify-attestation with another key: %v, want no matching attestations:\n%s", err, out)
	}
	// The README's form, the key read from the KMS stand-in.
	if out, err := cosignRun(t, bin, reg, kmsEnv, "verify-attestation", "--key", "awskms:///"+ours.KeyARN, "--type", "slsaprovenance1",
		"--insecure-ignore-tlog=true", "--allow-insecure-registry", "--allow-http-registry", image); err != nil ||
		!strings.Contains(out, "verified against the specified public key") {
		t.Fatalf("cosign verify-attestation --key awskms:///%s: %v\n%s", ours.KeyARN, err, out)
	} else {
		t.Logf("cosign verify-attestation --key awskms:///%s %s:\n%s", ours.KeyARN, image, out)
	}

	// A re-run signs anew (other signature bytes) and writes nothing.
	before := tagDigest(t, repo, auth, subject.Digest)
	again, err := provenance.Attest(ctx, statement, ours)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(again.Data, a.Data) {
		t.Fatal("a second signing gave the same envelope bytes: the re-run case is not exercised")
	}
	if w := writeTag(subject, again.Data, covers(again)); !w.Existing || w.Layers != 1 {
		t.Fatalf("re-run of the cosign tag: %+v, want nothing written", w)
	}
	if after := tagDigest(t, repo, auth, subject.Digest); after != before {
		t.Fatalf("the re-run moved %s from %s to %s", CosignAttestationTag(subject.Digest), before, after)
	}

	// Another platform: a tampered envelope under its tag fails; the good
	// one is appended beside it (kept, as cosign attest keeps what is there)
	// and verifies.
	other := subjects[1]
	st2, err := provenance.Statement(provenance.Build{
		Subject: "webapp", Digest: other.Digest.String(), Platform: other.Platform.String(), Version: "abc1234",
		GoImage: "golang:1.26-bookworm", GoBuild: []string{"go", "build", "./app"},
	})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := provenance.Attest(ctx, st2, ours)
	if err != nil {
		t.Fatal(err)
	}
	writeTag(other, tamper(t, a2.Data, "abc1234", "abc1235"), covers(a2))
	otherImage := repo.Name() + "@" + other.Digest.String()
	verifyOther := func() (string, error) {
		return cosignRun(t, bin, reg, nil, "verify-attestation", "--key", ourKey, "--type", "slsaprovenance1",
			"--insecure-ignore-tlog=true", "--allow-insecure-registry", "--allow-http-registry", otherImage)
	}
	if out, err := verifyOther(); err == nil || !strings.Contains(out, "no matching attestations") {
		t.Fatalf("cosign verify-attestation of a tampered envelope: %v, want no matching attestations:\n%s", err, out)
	}
	if w := writeTag(other, a2.Data, covers(a2)); w.Existing || w.Layers != 2 {
		t.Fatalf("appending to a tag holding a tampered envelope: %+v, want 2 layers", w)
	}
	if out, err := verifyOther(); err != nil || !strings.Contains(out, "verified against the specified public key") {
		t.Fatalf("cosign verify-attestation after the append: %v\n%s", err, out)
	}
}

// tagDigest is the digest the cosign tag of subject holds.
func tagDigest(t *testing.T, repo Reference, auth Auth, subject v1.Hash) string {
	t.Helper()
	tag, err := name.NewTag(repo.Name()+":"+CosignAttestationTag(subject), name.StrictValidation)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(tag, auth.options(context.Background())...)
	if err != nil {
		t.Fatal(err)
	}
	return desc.Digest.String()
}

// tamper returns the envelope with old replaced by new in its payload, the
// signature kept.
func tamper(t *testing.T, envelope []byte, old, new string) []byte {
	t.Helper()
	env, payload, err := provenance.OpenEnvelope(envelope)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(payload), old, new, 1)
	if changed == string(payload) {
		t.Fatalf("%q is not in the statement", old)
	}
	env.Payload = base64.StdEncoding.EncodeToString([]byte(changed))
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
