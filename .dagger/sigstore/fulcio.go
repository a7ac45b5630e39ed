package sigstore

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Certificate is what Fulcio issued: the leaf for our key and the chain up
// to its root, as PEM (as cosign's annotations carry them), parsed.
type Certificate struct {
	PEM, ChainPEM []byte
	Leaf          *x509.Certificate
	Chain         []*x509.Certificate
	// Identity and Issuer are the leaf's subject alternative name and the
	// OIDC issuer Fulcio wrote into it.
	Identity, Issuer string
}

// RequestCertificate asks Fulcio (its v1 signingCert endpoint, the one
// cosign uses) for a certificate of key's public half, proving possession
// by signing the token's subject, and checks the answer: the leaf must
// certify that very key, for code signing, with an identity and an issuer.
func RequestCertificate(ctx context.Context, client *http.Client, fulcio *url.URL, token string, subject string, key *ecdsa.PrivateKey) (Certificate, error) {
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return Certificate{}, err
	}
	digest := sha256.Sum256([]byte(subject))
	proof, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return Certificate{}, err
	}
	body, err := json.Marshal(map[string]any{
		"publicKey":          map[string]any{"content": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})},
		"signedEmailAddress": proof,
	})
	if err != nil {
		return Certificate{}, err
	}
	endpoint := fulcio.JoinPath("api/v1/signingCert").String()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return Certificate{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/pem-certificate-chain")
	resp, err := client.Do(req)
	if err != nil {
		return Certificate{}, fmt.Errorf("asking Fulcio at %s for a signing certificate: %w", fulcio.Redacted(), err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Certificate{}, fmt.Errorf("reading Fulcio's answer from %s: %w", fulcio.Redacted(), err)
	}
	if resp.StatusCode != http.StatusCreated {
		return Certificate{}, fmt.Errorf("Fulcio at %s refused the certificate request: %s: %s", fulcio.Redacted(), resp.Status, excerpt(answer))
	}
	c, err := ParseCertificate(answer)
	if err != nil {
		return Certificate{}, fmt.Errorf("Fulcio at %s: %w", fulcio.Redacted(), err)
	}
	// The public instance embeds the certificate transparency timestamp in
	// the leaf; a detached one would have to travel beside it, and cosign's
	// annotations have no place for it, so verification would fail.
	if resp.Header.Get("SCT") != "" {
		return Certificate{}, fmt.Errorf("Fulcio at %s answered a detached certificate transparency timestamp, which cosign's attestation layout cannot carry: use an instance that embeds it in the certificate", fulcio.Redacted())
	}
	if len(c.Chain) == 0 {
		return Certificate{}, fmt.Errorf("Fulcio at %s answered a certificate without its chain: a verifier, and a later run, could not tell its authority", fulcio.Redacted())
	}
	if pub, ok := c.Leaf.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return Certificate{}, fmt.Errorf("Fulcio at %s issued a certificate for another key than the one it was asked to certify", fulcio.Redacted())
	}
	return c, nil
}

// ParseCertificate reads a PEM leaf followed by its chain (Fulcio's answer,
// or cosign's certificate and chain annotations joined) and checks the leaf
// is a code-signing certificate that names an identity and an issuer.
func ParseCertificate(chainPEM []byte) (Certificate, error) {
	var certs []*x509.Certificate
	var blocks [][]byte
	rest := chainPEM
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return Certificate{}, fmt.Errorf("a certificate of the chain does not parse: %w", err)
		}
		certs = append(certs, cert)
		blocks = append(blocks, pem.EncodeToMemory(b))
	}
	if len(certs) == 0 {
		return Certificate{}, errors.New("no PEM certificate in the answer")
	}
	c := Certificate{PEM: blocks[0], ChainPEM: bytes.Join(blocks[1:], nil), Leaf: certs[0], Chain: certs[1:]}
	if !hasCodeSigning(c.Leaf) {
		return Certificate{}, errors.New("the certificate is not for code signing")
	}
	var err error
	if c.Identity, c.Issuer, err = identityOf(c.Leaf); err != nil {
		return Certificate{}, err
	}
	return c, nil
}

func hasCodeSigning(c *x509.Certificate) bool {
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageCodeSigning {
			return true
		}
	}
	return false
}

// excerpt is the start of a server's error body, on one line.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
