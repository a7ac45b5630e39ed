package sigstore

import (
	"context"
	"crypto/ecdsa"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/sigstorefake"
	"dagger/ecs-bluegreen/provenance"
)

// clockSigner is a Signer of the stand-ins whose clock is now().
func clockSigner(t *testing.T, in instance, now func() time.Time) *Signer {
	t.Helper()
	s, err := New(Options{
		Token: func(context.Context) (string, error) {
			return sigstorefake.Token(workflow, "sigstore", now().Add(5*time.Minute)), nil
		},
		Fulcio: in.fulcio.URL, Rekor: in.rekor.URL, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPrepareAsksForTheCertificateOnce: Prepare (before the push) gets the
// certificate and the log's key; signing afterwards asks nothing more.
func TestPrepareAsksForTheCertificateOnce(t *testing.T) {
	in := start(t)
	s := in.signer(t, workflow)
	if err := s.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	if in.fulcio.Requests() != 1 || in.rekor.Entries() != 0 {
		t.Fatalf("Prepare: %d certificates, %d entries; want 1 and 0", in.fulcio.Requests(), in.rekor.Entries())
	}
	if _, err := attest(t, statement(t, "abc1234"), s); err != nil {
		t.Fatal(err)
	}
	if in.fulcio.Requests() != 1 {
		t.Fatalf("signing after Prepare asked for %d certificates", in.fulcio.Requests())
	}
	// An instance cosign could not verify stops Prepare, before any push.
	for name, spoil := range map[string]func(*sigstorefake.Fulcio){
		"detached SCT": func(f *sigstorefake.Fulcio) { f.DetachedSCT = true },
		"no chain":     func(f *sigstorefake.Fulcio) { f.NoChain = true },
	} {
		in := start(t)
		spoil(in.fulcio)
		if err := in.signer(t, workflow).Prepare(context.Background()); err == nil {
			t.Errorf("%s: Prepare accepted the answer", name)
		}
	}
}

// TestACertificateNearItsEndIsRenewed: a push that outlasts most of the
// certificate's ten minutes gets a new key and certificate for the next
// signature, and each envelope is sealed with the certificate of the key
// that signed it.
func TestACertificateNearItsEndIsRenewed(t *testing.T) {
	in := start(t)
	offset := time.Duration(0)
	s := clockSigner(t, in, func() time.Time { return time.Now().Add(offset) })
	ctx := context.Background()
	first, err := provenance.Attest(ctx, statement(t, "abc1234"), s)
	if err != nil {
		t.Fatal(err)
	}
	offset = 8 * time.Minute // 2 minutes of the first certificate left
	second, err := provenance.Attest(ctx, statement(t, "abc1234-arm"), s)
	if err != nil {
		t.Fatal(err)
	}
	if in.fulcio.Requests() != 2 {
		t.Fatalf("%d certificates, want a renewal", in.fulcio.Requests())
	}
	for name, a := range map[string]provenance.Attestation{"first": first, "second": second} {
		ann, err := a.Seal(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, err := ParseCertificate([]byte(ann[CertificateAnnotation] + ann[ChainAnnotation]))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := provenance.Verify(a.Data, c.Leaf.PublicKey.(*ecdsa.PublicKey)); err != nil {
			t.Fatalf("%s envelope sealed with another key's certificate: %v", name, err)
		}
	}
}

// TestNothingIsLoggedWithAnEndedCertificate: an envelope whose certificate
// ended before it could be logged is refused before Rekor is asked, and an
// entry the log dates outside the certificate's validity is refused.
func TestNothingIsLoggedWithAnEndedCertificate(t *testing.T) {
	in := start(t)
	offset := time.Duration(0)
	s := clockSigner(t, in, func() time.Time { return time.Now().Add(offset) })
	ctx := context.Background()
	a, err := provenance.Attest(ctx, statement(t, "abc1234"), s)
	if err != nil {
		t.Fatal(err)
	}
	offset = 9*time.Minute + 30*time.Second // 30 s left: less than the log may take to answer
	if _, err := a.Seal(ctx); err == nil || !strings.Contains(err.Error(), "too soon for the signature to be logged") {
		t.Fatalf("sealing with a certificate about to end: %v", err)
	}
	if in.rekor.Entries() != 0 {
		t.Fatal("an envelope of an ended certificate was logged")
	}

	in = start(t)
	in.rekor.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
	_, err = attest(t, statement(t, "abc1234"), in.signer(t, workflow))
	if err == nil || !strings.Contains(err.Error(), "outside the certificate's validity") || !strings.Contains(err.Error(), "logged the signature as entry 0") {
		t.Fatalf("an entry logged after the certificate ended: %v (must say an entry was made)", err)
	}
}

// TestAFailedRenewalKeepsAUsableCertificate: when the renewal near a
// certificate's end fails (the caller's token has expired since), the
// certificate in hand still signs while it can be sealed, and not after.
func TestAFailedRenewalKeepsAUsableCertificate(t *testing.T) {
	in := start(t)
	offset := time.Duration(0)
	now := func() time.Time { return time.Now().Add(offset) }
	minted := sigstorefake.Token(workflow, "sigstore", time.Now().Add(5*time.Minute))
	s, err := New(Options{Token: StaticToken(minted), Fulcio: in.fulcio.URL, Rekor: in.rekor.URL, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	offset = 8 * time.Minute // renewal due; the static token expired meanwhile
	a, err := attest(t, statement(t, "abc1234"), s)
	if err != nil {
		t.Fatalf("signing with the certificate in hand after a failed renewal: %v", err)
	}
	if in.fulcio.Requests() != 1 || a.Annotations[BundleAnnotation] == "" {
		t.Fatalf("%d certificates, bundle %q", in.fulcio.Requests(), a.Annotations[BundleAnnotation])
	}
	offset = 9*time.Minute + 30*time.Second
	if _, err := provenance.Attest(ctx, statement(t, "abc1234-arm"), s); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("signing when neither renewal nor the old certificate can serve: %v", err)
	}
}

// TestTheProofSignsFulciosPrincipal: a person's token (a verified e-mail)
// is proven by signing the address, a CI token by its subject; an
// unverified address is refused before Fulcio is asked. A token read from
// a file, with its newline, works.
func TestTheProofSignsFulciosPrincipal(t *testing.T) {
	now := time.Now()
	exp := now.Add(5 * time.Minute).Unix()
	person := jwt(map[string]any{"iss": "https://accounts.example", "sub": "1234567890", "aud": "sigstore", "exp": exp,
		"email": "dev@example.org", "email_verified": true})
	id, err := ParseToken(person, now)
	if p, perr := id.Principal(); err != nil || perr != nil || p != "dev@example.org" {
		t.Fatalf("person: %q %v %v", p, err, perr)
	}
	unverified := jwt(map[string]any{"iss": "https://accounts.example", "sub": "1", "aud": "sigstore", "exp": exp,
		"email": "dev@example.org", "email_verified": "false"})
	id, _ = ParseToken(unverified, now)
	if _, err := id.Principal(); err == nil || !strings.Contains(err.Error(), "not verified") {
		t.Fatalf("unverified e-mail: %v", err)
	}
	id, _ = ParseToken(sigstorefake.Token(workflow, "sigstore", now.Add(time.Minute)), now)
	if p, _ := id.Principal(); p != id.Subject {
		t.Fatalf("CI token principal %q, want the subject", p)
	}

	in := start(t)
	s, _ := New(Options{Token: StaticToken(person + "\n"), Fulcio: in.fulcio.URL, Rekor: in.rekor.URL})
	c, err := s.Certificate(context.Background())
	if err != nil || c.Identity != "dev@example.org" || c.Issuer != "https://accounts.example" {
		t.Fatalf("a person's certificate: %+v %v", c.Identity, err)
	}
	s, _ = New(Options{Token: StaticToken(unverified), Fulcio: in.fulcio.URL, Rekor: in.rekor.URL})
	if _, err := s.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "not verified") {
		t.Fatalf("Check (before the build) of an unverified e-mail: %v", err)
	}
	if _, err := s.Certificate(context.Background()); err == nil {
		t.Fatal("an unverified e-mail was sent to Fulcio")
	}
	capital := jwt(map[string]any{"iss": "https://accounts.example", "sub": "1", "aud": "sigstore", "exp": exp,
		"email": "dev@example.org", "email_verified": "True"})
	if id, _ := ParseToken(capital, now); !id.EmailVerified {
		t.Fatal(`email_verified "True" was read as unverified`)
	}
	if in.fulcio.Requests() != 1 {
		t.Fatalf("%d certificate requests, want 1", in.fulcio.Requests())
	}
}
