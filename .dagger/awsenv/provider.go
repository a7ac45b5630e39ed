package awsenv

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// staticProvider serves the in-memory credentials to the SDK. It exists so
// that formatting an aws.Config (any verb, including the %s that makes fmt
// dump a pointer's fields) prints a redacted placeholder instead of walking
// into the SDK's provider structs, which hold the keys in plain fields.
type staticProvider struct {
	p credentials.StaticCredentialsProvider
}

// Retrieve hands the credentials to the SDK's signer.
func (s staticProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	return s.p.Retrieve(ctx)
}

// String names the provider without its values.
func (s staticProvider) String() string { return "awsenv.staticProvider{[redacted]}" }

// GoString makes %#v as safe as %v.
func (s staticProvider) GoString() string { return s.String() }

// Format makes every verb print the redacted form.
func (s staticProvider) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(s.String())) }
