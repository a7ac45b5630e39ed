package cdkcmd

import (
	"fmt"
	"strings"
)

// Names of the credential variables. Callers set them as secret variables
// (Dagger WithSecretVariable) or in the test process's environment; Build
// never returns them.
const (
	// EnvAccessKeyID holds the AWS access key id.
	EnvAccessKeyID = "AWS_ACCESS_KEY_ID"
	// EnvSecretAccessKey holds the AWS secret access key.
	EnvSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	// EnvSessionToken holds the session token of temporary credentials.
	EnvSessionToken = "AWS_SESSION_TOKEN"
)

// RequireCredentials returns a clear error when an AWS-touching function is
// called without the access key id or the secret access key. It takes only
// whether each is present, so no secret value can reach the message.
func RequireCredentials(function string, haveAccessKeyID, haveSecretAccessKey bool) error {
	var missing []string
	if !haveAccessKeyID {
		missing = append(missing, "--aws-access-key-id (e.g. env:AWS_ACCESS_KEY_ID)")
	}
	if !haveSecretAccessKey {
		missing = append(missing, "--aws-secret-access-key (e.g. env:AWS_SECRET_ACCESS_KEY)")
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s needs AWS credentials; missing %s (add --aws-session-token for temporary credentials)",
		function, strings.Join(missing, " and "))
}
