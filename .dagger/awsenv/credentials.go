package awsenv

import (
	"errors"
	"fmt"
	"strings"
)

// Credentials are static AWS credentials held in memory only. The Dagger
// functions read them from *dagger.Secret values and hand them over here; they
// must never reach a log line, an error message or a file, so every way of
// formatting a Credentials value redacts the key material.
type Credentials struct {
	// AccessKeyID is the access key id (AKIA…/ASIA…).
	AccessKeyID string
	// SecretAccessKey is the secret access key.
	SecretAccessKey string
	// SessionToken is the session token of temporary credentials; empty for
	// long-lived keys.
	SessionToken string
}

const redacted = "[redacted]"

// String describes the credentials without revealing any of their values.
func (c Credentials) String() string {
	return fmt.Sprintf("awsenv.Credentials{AccessKeyID:%s SecretAccessKey:%s SessionToken:%s}",
		mark(c.AccessKeyID), mark(c.SecretAccessKey), mark(c.SessionToken))
}

// GoString makes %#v as safe as %v.
func (c Credentials) GoString() string { return c.String() }

// Format makes every verb (%v, %+v, %#v, %s, %q, %x…) print the redacted form,
// so no formatting directive can expose a key by accident.
func (c Credentials) Format(f fmt.State, verb rune) {
	_, _ = f.Write([]byte(c.String()))
}

// mark tells whether a value is present without showing it.
func mark(v string) string {
	if v == "" {
		return "<empty>"
	}
	return redacted
}

// Normalize trims the surrounding white space a secret read from a file or an
// environment variable often carries (a trailing newline would otherwise break
// request signing) and checks that the pair is complete. Its errors name the
// missing input, never a value.
func (c Credentials) Normalize() (Credentials, error) {
	n := Credentials{
		AccessKeyID:     strings.TrimSpace(c.AccessKeyID),
		SecretAccessKey: strings.TrimSpace(c.SecretAccessKey),
		SessionToken:    strings.TrimSpace(c.SessionToken),
	}
	switch {
	case n.AccessKeyID == "" && n.SecretAccessKey == "":
		return Credentials{}, errors.New("AWS credentials are required: pass --aws-access-key-id and --aws-secret-access-key " +
			"(and --aws-session-token for temporary credentials), e.g. env:AWS_ACCESS_KEY_ID")
	case n.AccessKeyID == "":
		return Credentials{}, errors.New("aws access key id is empty while a secret access key was given: pass --aws-access-key-id")
	case n.SecretAccessKey == "":
		return Credentials{}, errors.New("aws secret access key is empty while an access key id was given: pass --aws-secret-access-key")
	}
	if strings.ContainsAny(n.AccessKeyID, " \t\r\n") {
		return Credentials{}, errors.New("aws access key id contains white space; an access key id is a single token such as AKIA… or ASIA…")
	}
	if strings.ContainsAny(n.SecretAccessKey, " \t\r\n") {
		return Credentials{}, errors.New("aws secret access key contains white space; it must be a single token")
	}
	if strings.ContainsAny(n.SessionToken, " \t\r\n") {
		return Credentials{}, errors.New("aws session token contains white space; it must be a single token")
	}
	return n, nil
}
