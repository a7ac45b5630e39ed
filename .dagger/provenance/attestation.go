package provenance

import (
	"context"
	"crypto/ecdsa"
)

// Attestation is the provenance as it is attached to an image: a DSSE
// envelope signed with the KMS key, or, without a key, the bare statement.
type Attestation struct {
	// ArtifactType is EnvelopeMediaType when signed, MediaType when not.
	ArtifactType string
	// Data is the envelope or the statement.
	Data []byte
	// Annotations go on the referrer manifest: the predicate type.
	Annotations map[string]string
	// Signed names the key that signed it ("" = unsigned).
	Signed string
	// Covers says whether a referrer already attached (its artifact type and
	// payload) makes attaching this one pointless; see Attest.
	Covers func(artifactType string, existing []byte) bool
}

// Attest prepares the statement for attaching: signed with signer when there
// is one, and with the rule for what already attached counts as the same:
//
//   - signed: only an envelope of an equivalent statement whose signature
//     verifies with this key. An unsigned statement of the same build, or one
//     signed by another key, does not count: the signed envelope is attached
//     beside it, because it is the only one a verifier can trust (the old
//     bare statement stays; it proves nothing and harms nothing).
//   - unsigned: an equivalent statement, bare or in an envelope (whose
//     signature cannot be checked without the key, but which holds the same
//     statement, so an unsigned copy would add nothing).
func Attest(ctx context.Context, statement []byte, signer *KMSSigner) (Attestation, error) {
	a := Attestation{
		ArtifactType: MediaType, Data: statement,
		Annotations: map[string]string{PredicateTypeAnnotation: PredicateType},
	}
	if signer == nil {
		a.Covers = func(artifactType string, existing []byte) bool {
			switch artifactType {
			case MediaType:
				return Equivalent(statement, existing)
			case EnvelopeMediaType:
				_, payload, err := OpenEnvelope(existing)
				return err == nil && Equivalent(statement, payload)
			}
			return false
		}
		return a, nil
	}
	env, err := Sign(ctx, statement, signer)
	if err != nil {
		return Attestation{}, err
	}
	a.ArtifactType, a.Data, a.Signed = EnvelopeMediaType, env, signer.KeyARN
	a.Covers = signedCovers(statement, signer.Public)
	return a, nil
}

// signedCovers accepts only envelopes of an equivalent statement that pub
// verifies.
func signedCovers(statement []byte, pub *ecdsa.PublicKey) func(string, []byte) bool {
	return func(artifactType string, existing []byte) bool {
		if artifactType != EnvelopeMediaType {
			return false
		}
		payload, err := Verify(existing, pub)
		return err == nil && Equivalent(statement, payload)
	}
}
