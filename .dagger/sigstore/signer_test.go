package sigstore

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/sigstorefake"
	"dagger/ecs-bluegreen/provenance"
)

type instance struct {
	fulcio *sigstorefake.Fulcio
	rekor  *sigstorefake.Rekor
}

func start(t *testing.T) instance {
	return instance{sigstorefake.StartFulcio(t), sigstorefake.StartRekor(t)}
}

func (in instance) signer(t *testing.T, workflowRef string) *Signer {
	t.Helper()
	s, err := New(Options{
		Token: func(context.Context) (string, error) {
			return sigstorefake.Token(workflowRef, "sigstore", time.Now().Add(5*time.Minute)), nil
		},
		Fulcio: in.fulcio.URL, Rekor: in.rekor.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// attest signs and seals st as attaching does, returning the attestation
// with the annotations it is attached with.
func attest(t *testing.T, st []byte, s provenance.AttestationSigner) (provenance.Attestation, error) {
	t.Helper()
	a, err := provenance.Attest(context.Background(), st, s)
	if err != nil {
		return a, err
	}
	extra, err := a.Seal(context.Background())
	if err != nil {
		return a, err
	}
	maps.Copy(a.Annotations, extra)
	return a, nil
}

func statement(t *testing.T, version string) []byte {
	t.Helper()
	st, err := provenance.Statement(provenance.Build{
		Subject: "webapp", Digest: "sha256:" + strings.Repeat("ab", 32), Platform: "linux/amd64", Version: version,
		GoImage: "golang:1.26-bookworm", GoBuild: []string{"go", "build", "./app"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestKeylessAttestation signs a statement keyless against the stand-ins
// and checks what is attached: an envelope whose one signature verifies
// with the certificate's key, the certificate naming the workflow and
// issuer, its chain, and a log entry that verifies for that envelope and
// certificate.
func TestKeylessAttestation(t *testing.T) {
	in := start(t)
	s := in.signer(t, workflow)
	st := statement(t, "abc1234")
	a, err := attest(t, st, s)
	if err != nil {
		t.Fatal(err)
	}
	if a.ArtifactType != provenance.EnvelopeMediaType || !strings.Contains(a.Signed, "https://github.com/"+workflow) || !strings.Contains(a.Signed, sigstorefake.GitHubIssuer) {
		t.Fatalf("attestation %s signed by %q", a.ArtifactType, a.Signed)
	}
	cert, err := ParseCertificate([]byte(a.Annotations[CertificateAnnotation] + a.Annotations[ChainAnnotation]))
	if err != nil {
		t.Fatal(err)
	}
	if cert.Identity != "https://github.com/"+workflow || cert.Issuer != sigstorefake.GitHubIssuer || len(cert.Chain) != 2 {
		t.Fatalf("certificate %s / %s, chain of %d", cert.Identity, cert.Issuer, len(cert.Chain))
	}
	payload, err := provenance.Verify(a.Data, cert.Leaf.PublicKey.(*ecdsa.PublicKey))
	if err != nil || !bytes.Equal(payload, st) {
		t.Fatalf("envelope: %v", err)
	}
	var env provenance.Envelope
	_ = json.Unmarshal(a.Data, &env)
	if len(env.Signatures) != 1 || env.Signatures[0].KeyID != "" {
		t.Fatalf("signatures %+v: want one, with the empty key id cosign writes", env.Signatures)
	}
	e, err := ParseBundle(a.Annotations[BundleAnnotation])
	if err != nil {
		t.Fatal(err)
	}
	key, err := LogKey(context.Background(), s.opts.HTTP, in.rekor.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyEntry(e, key, a.Data, cert.PEM); err != nil {
		t.Fatalf("the bundle: %v", err)
	}
	if err := VerifyEntry(e, key, append([]byte(" "), a.Data...), cert.PEM); err == nil {
		t.Fatal("the bundle verifies for another envelope")
	}
	if in.fulcio.Requests() != 1 || in.rekor.Entries() != 1 {
		t.Fatalf("%d certificates, %d log entries; want 1 and 1", in.fulcio.Requests(), in.rekor.Entries())
	}
	if h := s.VerifyHint(); !strings.Contains(h, "--certificate-identity https://github.com/"+workflow) ||
		!strings.Contains(h, "--certificate-oidc-issuer "+sigstorefake.GitHubIssuer) {
		t.Fatalf("verify hint %q lacks the identity or the issuer", h)
	}
	// A second platform's statement: the same certificate, one more entry.
	if _, err := attest(t, statement(t, "abc1234-arm"), s); err != nil {
		t.Fatal(err)
	}
	if in.fulcio.Requests() != 1 || in.rekor.Entries() != 2 {
		t.Fatalf("second envelope: %d certificates, %d log entries; want 1 and 2", in.fulcio.Requests(), in.rekor.Entries())
	}
}

// TestKeylessReRunRecognisesItsOwnAttestation: a later run has a new key
// and certificate, yet an equivalent statement attached by the same
// workflow counts as already there; one by another workflow, another
// statement, a tampered bundle or a forged certificate does not.
func TestKeylessReRunRecognisesItsOwnAttestation(t *testing.T) {
	in := start(t)
	first, err := attest(t, statement(t, "abc1234"), in.signer(t, workflow))
	if err != nil {
		t.Fatal(err)
	}
	again, err := attest(t, statement(t, "abc1234"), in.signer(t, workflow))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Covers(first.ArtifactType, first.Data, first.Annotations) {
		t.Fatal("a re-run of the same workflow does not recognise its earlier attestation")
	}
	other, err := attest(t, statement(t, "abc1234"), in.signer(t, "mallory/fork/.github/workflows/release.yml@refs/heads/main"))
	if err != nil {
		t.Fatal(err)
	}
	if again.Covers(other.ArtifactType, other.Data, other.Annotations) {
		t.Fatal("an attestation of another workflow counts as ours")
	}
	newer, err := attest(t, statement(t, "def5678"), in.signer(t, workflow))
	if err != nil {
		t.Fatal(err)
	}
	if again.Covers(newer.ArtifactType, newer.Data, newer.Annotations) {
		t.Fatal("another build's statement counts as this one")
	}
	// The bundle of another envelope beside this one.
	swapped := maps.Clone(first.Annotations)
	swapped[BundleAnnotation] = newer.Annotations[BundleAnnotation]
	if again.Covers(first.ArtifactType, first.Data, swapped) {
		t.Fatal("a log entry of another envelope counts")
	}
	// A certificate of the same identity from another authority.
	rogue := sigstorefake.StartFulcio(t)
	forged, err := attest(t, statement(t, "abc1234"), instance{rogue, in.rekor}.signer(t, workflow))
	if err != nil {
		t.Fatal(err)
	}
	if again.Covers(forged.ArtifactType, forged.Data, forged.Annotations) {
		t.Fatal("a certificate from another root counts as ours")
	}
	if again.Covers(first.ArtifactType, first.Data, nil) {
		t.Fatal("an envelope without its certificate counts")
	}
}

// TestKeylessRefusesBadAnswers: nothing is attached when Fulcio certifies
// another key, when the log's timestamp does not verify or its entry is
// for another envelope, or when the token is unusable; the token never
// appears in an error.
func TestKeylessRefusesBadAnswers(t *testing.T) {
	ctx := context.Background()
	st := statement(t, "abc1234")

	in := start(t)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	in.fulcio.OtherKey = &other.PublicKey
	if _, err := attest(t, st, in.signer(t, workflow)); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Fatalf("a certificate for another key: %v", err)
	}

	in = start(t)
	in.rekor.Tamper = func(b []byte) ([]byte, bool) { return b, true }
	if _, err := attest(t, st, in.signer(t, workflow)); err == nil || !strings.Contains(err.Error(), "signed entry timestamp") {
		t.Fatalf("a spoiled timestamp: %v", err)
	}

	in = start(t)
	in.rekor.Tamper = func(b []byte) ([]byte, bool) {
		var e map[string]any
		_ = json.Unmarshal(b, &e)
		e["spec"].(map[string]any)["content"].(map[string]any)["hash"].(map[string]any)["value"] = strings.Repeat("0", 64)
		out, _ := json.Marshal(e)
		return out, false
	}
	if _, err := attest(t, st, in.signer(t, workflow)); err == nil || !strings.Contains(err.Error(), "another envelope") {
		t.Fatalf("an entry for another envelope: %v", err)
	}

	in = start(t)
	expired := sigstorefake.Token(workflow, "sigstore", time.Now().Add(-time.Minute))
	s, _ := New(Options{Token: StaticToken(expired), Fulcio: in.fulcio.URL, Rekor: in.rekor.URL})
	if _, err := s.Check(ctx); err == nil || !strings.Contains(err.Error(), "expired") || strings.Contains(err.Error(), expired) {
		t.Fatalf("Check of an expired token: %v", err)
	}
	_, err := attest(t, st, s)
	if err == nil || strings.Contains(err.Error(), expired) {
		t.Fatalf("signing with an expired token: %v", err)
	}
	if in.fulcio.Requests() != 0 || in.rekor.Entries() != 0 {
		t.Fatal("an expired token reached Fulcio or Rekor")
	}
	// Fulcio refusing the token: its answer is named, the token is not.
	bad := sigstorefake.Token(workflow, "sigstore", time.Now().Add(time.Minute))
	parts := strings.Split(bad, ".")
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	claims = bytes.Replace(claims, []byte(`"aud":"sigstore"`), []byte(`"aud":["sigstore","x"]`), 1)
	bad = parts[0] + "." + base64.RawURLEncoding.EncodeToString(claims) + "." + parts[2]
	s, _ = New(Options{Token: StaticToken(bad), Fulcio: in.fulcio.URL, Rekor: in.rekor.URL})
	_, err = attest(t, st, s)
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), bad) {
		t.Fatalf("a token Fulcio refuses: %v", err)
	}
}
