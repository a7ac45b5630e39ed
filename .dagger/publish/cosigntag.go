package publish

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// cosign 2 finds a subject's attestations only under a tag beside it (it
// never asks the referrers API): an image whose layers are DSSE envelopes,
// one per attestation, each annotated with its predicate type and an empty
// signature (the signature is inside the envelope).
const (
	dsseMediaType                 = "application/vnd.dsse.envelope.v1+json"
	cosignSignatureAnnotation     = "dev.cosignproject.cosign/signature"
	cosignPredicateTypeAnnotation = "predicateType"
)

// CosignAttestationTag is the tag cosign reads the attestations of subject
// from: sha256-<hex>.att.
func CosignAttestationTag(subject v1.Hash) string {
	return subject.Algorithm + "-" + subject.Hex + ".att"
}

// CosignAttestationLayer is envelope as one layer of cosign's attestation
// image, with extra annotations (a keyless signature's certificate, chain
// and transparency-log bundle, which cosign reads from there).
func CosignAttestationLayer(envelope []byte, predicateType string, extra map[string]string) mutate.Addendum {
	ann := merged(extra, map[string]string{cosignPredicateTypeAnnotation: predicateType, cosignSignatureAnnotation: ""})
	return mutate.Addendum{Layer: static.NewLayer(envelope, types.MediaType(dsseMediaType)), Annotations: ann}
}

// CosignAttestation is a signed envelope to store under its subject's
// cosign tag.
type CosignAttestation struct {
	// Subject is the platform image manifest the statement names.
	Subject v1.Descriptor
	// Envelope is the DSSE envelope.
	Envelope []byte
	// PredicateType is the statement's predicate type.
	PredicateType string
	// Annotations go on the envelope's layer beside cosign's own: what a
	// keyless signature needs verified (certificate, chain, log bundle).
	Annotations map[string]string
	// Covers says whether an envelope already under the tag (with its
	// layer's annotations) makes this one redundant (an equivalent
	// statement the same signer signed); a re-run signs anew, so bytes
	// never match.
	Covers func(envelope []byte, annotations map[string]string) bool
	// Seal, when set, is called only when the envelope is written, and its
	// annotations are added (see Referrer.Seal).
	Seal func(ctx context.Context) (map[string]string, error)
}

// CosignTagged is the outcome of WriteCosignAttestation.
type CosignTagged struct {
	// Tag is registry/repository:sha256-<hex>.att.
	Tag string
	// Subject is the subject's digest; Platform its platform.
	Subject, Platform string
	// Existing says an equivalent envelope was there and nothing was written.
	Existing bool
	// Layers is how many attestations the tag holds afterwards.
	Layers int
}

// ImmutableAttestationTagError says the cosign tag already holds other
// attestations and the repository cannot move it to add this one.
type ImmutableAttestationTagError struct {
	// Tag is the cosign tag; Layers how many attestations it holds.
	Tag    string
	Layers int
}

// Error explains what was not written and what still holds.
func (e *ImmutableAttestationTagError) Error() string {
	return fmt.Sprintf("cosign attestation tag %s already holds %d attestation(s) but none equivalent to this signed provenance, "+
		"and the repository's tags are immutable, so it can be written only once: the envelope was not added there "+
		"(it is attached as an OCI referrer all the same)", e.Tag, e.Layers)
}

// CheckCosignTags refuses --cosign-tags without a signature (signed is
// false when neither --signing-key nor keyless signing was given): cosign
// verify-attestation verifies only a signed envelope, and without one the
// statement is attached bare.
func CheckCosignTags(cosignTags, signed bool) error {
	if cosignTags && !signed {
		return errors.New("--cosign-tags needs a signed provenance: cosign verify-attestation checks a signature, and without one " +
			"the provenance is an unsigned statement it cannot verify; pass --signing-key <KMS key>, or sign keyless " +
			"(--github-oidc-url and --github-oidc-token on GitHub Actions), or drop --cosign-tags")
	}
	return nil
}

// WriteCosignAttestation stores a.Envelope under a.Subject's cosign tag in
// repo, as cosign attest does: a new image with the envelope as its only
// layer, or, when the tag holds other attestations, those with this one
// appended. When an envelope there is covered by a.Covers nothing is
// written. On an immutable repository a tag that exists cannot be moved:
// then an ImmutableAttestationTagError is returned before any write.
func WriteCosignAttestation(ctx context.Context, repo Reference, auth Auth, a CosignAttestation, immutable bool) (CosignTagged, error) {
	tagName := repo.Name() + ":" + CosignAttestationTag(a.Subject.Digest)
	out := CosignTagged{Tag: tagName, Subject: a.Subject.Digest.String()}
	if a.Subject.Platform != nil {
		out.Platform = a.Subject.Platform.String()
	}
	tag, err := name.NewTag(tagName, name.StrictValidation)
	if err != nil {
		return out, fmt.Errorf("cosign attestation tag %s: %w", tagName, err)
	}
	opts := auth.options(ctx)
	type current struct {
		img     v1.Image
		layers  int
		covered bool
	}
	now, err := Call(ctx, repo.Registry, "reading the cosign attestation tag "+tagName, func(ctx context.Context) (current, error) {
		img, err := remote.Image(tag, append(opts, remote.WithContext(ctx))...)
		if isNotFound(err) {
			return current{}, nil
		}
		if err != nil {
			return current{}, err
		}
		// The config is read now, within this call's deadline: appending
		// needs it after the call's context is gone.
		if _, err := img.RawConfigFile(); err != nil {
			return current{}, err
		}
		n, covered, err := coveredBy(img, a.Covers)
		return current{img: img, layers: n, covered: covered}, err
	})
	if err != nil {
		return out, fmt.Errorf("reading %s: %w", tagName, err)
	}
	if now.covered {
		out.Existing, out.Layers = true, now.layers
		return out, nil
	}
	base := now.img
	if base == nil {
		base = mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	} else if immutable {
		return out, &ImmutableAttestationTagError{Tag: tagName, Layers: now.layers}
	}
	ann := a.Annotations
	if a.Seal != nil {
		extra, err := a.Seal(ctx)
		if err != nil {
			return out, err
		}
		ann = merged(ann, extra)
	}
	img, err := mutate.Append(base, CosignAttestationLayer(a.Envelope, a.PredicateType, ann))
	if err != nil {
		return out, err
	}
	_, err = Call(ctx, repo.Registry, "writing the cosign attestation tag "+tagName, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, remote.Write(tag, img, append(opts, remote.WithContext(ctx))...)
	})
	if err != nil {
		return out, fmt.Errorf("writing %s: %w", tagName, err)
	}
	out.Layers = now.layers + 1
	return out, nil
}

// coveredBy counts img's layers and reports whether one of its DSSE layers
// is an envelope covers accepts.
func coveredBy(img v1.Image, covers func([]byte, map[string]string) bool) (int, bool, error) {
	m, err := img.Manifest()
	if err != nil {
		return 0, false, err
	}
	for _, l := range m.Layers {
		if covers == nil || l.MediaType != dsseMediaType || l.Size > maxReferrerPayload {
			continue
		}
		layer, err := img.LayerByDigest(l.Digest)
		if err != nil {
			return 0, false, err
		}
		rc, err := layer.Compressed()
		if err != nil {
			return 0, false, err
		}
		env, err := io.ReadAll(io.LimitReader(rc, maxReferrerPayload))
		rc.Close()
		if err != nil {
			return 0, false, err
		}
		if covers(env, l.Annotations) {
			return len(m.Layers), true, nil
		}
	}
	return len(m.Layers), false, nil
}
