package publish

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/provenance"
)

// signingKey creates a P-256 signing key in moto's KMS and returns its signer.
func signingKey(t *testing.T, client *kms.Client) *provenance.KMSSigner {
	t.Helper()
	ctx := context.Background()
	out, err := client.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
	if err != nil {
		t.Fatal(err)
	}
	s, err := provenance.NewKMSSigner(ctx, client, aws.ToString(out.KeyMetadata.Arn))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSignedProvenanceIsAttachedOnceAsADSSEEnvelope follows one build's
// provenance through the runs a pipeline makes: unsigned first, then signed
// (the envelope is attached beside the bare statement, which a verifier
// cannot trust), a signed re-run (a new signature, same build: nothing
// attached), a run signed by another key (attached: it is not ours), and an
// unsigned re-run (nothing attached: the signed one holds the statement).
func TestSignedProvenanceIsAttachedOnceAsADSSEEnvelope(t *testing.T) {
	fx := newAttestedImage(t, true)
	auth, subject, repo, statement := fx.auth, fx.subject, fx.repo, fx.statement
	kmsClient := kms.NewFromConfig(awstest.MotoConfig(t))
	ours, theirs := signingKey(t, kmsClient), signingKey(t, kmsClient)
	ctx := context.Background()

	run := func(signer provenance.AttestationSigner) Attached {
		t.Helper()
		a, err := provenance.Attest(ctx, statement, signer)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Attach(ctx, repo, auth, []Referrer{{ArtifactType: a.ArtifactType, Data: a.Data, Subject: subject,
			Annotations: a.Annotations, Equivalent: a.Covers}})
		if err != nil || len(got) != 1 {
			t.Fatalf("attach: %+v %v", got, err)
		}
		return got[0]
	}
	steps := []struct {
		name     string
		signer   provenance.AttestationSigner
		existing bool
		count    int
	}{
		{"unsigned", nil, false, 1},
		{"signed after an unsigned one", ours, false, 2},
		{"signed re-run", ours, true, 2},
		{"signed by another key", theirs, false, 3},
		{"unsigned re-run", nil, true, 3},
	}
	var signedDigest string
	for _, s := range steps {
		got := run(s.signer)
		if got.Existing != s.existing {
			t.Fatalf("%s: existing = %v, want %v (%+v)", s.name, got.Existing, s.existing, got)
		}
		if n := referrerCount(t, repo, auth, subject); n != s.count {
			t.Fatalf("%s: %d referrers, want %d", s.name, n, s.count)
		}
		if s.name == "signed after an unsigned one" {
			signedDigest = got.Digest
			if got.ArtifactType != provenance.EnvelopeMediaType {
				t.Fatalf("signed attachment is a %s", got.ArtifactType)
			}
		}
		if s.name == "signed re-run" && got.Digest != signedDigest {
			t.Fatalf("signed re-run reports %s, want the first signed %s", got.Digest, signedDigest)
		}
	}

	// What a verifier reads back: the manifest says DSSE and SLSA
	// provenance, the layer is the envelope, and it verifies with the key.
	m, payload := fetchReferrer(t, repo, auth, signedDigest)
	if m.ArtifactType != provenance.EnvelopeMediaType || m.Layers[0].MediaType != provenance.EnvelopeMediaType ||
		m.Annotations[provenance.PredicateTypeAnnotation] != provenance.PredicateType ||
		m.Subject == nil || m.Subject.Digest != subject.Digest {
		t.Fatalf("referrer manifest %+v", m)
	}
	got, err := provenance.Verify(payload, ours.Public)
	if err != nil || string(got) != string(statement) {
		t.Fatalf("attached envelope: %v\n%s", err, payload)
	}
	if _, err := provenance.Verify(payload, theirs.Public); err == nil {
		t.Fatal("our envelope verified with another key")
	}
}

// fetchReferrer reads a referrer's manifest and its single layer.
func fetchReferrer(t *testing.T, repo Reference, auth Auth, digest string) (v1.Manifest, []byte) {
	t.Helper()
	r, err := name.NewDigest(repo.Name()+"@"+digest, name.StrictValidation)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Get(r, auth.options(context.Background())...)
	if err != nil {
		t.Fatal(err)
	}
	var m v1.Manifest
	if err := json.Unmarshal(desc.Manifest, &m); err != nil || len(m.Layers) != 1 {
		t.Fatalf("manifest %s: %v", desc.Manifest, err)
	}
	layer, err := remote.Layer(r.Context().Digest(m.Layers[0].Digest.String()), auth.options(context.Background())...)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layer.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil || !strings.Contains(string(data), "payloadType") {
		t.Fatalf("layer: %v %s", err, data)
	}
	return m, data
}
