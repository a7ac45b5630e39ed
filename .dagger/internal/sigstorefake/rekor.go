package sigstorefake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"dagger/ecs-bluegreen/provenance"
)

// Rekor is a running transparency log stand-in.
type Rekor struct {
	URL *url.URL
	// PublicKeyPEM is the log's key (cosign's SIGSTORE_REKOR_PUBLIC_KEY).
	PublicKeyPEM []byte
	// Tamper, when set, changes each answer before it is signed or sent
	// (what a broken or hostile log would do): the canonical body, and
	// whether the signed entry timestamp is then spoiled.
	Tamper func(body []byte) (changed []byte, spoilSET bool)
	// Now, when set, is the log's clock (an entry logged late).
	Now func() time.Time

	key   *ecdsa.PrivateKey
	logID string

	mu      sync.Mutex
	entries int
}

// Entries is how many entries were logged.
func (r *Rekor) Entries() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.entries
}

// StartRekor serves a Rekor stand-in until the test ends.
func StartRekor(t testing.TB) *Rekor {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	sum := sha256.Sum256(der)
	r := &Rekor{key: key, logID: hex.EncodeToString(sum[:]),
		PublicKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/log/publicKey", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(r.PublicKeyPEM)
	})
	mux.HandleFunc("POST /api/v1/log/entries", r.create)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	r.URL, _ = url.Parse(srv.URL)
	return r
}

type hashValue struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

func (r *Rekor) create(w http.ResponseWriter, req *http.Request) {
	var proposed struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       struct {
			Content struct {
				Envelope string `json:"envelope"`
			} `json:"content"`
			PublicKey []byte `json:"publicKey"`
		} `json:"spec"`
	}
	body, _ := io.ReadAll(req.Body)
	if json.Unmarshal(body, &proposed) != nil || proposed.Kind != "intoto" || proposed.APIVersion != "0.0.1" {
		http.Error(w, `{"code":400,"message":"want an intoto v0.0.1 entry"}`, http.StatusBadRequest)
		return
	}
	block, _ := pem.Decode(proposed.Spec.PublicKey)
	if block == nil {
		http.Error(w, `{"code":400,"message":"public key is not PEM"}`, http.StatusBadRequest)
		return
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		http.Error(w, `{"code":400,"message":"public key is not a certificate"}`, http.StatusBadRequest)
		return
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		http.Error(w, `{"code":400,"message":"not an ECDSA certificate"}`, http.StatusBadRequest)
		return
	}
	envelope := []byte(proposed.Spec.Content.Envelope)
	payload, err := provenance.Verify(envelope, pub)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"code":400,"message":%q}`, err.Error()), http.StatusBadRequest)
		return
	}
	envHash, payHash := sha256.Sum256(envelope), sha256.Sum256(payload)
	var canonical struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       struct {
			Content struct {
				Hash        hashValue `json:"hash"`
				PayloadHash hashValue `json:"payloadHash"`
			} `json:"content"`
			PublicKey []byte `json:"publicKey"`
		} `json:"spec"`
	}
	canonical.APIVersion, canonical.Kind = "0.0.1", "intoto"
	canonical.Spec.Content.Hash = hashValue{"sha256", hex.EncodeToString(envHash[:])}
	canonical.Spec.Content.PayloadHash = hashValue{"sha256", hex.EncodeToString(payHash[:])}
	canonical.Spec.PublicKey = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	stored, _ := json.Marshal(canonical)
	spoil := false
	if r.Tamper != nil {
		stored, spoil = r.Tamper(stored)
	}
	r.mu.Lock()
	index := int64(r.entries)
	r.entries++
	r.mu.Unlock()
	b64 := base64.StdEncoding.EncodeToString(stored)
	clock := time.Now
	if r.Now != nil {
		clock = r.Now
	}
	integrated := clock().Unix()
	set, _ := json.Marshal(map[string]any{"body": b64, "integratedTime": integrated, "logID": r.logID, "logIndex": index})
	digest := sha256.Sum256(set)
	sig, _ := ecdsa.SignASN1(rand.Reader, r.key, digest[:])
	if spoil {
		sig[len(sig)-1] ^= 0xff
	}
	leaf := sha256.Sum256(stored)
	uuid := hex.EncodeToString(leaf[:])
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{uuid: map[string]any{
		"body": b64, "integratedTime": integrated, "logID": r.logID, "logIndex": index,
		"verification": map[string]any{"signedEntryTimestamp": sig},
	}})
}
