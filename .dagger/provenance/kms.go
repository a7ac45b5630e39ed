package provenance

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMS is the part of the AWS KMS API signing uses: nothing else is needed,
// so the signing role's policy can be kms:Sign and kms:GetPublicKey only.
type KMS interface {
	Sign(ctx context.Context, in *kms.SignInput, opts ...func(*kms.Options)) (*kms.SignOutput, error)
	GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, opts ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
}

// KMSSigner signs with an AWS KMS asymmetric key: ECC_NIST_P256 for
// SIGN_VERIFY with ECDSA_SHA_256, the key type cosign verifies for
// awskms:// keys. The private key never leaves KMS.
type KMSSigner struct {
	client KMS
	// KeyARN is the key's ARN as KMS reports it (an alias given to
	// NewKMSSigner is resolved), the envelope's keyid.
	KeyARN string
	// Public is the key's public half, for verifying envelopes found attached.
	Public *ecdsa.PublicKey
}

// CheckKeyID accepts what KMS accepts as a signing key id: a key id, a key
// ARN, an alias name (alias/…) or an alias ARN.
func CheckKeyID(id string) error {
	switch {
	case id == "":
		return nil
	case strings.ContainsAny(id, " \t\n"),
		strings.HasPrefix(id, "arn:") && !strings.Contains(id, ":kms:"),
		strings.HasPrefix(id, "awskms:"):
		return fmt.Errorf("--signing-key %q is not accepted: give a KMS key id, key ARN, alias/<name> or alias ARN "+
			"(without the awskms:// prefix cosign uses)", id)
	}
	return nil
}

// NewKMSSigner reads the key's public half and checks, before anything is
// built or pushed, that it is a P-256 signing key that signs with
// ECDSA_SHA_256; any other key gets an error naming the key and what it is.
func NewKMSSigner(ctx context.Context, client KMS, keyID string) (*KMSSigner, error) {
	if err := CheckKeyID(keyID); err != nil {
		return nil, err
	}
	out, err := client.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return nil, fmt.Errorf("reading the public key of signing key %s: %w", keyID, err)
	}
	// KMS answers both fields; some stand-ins (moto) fill only the older one.
	spec := out.KeySpec
	if spec == "" {
		spec = types.KeySpec(out.CustomerMasterKeySpec)
	}
	if spec != types.KeySpecEccNistP256 || out.KeyUsage != types.KeyUsageTypeSignVerify ||
		!slices.Contains(out.SigningAlgorithms, types.SigningAlgorithmSpecEcdsaSha256) {
		return nil, fmt.Errorf("signing key %s is a %s key for %s: want an ECC_NIST_P256 key for SIGN_VERIFY "+
			"(ECDSA_SHA_256), the key type cosign verifies", keyID, spec, out.KeyUsage)
	}
	parsed, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("public key of signing key %s: %w", keyID, err)
	}
	pub, ok := parsed.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("public key of signing key %s is not an ECDSA P-256 key", keyID)
	}
	arn := aws.ToString(out.KeyId)
	if arn == "" {
		arn = keyID
	}
	return &KMSSigner{client: client, KeyARN: arn, Public: pub}, nil
}

// maxRawMessage is the largest message kms:Sign takes as RAW; a longer one
// is sent as its SHA-256 (MessageType DIGEST). Both give the same signature.
const maxRawMessage = 4096

// Sign implements Signer through kms:Sign.
func (s *KMSSigner) Sign(ctx context.Context, message []byte) ([]byte, string, error) {
	digest := sha256.Sum256(message)
	in := &kms.SignInput{
		KeyId:            aws.String(s.KeyARN),
		Message:          message,
		MessageType:      types.MessageTypeRaw,
		SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256,
	}
	if len(message) > maxRawMessage {
		in.Message, in.MessageType = digest[:], types.MessageTypeDigest
	}
	out, err := s.client.Sign(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("signing the provenance with KMS key %s: %w", s.KeyARN, err)
	}
	// Check the signature before it is published: a key whose public half
	// does not match what signs would attach envelopes nobody can verify.
	if !ecdsa.VerifyASN1(s.Public, digest[:], out.Signature) {
		return nil, "", fmt.Errorf("KMS key %s returned a signature its public key does not verify", s.KeyARN)
	}
	return out.Signature, s.KeyARN, nil
}
