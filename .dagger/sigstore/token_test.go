package sigstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/sigstorefake"
)

const workflow = "acme/shop/.github/workflows/release.yml@refs/heads/main"

func jwt(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(b) + "." + enc([]byte("sig"))
}

func TestParseToken(t *testing.T) {
	now := time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)
	good := sigstorefake.Token(workflow, "sigstore", now.Add(4*time.Minute))
	id, err := ParseToken(good, now)
	if err != nil || id.Issuer != sigstorefake.GitHubIssuer || !strings.HasPrefix(id.Subject, "repo:acme/shop:") || !id.Expiry.Equal(now.Add(4*time.Minute)) {
		t.Fatalf("%+v %v", id, err)
	}
	// aud may be an array.
	if _, err := ParseToken(jwt(map[string]any{"iss": "https://gitlab.example", "sub": "project_path:a/b", "aud": []string{"x", "sigstore"}, "exp": now.Add(time.Minute).Unix()}), now); err != nil {
		t.Fatalf("array audience: %v", err)
	}
	bad := map[string]struct {
		token, want string
	}{
		"not a JWT":      {"abc.def", "not a JWT"},
		"not base64":     {"a.!!!.c", "not base64url"},
		"not JSON":       {"a." + base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".c", "not JSON"},
		"other audience": {sigstorefake.Token(workflow, "sts.amazonaws.com", now.Add(time.Minute)), `audience "sts.amazonaws.com"`},
		"expired":        {sigstorefake.Token(workflow, "sigstore", now.Add(-time.Second)), "expired at 2026-12-05T05:59:59Z"},
		"expires now":    {sigstorefake.Token(workflow, "sigstore", now), "expired"},
		"no subject":     {jwt(map[string]any{"iss": "x", "aud": "sigstore", "exp": now.Add(time.Minute).Unix()}), "no issuer or subject"},
		"no expiry":      {jwt(map[string]any{"iss": "x", "sub": "y", "aud": "sigstore"}), "no expiry"},
	}
	for name, c := range bad {
		_, err := ParseToken(c.token, now)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
			continue
		}
		if len(c.token) > 20 && strings.Contains(err.Error(), c.token) {
			t.Errorf("%s: the error repeats the token", name)
		}
	}
}

// TestGitHubActionsToken mints from a stand-in of the runner's token
// service: the audience is sigstore, the request token is the bearer, and
// neither the request token nor the URL's query reaches an error.
func TestGitHubActionsToken(t *testing.T) {
	defer quickRetries()()
	const requestToken = "ghs-request-token-secret"
	minted := sigstorefake.Token(workflow, "sigstore", time.Now().Add(5*time.Minute))
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "bearer "+requestToken || r.URL.Query().Get("audience") != "sigstore" || r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"value": minted})
	}))
	defer srv.Close()
	src, err := GitHubActionsToken(srv.Client(), srv.URL+"/idtoken?api-version=2.0", requestToken)
	if err != nil {
		t.Fatal(err)
	}
	got, err := src(context.Background())
	if err != nil || got != minted {
		t.Fatalf("minted %q, %v", got, err)
	}
	status = http.StatusForbidden
	_, err = src(context.Background())
	if err == nil || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "id-token: write") {
		t.Fatalf("a refused request: %v", err)
	}
	srv.Close()
	_, err = src(context.Background())
	if err == nil || strings.Contains(err.Error(), requestToken) || strings.Contains(err.Error(), "idtoken") {
		t.Fatalf("an unreachable service: %v (must not name the endpoint or the token)", err)
	}
	for _, c := range [][2]string{{"", requestToken}, {"ftp://x/y", requestToken}, {srv.URL, " "}} {
		if _, err := GitHubActionsToken(http.DefaultClient, c[0], c[1]); err == nil || strings.Contains(err.Error(), requestToken) {
			t.Errorf("GitHubActionsToken(%q, …): %v", c[0], err)
		}
	}
}

func TestParseURL(t *testing.T) {
	for _, ok := range []string{"", "https://fulcio.example", "http://127.0.0.1:8080", "http://localhost:3000/base"} {
		if _, err := ParseURL("--fulcio-url", ok, DefaultFulcioURL); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://fulcio.example", "fulcio.example", "https://user:s3cret@fulcio.example", "https://fulcio.example?x=1", "https://"} {
		_, err := ParseURL("--fulcio-url", bad, DefaultFulcioURL)
		if err == nil || !strings.Contains(err.Error(), "--fulcio-url") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
	u, _ := ParseURL("--rekor-url", "", DefaultRekorURL)
	if u.String() != DefaultRekorURL {
		t.Fatalf("default %s", u)
	}
}

// TestGitHubActionsTokenRetriesWhatMayPass: a failing or unreachable token
// service is asked again (three times in all), a refusal is not; the
// client speaks HTTP/1.1, which the service has been seen to require.
func TestGitHubActionsTokenRetriesWhatMayPass(t *testing.T) {
	defer quickRetries()()
	minted := sigstorefake.Token(workflow, "sigstore", time.Now().Add(5*time.Minute))
	var calls int
	answers := []int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusOK
		if calls < len(answers) {
			status = answers[calls]
		}
		calls++
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"value": minted})
	}))
	defer srv.Close()
	src, err := GitHubActionsToken(srv.Client(), srv.URL+"/idtoken?api-version=2.0", "request-token")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		answers []int
		calls   int
		ok      bool
	}{
		{[]int{http.StatusServiceUnavailable}, 2, true},
		{[]int{http.StatusBadGateway, http.StatusInternalServerError, http.StatusServiceUnavailable}, 3, false},
		{[]int{http.StatusForbidden}, 1, false},
	} {
		calls, answers = 0, c.answers
		got, err := src(context.Background())
		if (err == nil) != c.ok || calls != c.calls || (c.ok && got != minted) {
			t.Errorf("answers %v: %d calls, err %v; want %d calls, ok=%v", c.answers, calls, err, c.calls, c.ok)
		}
	}
	tr, ok := http1(&http.Client{}).Transport.(*http.Transport)
	if !ok || tr.ForceAttemptHTTP2 || tr.TLSNextProto == nil || len(tr.TLSNextProto) != 0 {
		t.Fatalf("the token client may negotiate HTTP/2: %+v", tr)
	}
}

// quickRetries shortens the pause between attempts until the returned
// function restores it.
func quickRetries() func() {
	saved := retryWait
	retryWait = 10 * time.Millisecond
	return func() { retryWait = saved }
}
