package sigstore

import (
	"strings"
	"testing"
)

func TestRequestCheck(t *testing.T) {
	good := []Request{
		{},
		{Token: true},
		{GitHubURL: true, GitHubToken: true},
		{GitHubURL: true, GitHubToken: true, FulcioURL: "https://fulcio.internal.example", RekorURL: "https://rekor.internal.example"},
	}
	for _, r := range good {
		f, k, err := r.Check("")
		if err != nil {
			t.Errorf("%+v: %v", r, err)
			continue
		}
		if r.Wanted() != (f != nil && k != nil) {
			t.Errorf("%+v: addresses %v %v", r, f, k)
		}
	}
	if f, _, _ := (Request{Token: true}).Check(""); f.String() != DefaultFulcioURL {
		t.Errorf("default Fulcio %s", f)
	}
	bad := []struct {
		r          Request
		key, wants string
	}{
		{Request{Token: true}, "alias/app-provenance", "choose one"},
		{Request{GitHubURL: true, GitHubToken: true}, "alias/app-provenance", "choose one"},
		{Request{Token: true, GitHubURL: true, GitHubToken: true}, "", "one token source"},
		{Request{GitHubURL: true}, "", "--github-oidc-token env:ACTIONS_ID_TOKEN_REQUEST_TOKEN"},
		{Request{GitHubToken: true}, "", "--github-oidc-url env:ACTIONS_ID_TOKEN_REQUEST_URL"},
		{Request{FulcioURL: "https://fulcio.example"}, "", "are for keyless signing"},
		{Request{RekorURL: "https://rekor.example"}, "alias/x", "are for keyless signing"},
		{Request{Token: true, FulcioURL: "http://fulcio.example"}, "", "--fulcio-url"},
		{Request{Token: true, RekorURL: "rekor"}, "", "--rekor-url"},
	}
	for _, c := range bad {
		if _, _, err := c.r.Check(c.key); err == nil || !strings.Contains(err.Error(), c.wants) {
			t.Errorf("%+v with key %q: %v, want %q", c.r, c.key, err, c.wants)
		}
	}
}
