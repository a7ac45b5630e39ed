package sigstore

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Entry is a transparency log entry as cosign's bundle annotation carries
// it: the canonical entry body (base64), when and where it was logged, and
// the log's signature over those four (the signed entry timestamp).
type Entry struct {
	Body           string
	IntegratedTime int64
	LogIndex       int64
	LogID          string
	SET            []byte
}

// Logged is when the entry was logged.
func (e Entry) Logged() time.Time { return time.Unix(e.IntegratedTime, 0).UTC() }

// payload is what the signed entry timestamp signs, in RFC 8785 canonical
// form: json.Marshal of a map sorts the keys, and the values (base64, hex,
// integers) need no escaping.
func (e Entry) payload() []byte {
	b, _ := json.Marshal(map[string]any{"body": e.Body, "integratedTime": e.IntegratedTime, "logID": e.LogID, "logIndex": e.LogIndex})
	return b
}

// bundle is cosign's dev.sigstore.cosign/bundle annotation (its
// RekorBundle): the signed entry timestamp beside the entry.
type bundle struct {
	SignedEntryTimestamp []byte
	Payload              struct {
		Body           string `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogIndex       int64  `json:"logIndex"`
		LogID          string `json:"logID"`
	}
}

// BundleJSON is the entry as the dev.sigstore.cosign/bundle annotation.
func (e Entry) BundleJSON() string {
	var b bundle
	b.SignedEntryTimestamp = e.SET
	b.Payload.Body, b.Payload.IntegratedTime, b.Payload.LogIndex, b.Payload.LogID = e.Body, e.IntegratedTime, e.LogIndex, e.LogID
	out, _ := json.Marshal(b)
	return string(out)
}

// ParseBundle reads a dev.sigstore.cosign/bundle annotation.
func ParseBundle(s string) (Entry, error) {
	var b bundle
	if err := json.Unmarshal([]byte(s), &b); err != nil || b.Payload.Body == "" {
		return Entry{}, errors.New("the transparency log bundle is not cosign's bundle JSON")
	}
	return Entry{Body: b.Payload.Body, IntegratedTime: b.Payload.IntegratedTime, LogIndex: b.Payload.LogIndex,
		LogID: b.Payload.LogID, SET: b.SignedEntryTimestamp}, nil
}

// intotoEntry is Rekor's intoto v0.0.1 entry, the kind cosign attest logs:
// proposed with the envelope itself, stored (canonical) with its hashes.
type intotoEntry struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Content struct {
			Envelope string `json:"envelope,omitempty"`
			Hash     *hash  `json:"hash,omitempty"`
		} `json:"content"`
		PublicKey []byte `json:"publicKey"`
	} `json:"spec"`
}

type hash struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// Upload logs envelope, signed by certPEM's key, in Rekor as an intoto
// v0.0.1 entry, and checks the answer with the log's key (see VerifyEntry)
// before it is used.
func Upload(ctx context.Context, client *http.Client, rekor *url.URL, logKey *ecdsa.PublicKey, envelope, certPEM []byte) (Entry, error) {
	var proposed intotoEntry
	proposed.APIVersion, proposed.Kind = "0.0.1", "intoto"
	proposed.Spec.Content.Envelope = string(envelope)
	proposed.Spec.PublicKey = certPEM
	body, err := json.Marshal(proposed)
	if err != nil {
		return Entry{}, err
	}
	answer, status, err := call(ctx, client, http.MethodPost, rekor.JoinPath("api/v1/log/entries").String(), body, "application/json")
	if err != nil {
		return Entry{}, fmt.Errorf("logging the signature in Rekor at %s: %w", rekor.Redacted(), err)
	}
	if status != http.StatusCreated {
		return Entry{}, fmt.Errorf("Rekor at %s refused the entry: %d: %s", rekor.Redacted(), status, excerpt(answer))
	}
	var created map[string]struct {
		Body           string `json:"body"`
		IntegratedTime int64  `json:"integratedTime"`
		LogID          string `json:"logID"`
		LogIndex       *int64 `json:"logIndex"`
		Verification   struct {
			SignedEntryTimestamp []byte `json:"signedEntryTimestamp"`
		} `json:"verification"`
	}
	if err := json.Unmarshal(answer, &created); err != nil || len(created) != 1 {
		return Entry{}, fmt.Errorf("Rekor at %s answered without exactly one log entry", rekor.Redacted())
	}
	var e Entry
	for _, c := range created {
		if c.LogIndex == nil {
			return Entry{}, fmt.Errorf("Rekor at %s answered an entry without a log index", rekor.Redacted())
		}
		e = Entry{Body: c.Body, IntegratedTime: c.IntegratedTime, LogID: c.LogID, LogIndex: *c.LogIndex, SET: c.Verification.SignedEntryTimestamp}
	}
	if err := VerifyEntry(e, logKey, envelope, certPEM); err != nil {
		return Entry{}, fmt.Errorf("Rekor at %s logged the signature as entry %d, but its answer does not verify, so nothing is attached: %w", rekor.Redacted(), e.LogIndex, err)
	}
	return e, nil
}

// LogKey reads the log's public key (an ECDSA key, as cosign requires).
func LogKey(ctx context.Context, client *http.Client, rekor *url.URL) (*ecdsa.PublicKey, error) {
	answer, status, err := call(ctx, client, http.MethodGet, rekor.JoinPath("api/v1/log/publicKey").String(), nil, "application/x-pem-file")
	if err != nil {
		return nil, fmt.Errorf("reading Rekor's public key at %s: %w", rekor.Redacted(), err)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("reading Rekor's public key at %s: answered %d: %s", rekor.Redacted(), status, excerpt(answer))
	}
	b, _ := pem.Decode(answer)
	if b == nil {
		return nil, fmt.Errorf("Rekor's public key at %s is not PEM", rekor.Redacted())
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("Rekor's public key at %s: %w", rekor.Redacted(), err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("Rekor's public key at %s is not an ECDSA key", rekor.Redacted())
	}
	return pub, nil
}

// LogID is a log's id: the SHA-256 of its public key's DER, in hex.
func LogID(pub *ecdsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// VerifyEntry checks what cosign checks of a bundle: the signed entry
// timestamp verifies with the log's key, the entry is of that log, its body
// is an intoto entry of exactly this envelope (by hash) signed by exactly
// this certificate, and it was logged while the certificate was valid.
func VerifyEntry(e Entry, logKey *ecdsa.PublicKey, envelope, certPEM []byte) error {
	if e.LogID != LogID(logKey) {
		return fmt.Errorf("the log entry names log %s, not the log whose key was read (%s)", e.LogID, LogID(logKey))
	}
	sum := sha256.Sum256(e.payload())
	if !ecdsa.VerifyASN1(logKey, sum[:], e.SET) {
		return errors.New("the log entry's signed entry timestamp does not verify with the log's key")
	}
	raw, err := base64.StdEncoding.DecodeString(e.Body)
	if err != nil {
		return errors.New("the log entry's body is not base64")
	}
	var body intotoEntry
	if err := json.Unmarshal(raw, &body); err != nil || body.Kind != "intoto" || body.Spec.Content.Hash == nil {
		return errors.New("the log entry is not an intoto entry with an envelope hash")
	}
	want := sha256.Sum256(envelope)
	if body.Spec.Content.Hash.Algorithm != "sha256" || body.Spec.Content.Hash.Value != hex.EncodeToString(want[:]) {
		return errors.New("the log entry is for another envelope")
	}
	logged, _ := pem.Decode(body.Spec.PublicKey)
	ours, _ := pem.Decode(certPEM)
	if logged == nil || ours == nil || !bytes.Equal(logged.Bytes, ours.Bytes) {
		return errors.New("the log entry names another certificate")
	}
	cert, err := x509.ParseCertificate(ours.Bytes)
	if err != nil {
		return fmt.Errorf("the certificate: %w", err)
	}
	if at := e.Logged(); at.Before(cert.NotBefore) || at.After(cert.NotAfter) {
		return fmt.Errorf("the entry was logged at %s, outside the certificate's validity (%s to %s)",
			at.Format(time.RFC3339), cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

func call(ctx context.Context, client *http.Client, method, endpoint string, body []byte, accept string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return answer, resp.StatusCode, err
}
