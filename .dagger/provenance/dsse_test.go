package provenance

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	pemlib "encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/testtool"
)

// The PAE is the DSSE protocol's, byte for byte (the example of the DSSE
// specification's protocol document, computed by hand here).
func TestPAEIsTheDSSEEncoding(t *testing.T) {
	got := string(PAE("http://example.com/HelloWorld", []byte("hello world")))
	want := "DSSEv1 29 http://example.com/HelloWorld 11 hello world"
	if got != want {
		t.Fatalf("PAE = %q, want %q", got, want)
	}
	if got := string(PAE("", nil)); got != "DSSEv1 0  0 " {
		t.Fatalf("empty PAE = %q", got)
	}
}

// motoKey resets moto, creates a signing key of spec in its KMS and returns
// the KMS client and the key's ARN.
func motoKey(t *testing.T, spec types.KeySpec) (*kms.Client, string) {
	t.Helper()
	client := kms.NewFromConfig(awstest.MotoConfig(t))
	return client, createKey(t, client, spec)
}

// createKey creates another signing key in the same moto account.
func createKey(t *testing.T, client *kms.Client, spec types.KeySpec) string {
	t.Helper()
	out, err := client.CreateKey(context.Background(), &kms.CreateKeyInput{
		KeySpec: spec, KeyUsage: types.KeyUsageTypeSignVerify, Description: aws.String("provenance signing"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}

// verifyIndependently checks an envelope the way a verifier without this
// package would: public key from kms:GetPublicKey, PAE rebuilt from the
// decoded payload, crypto/ecdsa over its SHA-256.
func verifyIndependently(t *testing.T, client *kms.Client, keyID string, envelope []byte) ([]byte, bool) {
	t.Helper()
	pk, err := client.GetPublicKey(context.Background(), &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := x509.ParsePKIXPublicKey(pk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		PayloadType string
		Payload     string
		Signatures  []struct{ KeyID, Sig string }
	}
	if err := json.Unmarshal(envelope, &env); err != nil {
		t.Fatal(err)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		t.Fatal(err)
	}
	pae := "DSSEv1 " + itoa(len(env.PayloadType)) + " " + env.PayloadType + " " + itoa(len(payload)) + " " + string(payload)
	digest := sha256.Sum256([]byte(pae))
	if len(env.Signatures) != 1 {
		t.Fatalf("want one signature, got %d", len(env.Signatures))
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil {
		t.Fatal(err)
	}
	return payload, ecdsa.VerifyASN1(parsed.(*ecdsa.PublicKey), digest[:], sig)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// A statement signed with a KMS key (moto's KMS: CreateKey ECC_NIST_P256,
// Sign, GetPublicKey) verifies with the key's public half, and the payload is
// the statement exactly.
func TestSignedStatementVerifiesWithTheKMSPublicKey(t *testing.T) {
	client, arn := motoKey(t, types.KeySpecEccNistP256)
	ctx := context.Background()
	signer, err := NewKMSSigner(ctx, client, arn)
	if err != nil {
		t.Fatal(err)
	}
	statement, err := Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	envelope, err := Sign(ctx, statement, signer)
	if err != nil {
		t.Fatal(err)
	}
	payload, ok := verifyIndependently(t, client, arn, envelope)
	if !ok {
		t.Fatalf("signature does not verify:\n%s", envelope)
	}
	if string(payload) != string(statement) {
		t.Fatalf("payload is not the statement:\n%s", payload)
	}
	var env Envelope
	if err := json.Unmarshal(envelope, &env); err != nil || env.PayloadType != "application/vnd.in-toto+json" || env.Signatures[0].KeyID != signer.KeyARN {
		t.Fatalf("envelope %+v %v", env, err)
	}
	if got, err := Verify(envelope, signer.Public); err != nil || string(got) != string(statement) {
		t.Fatalf("Verify: %v", err)
	}
	t.Logf("signed statement (envelope):\n%s\npayload decoded:\n%s", envelope, payload)
}

// A payload changed after signing, or a signature by another key, fails.
func TestTamperedEnvelopeFailsVerification(t *testing.T) {
	client, arn := motoKey(t, types.KeySpecEccNistP256)
	ctx := context.Background()
	signer, err := NewKMSSigner(ctx, client, arn)
	if err != nil {
		t.Fatal(err)
	}
	statement, err := Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	envelope, err := Sign(ctx, statement, signer)
	if err != nil {
		t.Fatal(err)
	}
	var env Envelope
	if err := json.Unmarshal(envelope, &env); err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(string(statement), sample().Version, "0000000000000000000000000000000000000000", 1)
	if tampered == string(statement) {
		t.Fatal("tampering changed nothing")
	}
	env.Payload = base64.StdEncoding.EncodeToString([]byte(tampered))
	forged, _ := json.Marshal(env)
	if _, ok := verifyIndependently(t, client, arn, forged); ok {
		t.Fatal("a tampered payload verified")
	}
	if _, err := Verify(forged, signer.Public); err == nil {
		t.Fatal("Verify accepted a tampered payload")
	}
	// The same statement signed by another key does not verify with ours.
	otherARN := createKey(t, client, types.KeySpecEccNistP256)
	otherSigner, err := NewKMSSigner(ctx, client, otherARN)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := Sign(ctx, statement, otherSigner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(foreign, signer.Public); err == nil {
		t.Fatal("an envelope signed by another key verified with ours")
	}
}

// A key that is not a P-256 signing key is refused before anything is
// signed, naming the key and what was found.
func TestWrongKeyIsRefused(t *testing.T) {
	client, arn := motoKey(t, types.KeySpecRsa2048)
	_, err := NewKMSSigner(context.Background(), client, arn)
	if err == nil || !strings.Contains(err.Error(), arn) || !strings.Contains(err.Error(), "RSA_2048") || !strings.Contains(err.Error(), "ECC_NIST_P256") {
		t.Fatalf("RSA key: %v", err)
	}
	if _, err := NewKMSSigner(context.Background(), client, "alias/missing"); err == nil || !strings.Contains(err.Error(), "alias/missing") {
		t.Fatalf("missing key: %v", err)
	}
	for _, bad := range []string{"awskms:///arn:aws:kms:us-east-1:123456789012:key/x", "arn:aws:iam::123456789012:role/x", "my key"} {
		if err := CheckKeyID(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("CheckKeyID(%q) = %v", bad, err)
		}
	}
	for _, good := range []string{"", "alias/provenance", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"} {
		if err := CheckKeyID(good); err != nil {
			t.Errorf("CheckKeyID(%q) = %v", good, err)
		}
	}
}

// An alias resolves: the envelope names the key's ARN, which is what a
// verifier passes to cosign as awskms:///<arn>.
func TestAliasResolvesToTheKeyARN(t *testing.T) {
	client, arn := motoKey(t, types.KeySpecEccNistP256)
	ctx := context.Background()
	if _, err := client.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/provenance"), TargetKeyId: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	signer, err := NewKMSSigner(ctx, client, "alias/provenance")
	if err != nil {
		t.Fatal(err)
	}
	// KMS answers the key's ARN; moto answers its bare key id.
	if signer.KeyARN != arn && arn != "arn:aws:kms:us-east-1:123456789012:key/"+signer.KeyARN {
		t.Fatalf("KeyARN = %q, want %q", signer.KeyARN, arn)
	}
}

// fakeKMS is an in-process KMS for the DIGEST path only: moto 5.2.1 hashes
// a MessageType DIGEST message again before signing (its signature verifies
// over sha256(sha256(message))), which real KMS does not.
type fakeKMS struct {
	key  *ecdsa.PrivateKey
	seen []types.MessageType
}

func (f *fakeKMS) GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, _ ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	der, err := x509.MarshalPKIXPublicKey(&f.key.PublicKey)
	return &kms.GetPublicKeyOutput{KeyId: in.KeyId, PublicKey: der, KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify,
		SigningAlgorithms: []types.SigningAlgorithmSpec{types.SigningAlgorithmSpecEcdsaSha256}}, err
}

func (f *fakeKMS) Sign(ctx context.Context, in *kms.SignInput, _ ...func(*kms.Options)) (*kms.SignOutput, error) {
	f.seen = append(f.seen, in.MessageType)
	digest := in.Message
	if in.MessageType != types.MessageTypeDigest {
		d := sha256.Sum256(in.Message)
		digest = d[:]
	}
	sig, err := ecdsa.SignASN1(rand.Reader, f.key, digest)
	return &kms.SignOutput{KeyId: in.KeyId, Signature: sig}, err
}

// A statement whose PAE is past kms:Sign's 4 KiB RAW limit is sent as its
// SHA-256 and still verifies.
func TestLargeStatementIsSignedByDigest(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeKMS{key: key}
	signer, err := NewKMSSigner(context.Background(), fake, "alias/provenance")
	if err != nil {
		t.Fatal(err)
	}
	b := sample()
	b.GoBuild = append(b.GoBuild, strings.Repeat("-x ", 1500))
	statement, err := Statement(b)
	if err != nil {
		t.Fatal(err)
	}
	env, err := Sign(context.Background(), statement, signer)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Verify(env, &key.PublicKey); err != nil || string(got) != string(statement) {
		t.Fatalf("Verify: %v", err)
	}
	if len(fake.seen) != 1 || fake.seen[0] != types.MessageTypeDigest {
		t.Fatalf("message types sent: %v", fake.seen)
	}
}

// scripts/verify-provenance, the plain verifier the README shows, accepts
// an envelope signed through KMS with the key's public half, and refuses a
// tampered payload, another subject and another key.
func TestVerifyScriptChecksTheEnvelope(t *testing.T) {
	bash := testtool.Require(t, "bash")
	testtool.Require(t, "openssl")
	testtool.Require(t, "jq")
	client, arn := motoKey(t, types.KeySpecEccNistP256)
	otherARN := createKey(t, client, types.KeySpecEccNistP256)
	ctx := context.Background()
	signer, err := NewKMSSigner(ctx, client, arn)
	if err != nil {
		t.Fatal(err)
	}
	statement, err := Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	envelope, err := Sign(ctx, statement, signer)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pem := func(name, keyID string) string {
		out, err := client.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pemlib.EncodeToMemory(&pemlib.Block{Type: "PUBLIC KEY", Bytes: out.PublicKey}), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ours, theirs := pem("ours.pem", arn), pem("theirs.pem", otherARN)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("envelope.json", envelope)
	var env Envelope
	if err := json.Unmarshal(envelope, &env); err != nil {
		t.Fatal(err)
	}
	env.Payload = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(statement), "linux/arm64", "linux/amd64", 1)))
	forged, _ := json.Marshal(env)
	bad := write("tampered.json", forged)
	subject := sample().Digest
	run := func(envelope, key, digest string) (string, error) {
		out, err := exec.Command(bash, "../../scripts/verify-provenance", envelope, key, digest).CombinedOutput()
		return string(out), err
	}
	out, err := run(good, ours, subject)
	if err != nil || !strings.Contains(out, `"predicateType": "https://slsa.dev/provenance/v1"`) {
		t.Fatalf("genuine envelope: %v\n%s", err, out)
	}
	t.Logf("scripts/verify-provenance envelope.json ours.pem %s:\n%s", subject, out)
	for name, c := range map[string][3]string{
		"tampered payload": {bad, ours, subject},
		"another key":      {good, theirs, subject},
		"another subject":  {good, ours, "sha256:" + strings.Repeat("f", 64)},
	} {
		if out, err := run(c[0], c[1], c[2]); err == nil {
			t.Errorf("%s accepted:\n%s", name, out)
		}
	}
}
