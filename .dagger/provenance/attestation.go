package provenance

import (
	"context"
	"sync"
)

// AttestationSigner is what signs a provenance for attaching: a Signer that
// also names itself, recognises its own envelopes among those already
// attached, and gives what must travel beside a new envelope for a verifier
// to check it. KMSSigner is one (the key's public half verifies); the
// keyless Sigstore signer is the other (a certificate and a transparency
// log entry ride along as annotations).
type AttestationSigner interface {
	Signer
	// Who names the signer in the output: a KMS key ARN, a certificate's
	// identity and issuer.
	Who() string
	// Verify returns the statement of an envelope found attached (with the
	// annotations beside it) when this signer's key or identity signed it.
	Verify(envelope []byte, annotations map[string]string) ([]byte, error)
	// Seal returns the annotations a fresh envelope is attached with; it
	// may publish the signature first (to a transparency log).
	Seal(ctx context.Context, envelope []byte) (map[string]string, error)
	// VerifyHint tells a verifier how to check what this signer signed.
	VerifyHint() string
	// Prepare readies the signer after the build and before anything is
	// pushed, so what can still fail (a certificate authority refusing the
	// identity) fails while nothing is published.
	Prepare(ctx context.Context) error
}

// Attestation is the provenance as it is attached to an image: a DSSE
// envelope signed with the KMS key, or, without a key, the bare statement.
type Attestation struct {
	// ArtifactType is EnvelopeMediaType when signed, MediaType when not.
	ArtifactType string
	// Data is the envelope or the statement.
	Data []byte
	// Annotations go on the referrer manifest and its layer: the predicate
	// type, and what the signer adds for verifiers (see AttestationSigner.Seal).
	Annotations map[string]string
	// Signed names who signed it ("" = unsigned).
	Signed string
	// Covers says whether a referrer already attached (its artifact type,
	// payload and layer annotations) makes attaching this one pointless; see
	// Attest.
	Covers func(artifactType string, existing []byte, annotations map[string]string) bool
	// Seal returns what the signer adds to Annotations for verifiers (see
	// AttestationSigner.Seal), made on the first call only and then
	// repeated: it is called only when the envelope is attached somewhere,
	// so a re-run that finds its equivalent attached publishes nothing. Nil
	// when unsigned.
	Seal func(ctx context.Context) (map[string]string, error)
}

// Attest prepares the statement for attaching: signed with signer when there
// is one, and with the rule for what already attached counts as the same:
//
//   - signed: only an envelope of an equivalent statement that this signer
//     signed (its key verifies it, or, keyless, a certificate of the same
//     identity from the same authority does). An unsigned statement of the same build, or one
//     signed by another key, does not count: the signed envelope is attached
//     beside it, because it is the only one a verifier can trust (the old
//     bare statement stays; it proves nothing and harms nothing).
//   - unsigned: an equivalent statement, bare or in an envelope (whose
//     signature cannot be checked without the key, but which holds the same
//     statement, so an unsigned copy would add nothing).
func Attest(ctx context.Context, statement []byte, signer AttestationSigner) (Attestation, error) {
	a := Attestation{
		ArtifactType: MediaType, Data: statement,
		Annotations: map[string]string{PredicateTypeAnnotation: PredicateType},
	}
	if signer == nil {
		a.Covers = func(artifactType string, existing []byte, _ map[string]string) bool {
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
	a.Seal = once(func(ctx context.Context) (map[string]string, error) { return signer.Seal(ctx, env) })
	a.ArtifactType, a.Data, a.Signed = EnvelopeMediaType, env, signer.Who()
	a.Covers = func(artifactType string, existing []byte, annotations map[string]string) bool {
		if artifactType != EnvelopeMediaType {
			return false
		}
		payload, err := signer.Verify(existing, annotations)
		return err == nil && Equivalent(statement, payload)
	}
	return a, nil
}

// once makes f run on the first call only; later calls get its result.
func once(f func(context.Context) (map[string]string, error)) func(context.Context) (map[string]string, error) {
	var mu sync.Mutex
	var done bool
	var out map[string]string
	var err error
	return func(ctx context.Context) (map[string]string, error) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			out, err = f(ctx)
			done = true
		}
		return out, err
	}
}

// Who implements AttestationSigner: the key's ARN.
func (s *KMSSigner) Who() string { return "KMS key " + s.KeyARN }

// Verify implements AttestationSigner: the key's public half must verify
// the envelope; annotations play no part.
func (s *KMSSigner) Verify(envelope []byte, _ map[string]string) ([]byte, error) {
	return Verify(envelope, s.Public)
}

// Seal implements AttestationSigner: a KMS signature needs nothing beside
// the envelope (the verifier holds the key).
func (s *KMSSigner) Seal(context.Context, []byte) (map[string]string, error) { return nil, nil }

// VerifyHint implements AttestationSigner.
func (s *KMSSigner) VerifyHint() string { return "verify with awskms:///" + s.KeyARN }

// Prepare implements AttestationSigner: the key was read and checked when
// the signer was made.
func (s *KMSSigner) Prepare(context.Context) error { return nil }

var _ AttestationSigner = (*KMSSigner)(nil)
