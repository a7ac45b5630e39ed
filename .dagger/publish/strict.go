package publish

import (
	"errors"
	"fmt"
)

// WithoutReferrers decides what an Attach error means for a publish that
// has already pushed image: a registry without the referrers API is an
// error when strict, otherwise a warning (returned, for the caller to print
// on stderr) so a pipeline's log shows it even though the call succeeds.
// Any other error is returned unchanged; nil stays nil.
func WithoutReferrers(err error, image Reference, strict bool) (warning string, _ error) {
	var none *NoReferrersAPIError
	if !errors.As(err, &none) {
		return "", err
	}
	if strict {
		return "", fmt.Errorf("%w (--strict-referrers: %s was pushed, but the call fails because its SBOM and provenance could not be attached)", err, image.Tagged())
	}
	return fmt.Sprintf("WARNING: %v\nWARNING: %s was pushed WITHOUT its SBOM and provenance; pass --strict-referrers to make this an error", err, image.Tagged()), nil
}
