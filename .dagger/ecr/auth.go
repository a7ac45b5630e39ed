package ecr

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RegistryAuth is a short-lived registry login from GetAuthorizationToken. The
// Dagger function turns Password into a secret (dag.SetSecret) right away;
// formatting a RegistryAuth never shows the password.
type RegistryAuth struct {
	// Username is the registry user, "AWS" for ECR.
	Username string
	// Password is the registry password (the decoded token). Secret.
	Password string
	// Registry is the host the token is valid for, from proxyEndpoint.
	Registry string
	// ExpiresAt is when the token stops working (12 hours after issue on AWS).
	ExpiresAt time.Time
}

// String describes the login without the password.
func (a RegistryAuth) String() string {
	pw := "<empty>"
	if a.Password != "" {
		pw = "[redacted]"
	}
	return fmt.Sprintf("ecr.RegistryAuth{Username:%s Password:%s Registry:%s ExpiresAt:%s}",
		a.Username, pw, a.Registry, a.ExpiresAt.UTC().Format(time.RFC3339))
}

// GoString makes %#v as safe as %v.
func (a RegistryAuth) GoString() string { return a.String() }

// Format makes every formatting verb print the redacted form.
func (a RegistryAuth) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(a.String())) }

// DecodeAuthorizationToken splits an ECR authorization token (base64 of
// "user:password") into its parts. Errors describe the shape of the token,
// never its content.
func DecodeAuthorizationToken(token string) (user, password string, err error) {
	if token == "" {
		return "", "", errors.New("ecr authorization token is empty")
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		// The decoder's error quotes the offending byte; do not pass it on.
		return "", "", errors.New("ecr authorization token is not valid base64")
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || password == "" {
		return "", "", errors.New("ecr authorization token does not decode to user:password")
	}
	return user, password, nil
}
