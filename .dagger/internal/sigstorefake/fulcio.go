// Package sigstorefake serves stand-ins of Sigstore's Fulcio (the v1
// signingCert endpoint) and Rekor (intoto v0.0.1 entries and the log's
// public key) on loopback, with their own root and log key, and mints
// GitHub-shaped identity tokens, so keyless signing is exercised end to end
// and checked by the real cosign without any public service.
//
// They follow the public instances where the module relies on them:
// Fulcio checks the proof of possession (the token's subject signed by the
// key to certify), issues a code-signing leaf under an intermediate with
// the workflow's URI as its identity (the token's job_workflow_ref, as
// Fulcio does for GitHub) and both issuer extensions; Rekor verifies the
// envelope's signature with the certificate, stores the canonical entry
// (hashes, not the envelope) and signs the entry timestamp over its
// canonical JSON. Known differences: no SCT (verifiers pass
// --insecure-ignore-sct), no inclusion proof, tokens are not signed.
package sigstorefake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// GitHubIssuer is the OIDC issuer of GitHub Actions' tokens.
const GitHubIssuer = "https://token.actions.githubusercontent.com"

// Token mints an (unsigned) GitHub Actions identity token for the workflow
// ref, e.g. acme/shop/.github/workflows/release.yml@refs/heads/main,
// expiring at exp.
func Token(workflowRef, audience string, exp time.Time) string {
	repo := workflowRef[:strings.Index(workflowRef, "/.github/")]
	claims, _ := json.Marshal(map[string]any{
		"iss": GitHubIssuer, "aud": audience, "exp": exp.Unix(), "iat": exp.Add(-5 * time.Minute).Unix(),
		"sub": "repo:" + repo + ":ref:refs/heads/main", "job_workflow_ref": workflowRef, "repository": repo,
	})
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("unsigned"))
}

// Fulcio is a running certificate authority stand-in.
type Fulcio struct {
	URL *url.URL
	// RootPEM is its root certificate (cosign's SIGSTORE_ROOT_FILE).
	RootPEM []byte
	// OtherKey, when set, makes it certify this key instead of the one
	// asked for (a broken or hostile authority).
	OtherKey *ecdsa.PublicKey
	// DetachedSCT and NoChain make it answer as some private instances do:
	// with an SCT header beside the certificate, or without the chain.
	DetachedSCT, NoChain bool

	mu       sync.Mutex
	requests int
	root     *x509.Certificate
	inter    *x509.Certificate
	interKey *ecdsa.PrivateKey
}

// Requests is how many certificates it issued.
func (f *Fulcio) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// StartFulcio serves a Fulcio stand-in until the test ends.
func StartFulcio(t testing.TB) *Fulcio {
	t.Helper()
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	interKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	rootTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sigstorefake-root", Organization: []string{"sigstorefake"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(rootDER)
	interTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "sigstorefake-intermediate", Organization: []string{"sigstorefake"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	interDER, err := x509.CreateCertificate(rand.Reader, interTmpl, root, &interKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	inter, _ := x509.ParseCertificate(interDER)
	f := &Fulcio{root: root, inter: inter, interKey: interKey,
		RootPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rootDER})}
	srv := httptest.NewServer(http.HandlerFunc(f.signingCert))
	t.Cleanup(srv.Close)
	f.URL, _ = url.Parse(srv.URL)
	return f
}

func (f *Fulcio) signingCert(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/signingCert" {
		http.NotFound(w, r)
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	claims, err := readClaims(tok)
	if !ok || err != nil || claims.Aud != "sigstore" || time.Now().After(time.Unix(claims.Exp, 0)) {
		http.Error(w, `{"code":401,"message":"invalid identity token"}`, http.StatusUnauthorized)
		return
	}
	var req struct {
		PublicKey struct {
			Content []byte `json:"content"`
		} `json:"publicKey"`
		SignedEmailAddress []byte `json:"signedEmailAddress"`
	}
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &req) != nil {
		http.Error(w, `{"code":400,"message":"bad request"}`, http.StatusBadRequest)
		return
	}
	block, _ := pem.Decode(req.PublicKey.Content)
	if block == nil {
		http.Error(w, `{"code":400,"message":"public key is not PEM"}`, http.StatusBadRequest)
		return
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	pub, isEC := parsed.(*ecdsa.PublicKey)
	// Fulcio's principal: a person's verified e-mail, else the subject.
	principal := claims.Sub
	if claims.Email != "" {
		principal = claims.Email
	}
	digest := sha256.Sum256([]byte(principal))
	if err != nil || !isEC || !ecdsa.VerifyASN1(pub, digest[:], req.SignedEmailAddress) {
		http.Error(w, `{"code":400,"message":"proof of possession does not verify"}`, http.StatusBadRequest)
		return
	}
	certified := pub
	if f.OtherKey != nil {
		certified = f.OtherKey
	}
	identity, _ := url.Parse("https://github.com/" + claims.JobWorkflowRef)
	var emails []string
	if claims.JobWorkflowRef == "" {
		identity, emails = nil, []string{claims.Email}
	}
	issuerV2, _ := asn1.MarshalWithParams(claims.Iss, "utf8")
	f.mu.Lock()
	f.requests++
	serial := big.NewInt(int64(100 + f.requests))
	f.mu.Unlock()
	now := time.Now()
	leaf := &x509.Certificate{
		SerialNumber: serial, NotBefore: now.Add(-time.Minute), NotAfter: now.Add(10 * time.Minute),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		EmailAddresses: emails,
		ExtraExtensions: []pkix.Extension{
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}, Value: []byte(claims.Iss)},
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}, Value: issuerV2},
		},
	}
	if identity != nil {
		leaf.URIs = []*url.URL{identity}
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, f.inter, certified, f.interKey)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/pem-certificate-chain")
	if f.DetachedSCT {
		w.Header().Set("SCT", base64.StdEncoding.EncodeToString([]byte("detached")))
	}
	w.WriteHeader(http.StatusCreated)
	chain := [][]byte{der, f.inter.Raw, f.root.Raw}
	if f.NoChain {
		chain = chain[:1]
	}
	for _, d := range chain {
		_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: d})
	}
}

type claims struct {
	Iss, Sub, Aud, Email string
	Exp                  int64
	JobWorkflowRef       string `json:"job_workflow_ref"`
}

func readClaims(tok string) (claims, error) {
	var c claims
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, io.ErrUnexpectedEOF
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(b, &c)
}
