package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"

	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/sigstore"
)

// keylessArgs are publish's and release's keyless signing arguments.
type keylessArgs struct {
	req                           sigstore.Request
	githubURL, githubToken, token *dagger.Secret
	// fulcio and rekor are set by check.
	fulcio, rekor *url.URL
}

func newKeyless(githubOidcUrl, githubOidcToken, sigstoreToken *dagger.Secret, fulcioUrl, rekorUrl string) keylessArgs {
	return keylessArgs{
		req: sigstore.Request{Token: sigstoreToken != nil, GitHubURL: githubOidcUrl != nil, GitHubToken: githubOidcToken != nil,
			FulcioURL: fulcioUrl, RekorURL: rekorUrl},
		githubURL: githubOidcUrl, githubToken: githubOidcToken, token: sigstoreToken,
	}
}

// check validates the combination with --signing-key (see sigstore.Request).
func (k *keylessArgs) check(signingKey string) error {
	var err error
	k.fulcio, k.rekor, err = k.req.Check(signingKey)
	return err
}

// signer reads the token arguments and mints one token now, so a job
// without id-token: write stops here, before the build; the token the
// certificate is asked with is minted again after the build.
func (k keylessArgs) signer(ctx context.Context) (*sigstore.Signer, error) {
	client := &http.Client{Timeout: time.Minute}
	var src sigstore.TokenSource
	if k.token != nil {
		tok, err := k.token.Plaintext(ctx)
		if err != nil {
			return nil, err
		}
		src = sigstore.StaticToken(tok)
	} else {
		u, err := k.githubURL.Plaintext(ctx)
		if err != nil {
			return nil, err
		}
		t, err := k.githubToken.Plaintext(ctx)
		if err != nil {
			return nil, err
		}
		if src, err = sigstore.GitHubActionsToken(client, u, t); err != nil {
			return nil, err
		}
	}
	s, err := sigstore.New(sigstore.Options{Token: src, Fulcio: k.fulcio, Rekor: k.rekor, HTTP: client})
	if err != nil {
		return nil, err
	}
	id, err := s.Check(ctx)
	if err != nil {
		return nil, err
	}
	who, _ := id.Principal() // Check refused a token without one
	fmt.Fprintf(os.Stderr, "keyless signing as %s (issuer %s): a certificate from %s, the signature logged in %s\n",
		who, id.Issuer, k.fulcio.Redacted(), k.rekor.Redacted())
	return s, nil
}
