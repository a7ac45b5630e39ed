package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Context keys of provenance signing.
const (
	// KeySigningKey is off (default), create, or an existing KMS key ARN.
	KeySigningKey = "signingKey"
	// KeyReleaseRoleArn is the IAM role the GitHub release workflow assumes
	// (OIDC); with signingKey=create it may sign besides the pipeline's build.
	KeyReleaseRoleArn = "releaseRoleArn"
)

// SigningKeyMode says where the provenance signing key comes from.
type SigningKeyMode string

const (
	// SigningOff (default): provenance is attached unsigned.
	SigningOff SigningKeyMode = "off"
	// SigningCreate: the ECR stack creates the key, with a key policy that
	// lets only the pipeline's build role and the release role sign.
	SigningCreate SigningKeyMode = "create"
	// SigningExisting: a key made elsewhere (KeyArn); its policy is its
	// owner's, the stacks only grant the build role kms:Sign on it.
	SigningExisting SigningKeyMode = "existing"
)

// Signing is how release provenance is signed.
type Signing struct {
	// Mode is off, create or existing.
	Mode SigningKeyMode
	// KeyArn is the existing key's ARN (SigningExisting only).
	KeyArn string
	// ReleaseRoleArn (optional) is the GitHub release role allowed to sign.
	ReleaseRoleArn string
}

// BuildRoleName is the fixed name of the pipeline's build role, so the
// signing key's policy (in the ECR stack, deployed before the role exists)
// can name it without a cross-stack reference.
func (c Config) BuildRoleName() string { return c.AppName + "-release-build" }

var (
	kmsKeyArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
	roleArnRe   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`)
)

// signing reads signingKey and releaseRoleArn.
func (r reader) signing() Signing {
	raw := r.str(KeySigningKey, string(SigningOff))
	s := Signing{ReleaseRoleArn: r.str(KeyReleaseRoleArn, "")}
	switch {
	case strings.EqualFold(raw, string(SigningOff)) || strings.EqualFold(raw, "false"):
		s.Mode = SigningOff
	case strings.EqualFold(raw, string(SigningCreate)):
		s.Mode = SigningCreate
	case kmsKeyArnRe.MatchString(raw):
		s.Mode, s.KeyArn = SigningExisting, raw
	default:
		r.errs.add(KeySigningKey, raw, "off (default), create (a KMS key in the ECR stack), or an existing KMS key ARN "+
			"arn:aws:kms:<region>:<account>:key/<id> (an alias is not accepted: IAM grants need the key's ARN)")
		s.Mode = SigningOff
	}
	if s.ReleaseRoleArn != "" && !roleArnRe.MatchString(s.ReleaseRoleArn) {
		r.errs.add(KeyReleaseRoleArn, s.ReleaseRoleArn, "an IAM role ARN arn:aws:iam::<account>:role/<name>")
	}
	if s.ReleaseRoleArn != "" && s.Mode != SigningCreate {
		r.errs.add(KeyReleaseRoleArn, s.ReleaseRoleArn, fmt.Sprintf("unset unless %s=create (it only enters the key policy of the key the stack creates)", KeySigningKey))
	}
	return s
}

// validateSigning needs the whole configuration: a created key needs
// somebody allowed to sign.
func validateSigning(c Config, errs *Errors) {
	if c.Signing.Mode == SigningCreate && !c.HasPipeline() && c.Signing.ReleaseRoleArn == "" {
		errs.add(KeyReleaseRoleArn, "", fmt.Sprintf("required with %s=create when there is no pipeline: "+
			"the GitHub release role, the only one that could sign", KeySigningKey))
	}
}
