package publish

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/sigstorefake"
	"dagger/ecs-bluegreen/provenance"
	"dagger/ecs-bluegreen/sigstore"
)

// TestCosignVerifiesAKeylessProvenance signs a provenance keyless (the
// Fulcio and Rekor stand-ins, a GitHub-shaped identity token), stores it
// under the cosign tag as publish --cosign-tags does, and runs the pinned
// cosign exactly as the README tells a verifier to, trusting only the
// stand-ins' root and log key:
//
//   - verify-attestation with the workflow's identity and GitHub's issuer
//     passes, checking the certificate chain, the log entry (bundle) and
//     the envelope;
//   - another identity, another issuer, or a log key cosign does not trust
//     fails;
//   - a second run (new key, new certificate) writes nothing and logs
//     nothing: the same workflow's equivalent attestation is already there.
func TestCosignVerifiesAKeylessProvenance(t *testing.T) {
	bin := cosignBinary(t)
	fx := newAttestedImage(t, false)
	reg, auth, subject, repo, statement := fx.reg, fx.auth, fx.subject, fx.repo, fx.statement
	fulcio, rekor := sigstorefake.StartFulcio(t), sigstorefake.StartRekor(t)
	const workflow = "acme/shop/.github/workflows/release.yml@refs/heads/main"
	signer := func() *sigstore.Signer {
		s, err := sigstore.New(sigstore.Options{
			Token: func(context.Context) (string, error) {
				return sigstorefake.Token(workflow, sigstore.Audience, time.Now().Add(5*time.Minute)), nil
			},
			Fulcio: fulcio.URL, Rekor: rekor.URL,
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ctx := context.Background()
	// As publish --cosign-tags does: the referrer, then the cosign tag,
	// sharing one seal (one log entry).
	write := func() (Attached, CosignTagged) {
		t.Helper()
		a, err := provenance.Attest(ctx, statement, signer())
		if err != nil {
			t.Fatal(err)
		}
		refs, err := Attach(ctx, repo, auth, []Referrer{ProvenanceReferrer(a, subject)})
		if err != nil || len(refs) != 1 {
			t.Fatalf("attach: %+v %v", refs, err)
		}
		got, err := WriteCosignAttestation(ctx, repo, auth, ProvenanceTag(a, subject), false)
		if err != nil {
			t.Fatal(err)
		}
		return refs[0], got
	}
	if r, w := write(); r.Existing || w.Existing || w.Layers != 1 || rekor.Entries() != 1 {
		t.Fatalf("first keyless write: referrer %+v, tag %+v, %d log entries (want one for both)", r, w, rekor.Entries())
	}

	dir := t.TempDir()
	root, logKey := filepath.Join(dir, "fulcio-root.pem"), filepath.Join(dir, "rekor.pub")
	if err := os.WriteFile(root, fulcio.RootPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logKey, rekor.PublicKeyPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	trust := []string{"SIGSTORE_ROOT_FILE=" + root, "SIGSTORE_REKOR_PUBLIC_KEY=" + logKey}
	image := repo.Name() + "@" + subject.Digest.String()
	verify := func(env []string, identity, issuer string) (string, error) {
		return cosignRun(t, bin, reg, env, "verify-attestation", "--type", "slsaprovenance1",
			"--certificate-identity", identity, "--certificate-oidc-issuer", issuer, "--insecure-ignore-sct",
			"--allow-insecure-registry", "--allow-http-registry", image)
	}
	identity := "https://github.com/" + workflow
	out, err := verify(trust, identity, sigstorefake.GitHubIssuer)
	if err != nil || !strings.Contains(out, "Existence of the claims in the transparency log was verified offline") ||
		!strings.Contains(out, "The code-signing certificate was verified using trusted certificate authority certificates") {
		t.Fatalf("cosign verify-attestation of the keyless provenance: %v\n%s", err, out)
	}
	t.Logf("cosign verify-attestation --certificate-identity %s --certificate-oidc-issuer %s %s:\n%s", identity, sigstorefake.GitHubIssuer, image, out)

	if out, err := verify(trust, "https://github.com/mallory/fork/.github/workflows/release.yml@refs/heads/main", sigstorefake.GitHubIssuer); err == nil {
		t.Fatalf("another identity verified:\n%s", out)
	}
	if out, err := verify(trust, identity, "https://accounts.google.com"); err == nil {
		t.Fatalf("another issuer verified:\n%s", out)
	}
	other := sigstorefake.StartRekor(t)
	otherKey := filepath.Join(dir, "other-rekor.pub")
	if err := os.WriteFile(otherKey, other.PublicKeyPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := verify([]string{"SIGSTORE_ROOT_FILE=" + root, "SIGSTORE_REKOR_PUBLIC_KEY=" + otherKey}, identity, sigstorefake.GitHubIssuer); err == nil {
		t.Fatalf("a log cosign does not trust verified:\n%s", out)
	}

	// Against tags that cannot move, as on the module's ECR repositories:
	// a re-run must recognise what is there, or it would fail.
	reg.immutable = true
	entries := rekor.Entries()
	if r, w := write(); !r.Existing || !w.Existing || w.Layers != 1 {
		t.Fatalf("a keyless re-run of the same workflow: referrer %+v, tag %+v, want nothing written", r, w)
	}
	// The re-run signed (its certificate is how it knows its own identity)
	// but logged nothing: an entry is made only for what is written.
	if fulcio.Requests() != 2 || rekor.Entries() != entries {
		t.Fatalf("the re-run asked for %d certificates and made %d log entries, want 2 and none", fulcio.Requests(), rekor.Entries()-entries)
	}
}
