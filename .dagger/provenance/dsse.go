package provenance

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// EnvelopeMediaType is the DSSE envelope media type: the artifactType of a
// signed provenance attached as an OCI referrer, and its layer's media type
// (the type cosign's attestation layout uses for DSSE-wrapped statements).
const EnvelopeMediaType = "application/vnd.dsse.envelope.v1+json"

// PredicateTypeAnnotation names the statement's predicate type on the
// referrer, so a registry listing tells provenance from other envelopes
// without fetching the payload (the key BuildKit and oras use).
const PredicateTypeAnnotation = "in-toto.io/predicate-type"

// Envelope is a DSSE envelope (github.com/secure-systems-lab/dsse, protocol
// v1): the payload and its type, base64-encoded, and one signature per key.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     string      `json:"payload"`
	Signatures  []Signature `json:"signatures"`
}

// Signature is one signature of an envelope: the signing key's id (the KMS
// key ARN here) and the base64 of the ASN.1 DER ECDSA signature of the PAE.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// PAE is DSSE's pre-authentication encoding, the bytes that are signed:
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII
// decimal. Signing these rather than the payload binds the payload type, so
// a statement cannot be replayed as another kind of document. It is six
// lines of the protocol, written here instead of taking a dependency whose
// signer interface would sit between the KMS call and its errors.
func PAE(payloadType string, payload []byte) []byte {
	out := []byte("DSSEv1 ")
	out = strconv.AppendInt(out, int64(len(payloadType)), 10)
	out = append(out, ' ')
	out = append(out, payloadType...)
	out = append(out, ' ')
	out = strconv.AppendInt(out, int64(len(payload)), 10)
	out = append(out, ' ')
	return append(out, payload...)
}

// Signer signs a PAE: SHA-256 of the message, ECDSA on P-256, DER-encoded
// (what cosign and every DSSE verifier of ECDSA keys expect). KMSSigner is
// the production one.
type Signer interface {
	// Sign returns the signature of message and the id of the key that made it.
	Sign(ctx context.Context, message []byte) (sig []byte, keyID string, err error)
}

// Sign wraps a statement in a DSSE envelope signed by s, as indented JSON.
func Sign(ctx context.Context, statement []byte, s Signer) ([]byte, error) {
	if _, ok := essence(statement); !ok {
		return nil, errors.New("provenance: refusing to sign a document that is not an in-toto statement")
	}
	sig, keyID, err := s.Sign(ctx, PAE(MediaType, statement))
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(Envelope{
		PayloadType: MediaType,
		Payload:     base64.StdEncoding.EncodeToString(statement),
		Signatures:  []Signature{{KeyID: keyID, Sig: base64.StdEncoding.EncodeToString(sig)}},
	}, "", "  ")
}

// OpenEnvelope decodes an envelope and returns it with its payload (not
// verified: see Verify).
func OpenEnvelope(doc []byte) (Envelope, []byte, error) {
	var env Envelope
	if err := json.Unmarshal(doc, &env); err != nil {
		return env, nil, fmt.Errorf("DSSE envelope: %w", err)
	}
	if env.PayloadType != MediaType {
		return env, nil, fmt.Errorf("DSSE envelope: payload type %q, want %q", env.PayloadType, MediaType)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return env, nil, fmt.Errorf("DSSE envelope payload: %w", err)
	}
	return env, payload, nil
}

// Verify checks that one of the envelope's signatures is pub's over the PAE
// of its payload, and returns the payload (the statement) only then.
func Verify(doc []byte, pub *ecdsa.PublicKey) ([]byte, error) {
	env, payload, err := OpenEnvelope(doc)
	if err != nil {
		return nil, err
	}
	if len(env.Signatures) == 0 {
		return nil, errors.New("DSSE envelope: no signature")
	}
	digest := sha256.Sum256(PAE(env.PayloadType, payload))
	for _, s := range env.Signatures {
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		if err == nil && ecdsa.VerifyASN1(pub, digest[:], sig) {
			return payload, nil
		}
	}
	return nil, errors.New("DSSE envelope: no signature verifies with the signing key")
}
