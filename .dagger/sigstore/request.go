package sigstore

import (
	"errors"
	"net/url"
)

// Request is how a call asks for keyless signing, as given on the command
// line: which token arguments are present (their values are secrets and
// are read later) and the instance's addresses.
type Request struct {
	// Token is set when --sigstore-token was given: an identity token
	// minted by the caller.
	Token bool
	// GitHubURL and GitHubToken are set when --github-oidc-url and
	// --github-oidc-token were given: the job's token service, from which
	// a token is minted when the signature is made.
	GitHubURL, GitHubToken bool
	// FulcioURL and RekorURL are --fulcio-url and --rekor-url ("" = the
	// public instance).
	FulcioURL, RekorURL string
}

// Wanted reports whether keyless signing was asked for.
func (r Request) Wanted() bool { return r.Token || r.GitHubURL || r.GitHubToken }

// Check refuses combinations that cannot work, before anything is read,
// built or pushed, and returns the instance's addresses: one token source
// (both GitHub arguments, or a token), not beside a KMS --signing-key (one
// envelope carries one signature, the one cosign checks), and the
// instance's addresses only with keyless signing.
func (r Request) Check(signingKey string) (fulcio, rekor *url.URL, err error) {
	if !r.Wanted() {
		if r.FulcioURL != "" || r.RekorURL != "" {
			return nil, nil, errors.New("--fulcio-url and --rekor-url are for keyless signing: give --github-oidc-url and --github-oidc-token " +
				"(GitHub Actions) or --sigstore-token too, or drop them")
		}
		return nil, nil, nil
	}
	switch {
	case signingKey != "":
		return nil, nil, errors.New("--signing-key and keyless signing (--github-oidc-url/--github-oidc-token or --sigstore-token) " +
			"were both given: choose one, the provenance carries one signature")
	case r.Token && (r.GitHubURL || r.GitHubToken):
		return nil, nil, errors.New("--sigstore-token and --github-oidc-url/--github-oidc-token were both given: give one token source " +
			"(on GitHub Actions the pair, which mints a token when the signature is made)")
	case r.GitHubURL != r.GitHubToken:
		return nil, nil, errors.New("keyless signing on GitHub Actions needs both --github-oidc-url env:ACTIONS_ID_TOKEN_REQUEST_URL " +
			"and --github-oidc-token env:ACTIONS_ID_TOKEN_REQUEST_TOKEN (the job needs permissions: id-token: write)")
	}
	if fulcio, err = ParseURL("--fulcio-url", r.FulcioURL, DefaultFulcioURL); err != nil {
		return nil, nil, err
	}
	if rekor, err = ParseURL("--rekor-url", r.RekorURL, DefaultRekorURL); err != nil {
		return nil, nil, err
	}
	return fulcio, rekor, nil
}
