package publish

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/provenance"
)

// On an immutable repository (the test registry refuses to move a tag, as
// ECR IMMUTABLE does) the cosign tag is written once: a re-run with an
// equivalent envelope writes nothing, and an envelope the tag does not
// cover (another key) is refused before any write, naming the tag.
func TestCosignTagOnImmutableRepository(t *testing.T) {
	fx := newAttestedImage(t, true)
	reg, auth, subject, repo, statement := fx.reg, fx.auth, fx.subject, fx.repo, fx.statement
	kmsClient := kms.NewFromConfig(awstest.MotoConfig(t))
	ours, theirs := signingKey(t, kmsClient), signingKey(t, kmsClient)
	ctx := context.Background()
	write := func(s *provenance.KMSSigner) (CosignTagged, error) {
		a, err := provenance.Attest(ctx, statement, s)
		if err != nil {
			t.Fatal(err)
		}
		return WriteCosignAttestation(ctx, repo, auth, CosignAttestation{Subject: subject, Envelope: a.Data,
			PredicateType: provenance.PredicateType,
			Covers:        func(env []byte, ann map[string]string) bool { return a.Covers(provenance.EnvelopeMediaType, env, ann) }}, true)
	}
	if w, err := write(ours); err != nil || w.Existing || w.Layers != 1 || !strings.HasSuffix(w.Tag, ":sha256-"+subject.Digest.Hex+".att") {
		t.Fatalf("first write: %+v %v", w, err)
	}
	before := tagDigest(t, repo, auth, subject.Digest)
	if w, err := write(ours); err != nil || !w.Existing {
		t.Fatalf("re-run: %+v %v, want nothing written", w, err)
	}
	_, err := write(theirs)
	var imm *ImmutableAttestationTagError
	if !errors.As(err, &imm) || !strings.Contains(err.Error(), CosignAttestationTag(subject.Digest)) {
		t.Fatalf("another key on an immutable repository: %v, want an ImmutableAttestationTagError naming the tag", err)
	}
	if reg.refused != 0 {
		t.Fatalf("the registry refused %d manifest PUTs: the refusal must come before any write", reg.refused)
	}
	if after := tagDigest(t, repo, auth, subject.Digest); after != before {
		t.Fatalf("the tag moved from %s to %s", before, after)
	}
}

// On a mutable repository a tag holding another attestation keeps it: this
// one is appended, as cosign attest does, each layer in cosign's layout.
func TestCosignTagAppendsToOtherAttestations(t *testing.T) {
	fx := newAttestedImage(t, false)
	auth, subject, repo, statement := fx.auth, fx.subject, fx.repo, fx.statement
	kmsClient := kms.NewFromConfig(awstest.MotoConfig(t))
	ctx := context.Background()
	var envelopes [][]byte
	for i, s := range []*provenance.KMSSigner{signingKey(t, kmsClient), signingKey(t, kmsClient)} {
		a, err := provenance.Attest(ctx, statement, s)
		if err != nil {
			t.Fatal(err)
		}
		w, err := WriteCosignAttestation(ctx, repo, auth, CosignAttestation{Subject: subject, Envelope: a.Data,
			PredicateType: provenance.PredicateType,
			Covers:        func(env []byte, ann map[string]string) bool { return a.Covers(provenance.EnvelopeMediaType, env, ann) }}, false)
		if err != nil || w.Existing || w.Layers != i+1 {
			t.Fatalf("write %d: %+v %v", i+1, w, err)
		}
		envelopes = append(envelopes, a.Data)
	}
	tag, err := name.NewTag(repo.Name()+":"+CosignAttestationTag(subject.Digest), name.StrictValidation)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(tag, auth.options(ctx)...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Layers) != len(envelopes) {
		t.Fatalf("the tag holds %d layers, want %d", len(m.Layers), len(envelopes))
	}
	for i, l := range m.Layers {
		sig, ok := l.Annotations["dev.cosignproject.cosign/signature"]
		if l.MediaType != provenance.EnvelopeMediaType || l.Annotations["predicateType"] != provenance.PredicateType || !ok || sig != "" {
			t.Errorf("layer %d is not in cosign's layout: %+v", i, l)
		}
		layer, err := img.LayerByDigest(l.Digest)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := layer.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, envelopes[i]) {
			t.Errorf("layer %d is not envelope %d", i, i)
		}
	}
}

func TestCosignTagsNeedASignature(t *testing.T) {
	err := CheckCosignTags(true, false)
	if err == nil || !strings.Contains(err.Error(), "--signing-key") || !strings.Contains(err.Error(), "--github-oidc-token") || !strings.Contains(err.Error(), "--cosign-tags") {
		t.Fatalf("--cosign-tags without a signature: %v", err)
	}
	for _, c := range [][2]bool{{false, false}, {true, true}, {false, true}} {
		if err := CheckCosignTags(c[0], c[1]); err != nil {
			t.Errorf("CheckCosignTags(%v, %v): %v", c[0], c[1], err)
		}
	}
}
