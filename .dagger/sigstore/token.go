package sigstore

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Audience is the audience Fulcio accepts identity tokens for.
const Audience = "sigstore"

// Identity is what an OIDC identity token claims, read without verifying
// it: Fulcio verifies the token; these claims only let a bad token be
// refused with a clear message before any call, and name the subject the
// proof of possession signs.
type Identity struct {
	Issuer, Subject string
	Audience        []string
	Expiry          time.Time
	// Email and EmailVerified are the e-mail claims of a person's token
	// (CI tokens have none).
	Email         string
	EmailVerified bool
}

// Principal is what the proof of possession signs, as Fulcio checks it:
// the e-mail address of a token that has one (it must be verified), else
// the subject (a CI run's, e.g. repo:acme/shop:ref:refs/heads/main).
func (id Identity) Principal() (string, error) {
	if id.Email == "" {
		return id.Subject, nil
	}
	if !id.EmailVerified {
		return "", fmt.Errorf("the OIDC identity token of %s names an e-mail address its issuer has not verified: Fulcio refuses it", id.Issuer)
	}
	return id.Email, nil
}

// ParseToken reads the claims of a JWT identity token and refuses one that
// is not a token, is not for Fulcio or has expired at now. Its error never
// contains the token.
func ParseToken(raw string, now time.Time) (Identity, error) {
	parts := strings.Split(strings.TrimSpace(raw), ".")
	if len(parts) != 3 {
		return Identity{}, errors.New("the OIDC identity token is not a JWT (three dot-separated parts)")
	}
	body, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Identity{}, errors.New("the OIDC identity token's claims are not base64url")
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp int64           `json:"exp"`
		// email_verified is a boolean, or the string "true" from some issuers.
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
	}
	if err := json.Unmarshal(body, &claims); err != nil {
		return Identity{}, errors.New("the OIDC identity token's claims are not JSON")
	}
	id := Identity{Issuer: claims.Iss, Subject: claims.Sub, Expiry: time.Unix(claims.Exp, 0).UTC(), Email: claims.Email,
		EmailVerified: strings.EqualFold(strings.Trim(string(claims.EmailVerified), `"`), "true")}
	// aud is a string or an array of strings (RFC 7519, 4.1.3).
	var one string
	if json.Unmarshal(claims.Aud, &one) == nil {
		id.Audience = []string{one}
	} else {
		_ = json.Unmarshal(claims.Aud, &id.Audience)
	}
	switch {
	case id.Issuer == "" || id.Subject == "":
		return id, errors.New("the OIDC identity token has no issuer or subject claim")
	case !contains(id.Audience, Audience):
		return id, fmt.Errorf("the OIDC identity token is for audience %q: Fulcio accepts only %q (on GitHub Actions, request it with audience=%s)",
			strings.Join(id.Audience, ","), Audience, Audience)
	case claims.Exp == 0:
		return id, errors.New("the OIDC identity token has no expiry claim")
	case !now.Before(id.Expiry):
		return id, fmt.Errorf("the OIDC identity token of %s expired at %s: mint it right before signing (GitHub's last five minutes)",
			id.Issuer, id.Expiry.Format(time.RFC3339))
	}
	return id, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TokenSource mints an identity token when one is needed: GitHub's expire
// five minutes after they are made, so a token for the signature is asked
// for after the build, not before.
type TokenSource func(ctx context.Context) (string, error)

// StaticToken is a token minted by the caller (another CI's id_tokens),
// without the white space a file or an environment variable may add.
func StaticToken(token string) TokenSource {
	token = strings.TrimSpace(token)
	return func(context.Context) (string, error) { return token, nil }
}

// GitHubActionsToken mints tokens from the runner's token service:
// requestURL and requestToken are the job's ACTIONS_ID_TOKEN_REQUEST_URL
// and ACTIONS_ID_TOKEN_REQUEST_TOKEN, present when the workflow grants
// id-token: write. Neither appears in an error.
func GitHubActionsToken(client *http.Client, requestURL, requestToken string) (TokenSource, error) {
	u, err := url.Parse(strings.TrimSpace(requestURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("the GitHub OIDC request URL is not an http(s) URL: pass the job's ACTIONS_ID_TOKEN_REQUEST_URL " +
			"(set only when the workflow grants permissions: id-token: write)")
	}
	if strings.TrimSpace(requestToken) == "" {
		return nil, errors.New("the GitHub OIDC request token is empty: pass the job's ACTIONS_ID_TOKEN_REQUEST_TOKEN " +
			"(set only when the workflow grants permissions: id-token: write)")
	}
	q := u.Query()
	q.Set("audience", Audience)
	u.RawQuery = q.Encode()
	endpoint := u.String()
	client = http1(client)
	return func(ctx context.Context) (string, error) {
		var last error
		for attempt := 0; attempt < 3; attempt++ {
			if attempt > 0 {
				select {
				case <-ctx.Done():
					return "", ctx.Err()
				case <-time.After(time.Duration(attempt) * retryWait):
				}
			}
			tok, retry, err := mint(ctx, client, endpoint, requestToken)
			if err == nil || !retry {
				return tok, err
			}
			last = err
		}
		return "", last
	}, nil
}

// retryWait is the pause before the second attempt, doubled before the
// third.
var retryWait = time.Second

// mint asks the token service once; retry says the failure may pass (the
// service unreachable or failing, not refusing).
func mint(ctx context.Context, client *http.Client, endpoint, requestToken string) (token string, retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return "", false, errors.New("building the GitHub OIDC token request failed")
	}
	req.Header.Set("Authorization", "bearer "+requestToken)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", true, fmt.Errorf("asking GitHub's token service for an OIDC token: %w", redactURL(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", resp.StatusCode >= 500, fmt.Errorf("GitHub's token service answered %s to the OIDC token request (does the workflow grant id-token: write?)", resp.Status)
	}
	var out struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(body, &out) != nil || out.Value == "" {
		return "", false, errors.New("GitHub's token service answered without a token value")
	}
	return out.Value, false, nil
}

// http1 is client speaking HTTP/1.1 only: GitHub's token service has been
// seen to refuse HTTP/2 (HTTP_1_1_REQUIRED), which cosign works around the
// same way. A client with its own transport is left as it is.
func http1(client *http.Client) *http.Client {
	if client.Transport != nil {
		return client
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	c := *client
	c.Transport = t
	return &c
}

// redactURL drops the request URL from a transport error: it is the job's
// own token endpoint, not for logs.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
