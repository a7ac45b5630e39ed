package sigstore

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"dagger/ecs-bluegreen/provenance"
)

// The public Sigstore instance.
const (
	DefaultFulcioURL = "https://fulcio.sigstore.dev"
	DefaultRekorURL  = "https://rekor.sigstore.dev"
)

// The annotations cosign reads a keyless signature's material from, on
// the layer that holds the envelope.
const (
	CertificateAnnotation = "dev.sigstore.cosign/certificate"
	ChainAnnotation       = "dev.sigstore.cosign/chain"
	BundleAnnotation      = "dev.sigstore.cosign/bundle"
)

// ParseURL checks a Fulcio or Rekor address given as flag: https, or http
// to a loopback host (a local instance); "" means def.
func ParseURL(flag, value, def string) (*url.URL, error) {
	if strings.TrimSpace(value) == "" {
		value = def
	}
	u, err := url.Parse(strings.TrimSpace(value))
	bad := err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" ||
		(u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())))
	if bad {
		if err == nil {
			value = u.Redacted()
		}
		return nil, fmt.Errorf("%s %q is not accepted: want an https:// URL without credentials or query (http:// only to localhost), e.g. %s", flag, value, def)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Options configure a keyless Signer.
type Options struct {
	// Token mints the OIDC identity token, when the certificate is asked for.
	Token TokenSource
	// Fulcio and Rekor are the instance's addresses (ParseURL).
	Fulcio, Rekor *url.URL
	// HTTP is the client for all three; nil: one with a 60 s timeout.
	HTTP *http.Client
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time
}

// Signer signs keyless: its key is made for this call and certified by
// Fulcio on first use; every envelope it signs is logged in Rekor when
// sealed. It implements provenance.AttestationSigner.
type Signer struct {
	opts Options

	mu sync.Mutex
	// current signs; every certificate issued in this call is kept, so an
	// envelope is sealed with the certificate of the key that signed it
	// even after a renewal.
	current *certified
	issued  []*certified
	logKey  *ecdsa.PublicKey
}

// certified is a key and its certificate.
type certified struct {
	key  *ecdsa.PrivateKey
	cert Certificate
}

// renewBefore is how much validity a certificate must have left to sign
// with: an envelope is logged a few registry operations after it is
// signed, and cosign refuses an entry logged after the certificate ended.
// sealMargin is how much it must have left when the entry is asked for:
// the log's answer may take up to the HTTP client's timeout, a minute.
const (
	renewBefore = 3 * time.Minute
	sealMargin  = time.Minute
)

// New returns a Signer; nothing is asked of anybody until it signs (see
// Check and Prepare).
func New(opts Options) (*Signer, error) {
	if opts.Token == nil || opts.Fulcio == nil || opts.Rekor == nil {
		return nil, errors.New("keyless signing needs a token source, a Fulcio and a Rekor address")
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Signer{opts: opts}, nil
}

// Check mints a token and reads it without using it, so a workflow without
// id-token: write, or a token for another audience, stops the call before
// anything is built or pushed. The token for the certificate is minted
// again later: GitHub's live five minutes.
func (s *Signer) Check(ctx context.Context) (Identity, error) {
	tok, err := s.opts.Token(ctx)
	if err != nil {
		return Identity{}, err
	}
	id, err := ParseToken(tok, s.opts.Now())
	if err != nil {
		return id, err
	}
	_, err = id.Principal()
	return id, err
}

// Prepare asks for the certificate now (see Certificate): called after the
// build and before the push, so a token Fulcio refuses, an unreachable
// Fulcio or Rekor, or an instance that answers what cosign cannot verify
// stops the call before anything is pushed.
func (s *Signer) Prepare(ctx context.Context) error {
	_, err := s.Certificate(ctx)
	return err
}

// Certificate returns the certificate the next signature is made with:
// Fulcio is asked for one on first use, and again (a new key) when the last
// has less than renewBefore left. The log's key is read with the first: it
// is what recognises an attestation attached by an earlier run (Verify)
// before anything is logged.
func (s *Signer) Certificate(ctx context.Context) (Certificate, error) {
	c, err := s.signing(ctx)
	if err != nil {
		return Certificate{}, err
	}
	return c.cert, nil
}

func (s *Signer) signing(ctx context.Context) (*certified, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	if s.current != nil && now.Add(renewBefore).Before(s.current.cert.Leaf.NotAfter) {
		return s.current, nil
	}
	c, err := s.renew(ctx)
	if err != nil {
		// A renewal that fails (Fulcio away, a caller's token expired since)
		// leaves the certificate in hand, while it can still be sealed.
		if s.current != nil && now.Add(sealMargin).Before(s.current.cert.Leaf.NotAfter) {
			return s.current, nil
		}
		return nil, err
	}
	return c, nil
}

// renew asks Fulcio for a certificate of a new key; mu is held.
func (s *Signer) renew(ctx context.Context) (*certified, error) {
	if s.logKey == nil {
		k, err := LogKey(ctx, s.opts.HTTP, s.opts.Rekor)
		if err != nil {
			return nil, err
		}
		s.logKey = k
	}
	tok, err := s.opts.Token(ctx)
	if err != nil {
		return nil, err
	}
	id, err := ParseToken(tok, s.opts.Now())
	if err != nil {
		return nil, err
	}
	principal, err := id.Principal()
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	c, err := RequestCertificate(ctx, s.opts.HTTP, s.opts.Fulcio, tok, principal, key)
	if err != nil {
		return nil, err
	}
	s.current = &certified{key: key, cert: c}
	s.issued = append(s.issued, s.current)
	return s.current, nil
}

// Sign implements provenance.Signer with the certified key; the key id is
// empty, as in cosign's envelopes (the certificate names the signer).
func (s *Signer) Sign(ctx context.Context, message []byte) ([]byte, string, error) {
	c, err := s.signing(ctx)
	if err != nil {
		return nil, "", err
	}
	digest := sha256.Sum256(message)
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	return sig, "", err
}

// Who implements provenance.AttestationSigner: the certificate's identity.
func (s *Signer) Who() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return "a Sigstore certificate"
	}
	return fmt.Sprintf("a Sigstore certificate for %s (issuer %s)", s.current.cert.Identity, s.current.cert.Issuer)
}

// Issued is the certificate signatures are made with now, without asking
// for one (false: none yet).
func (s *Signer) Issued() (Certificate, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return Certificate{}, false
	}
	return s.current.cert, true
}

// VerifyHint implements provenance.AttestationSigner: the cosign command
// with this certificate's identity and issuer.
func (s *Signer) VerifyHint() string {
	c, ok := s.Issued()
	if !ok {
		return ""
	}
	return fmt.Sprintf("verify with cosign verify-attestation --type slsaprovenance1 --certificate-identity %s --certificate-oidc-issuer %s, "+
		"from cosign's tag (--cosign-tags)", c.Identity, c.Issuer)
}

// signedBy is the certificate of this call whose key verifies envelope.
func (s *Signer) signedBy(envelope []byte) (Certificate, *ecdsa.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.issued {
		if _, err := provenance.Verify(envelope, &c.key.PublicKey); err == nil {
			return c.cert, s.logKey, nil
		}
	}
	return Certificate{}, nil, errors.New("the envelope was not signed by this call's keys")
}

// Seal implements provenance.AttestationSigner: the envelope is logged in
// Rekor and the certificate of the key that signed it, its chain and the
// log entry are returned as cosign's annotations. A certificate that ended
// before the entry could be made is refused: cosign would refuse the entry.
func (s *Signer) Seal(ctx context.Context, envelope []byte) (map[string]string, error) {
	c, logKey, err := s.signedBy(envelope)
	if err != nil {
		return nil, err
	}
	if now := s.opts.Now(); !now.Add(sealMargin).Before(c.Leaf.NotAfter) {
		return nil, fmt.Errorf("the signing certificate for %s ends at %s, too soon for the signature to be logged in time: nothing was logged or attached; run the call again",
			c.Identity, c.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	e, err := Upload(ctx, s.opts.HTTP, s.opts.Rekor, logKey, envelope, c.PEM)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		CertificateAnnotation: string(c.PEM),
		ChainAnnotation:       string(c.ChainPEM),
		BundleAnnotation:      e.BundleJSON(),
	}, nil
}

// Verify implements provenance.AttestationSigner: an envelope found
// attached counts as this signer's when its annotations hold a certificate
// of the same identity from the same issuer and root (SameAuthority), a log
// entry of that log for that envelope and certificate, and the
// certificate's key verifies the envelope. Keys are new on every run; the
// identity is what stays.
func (s *Signer) Verify(envelope []byte, annotations map[string]string) ([]byte, error) {
	s.mu.Lock()
	current, logKey := s.current, s.logKey
	s.mu.Unlock()
	if current == nil || logKey == nil {
		return nil, errors.New("nothing signed yet to compare with")
	}
	ours := &current.cert
	found, err := ParseCertificate([]byte(annotations[CertificateAnnotation] + annotations[ChainAnnotation]))
	if err != nil {
		return nil, err
	}
	e, err := ParseBundle(annotations[BundleAnnotation])
	if err != nil {
		return nil, err
	}
	if !SameAuthority(*ours, found, e.Logged()) {
		return nil, fmt.Errorf("signed by %s (issuer %s), not by %s", found.Identity, found.Issuer, ours.Identity)
	}
	if err := VerifyEntry(e, logKey, envelope, found.PEM); err != nil {
		return nil, err
	}
	pub, ok := found.Leaf.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("the certificate's key is not ECDSA")
	}
	return provenance.Verify(envelope, pub)
}

var _ provenance.AttestationSigner = (*Signer)(nil)
