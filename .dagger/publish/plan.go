package publish

import (
	"fmt"
)

// Action is what a publish has to do.
type Action string

const (
	// ActionPush: the tag is free (or may move): push the image.
	ActionPush Action = "push"
	// ActionSkip: the tag already holds this exact image.
	ActionSkip Action = "skip"
)

// Decision is the outcome of Plan.
type Decision struct {
	// Action is ActionPush or ActionSkip.
	Action Action
	// Tag is the tag concerned.
	Tag string
	// Digest is the digest the tag will hold (the local image's).
	Digest string
	// Message explains the decision in one line, for the log.
	Message string
}

// ConflictError reports an immutable tag that already holds a different image.
type ConflictError struct {
	// Tag is the tag in question.
	Tag string
	// Existing is the digest the tag holds in the registry.
	Existing string
	// Local is the digest of the image being published.
	Local string
	// Repository is registry/repository, when known (for the way out).
	Repository string
	// Revision is set when the image the tag holds carries the same revision
	// label as this build: the same commit, built earlier into other bytes.
	Revision string
}

// Error names both digests and says how to get out.
func (e *ConflictError) Error() string {
	if e.Revision != "" {
		return sameRevisionMessage(e)
	}
	return fmt.Sprintf("tag %s already holds %s but this build is %s, and tags are immutable: "+
		"release with a new tag (commit the change and release the new revision, or pass another tag)", e.Tag, e.Existing, e.Local)
}

// Plan decides what publishing an image with digest localDigest under tag
// means, given the digest the registry holds for that tag ("" when the tag is
// absent). An immutable tag holding another digest is a *ConflictError; a
// mutable one is moved.
func Plan(tag, existingDigest, localDigest string, immutable bool) (Decision, error) {
	if err := ValidateTag(tag); err != nil {
		return Decision{}, err
	}
	if err := ValidateDigest(localDigest); err != nil {
		return Decision{}, fmt.Errorf("local image: %w", err)
	}
	if existingDigest != "" {
		if err := ValidateDigest(existingDigest); err != nil {
			return Decision{}, fmt.Errorf("registry answer for tag %s: %w", tag, err)
		}
	}
	switch {
	case existingDigest == "":
		return Decision{Action: ActionPush, Tag: tag, Digest: localDigest, Message: fmt.Sprintf("pushing %s as tag %s", localDigest, tag)}, nil
	case existingDigest == localDigest:
		return Decision{Action: ActionSkip, Tag: tag, Digest: localDigest,
			Message: fmt.Sprintf("tag %s already holds %s — nothing to push", tag, localDigest)}, nil
	case immutable:
		return Decision{}, &ConflictError{Tag: tag, Existing: existingDigest, Local: localDigest}
	default:
		return Decision{Action: ActionPush, Tag: tag, Digest: localDigest,
			Message: fmt.Sprintf("moving tag %s from %s to %s", tag, existingDigest, localDigest)}, nil
	}
}

// AfterPushFailure decides what a failed push means once the registry has been
// asked again what the tag holds (remoteDigest, "" when absent). Another run
// may have pushed the same image meanwhile (an immutable registry then refuses
// the tag): that is a success. Another image under an immutable tag is a
// conflict. Anything else — including another image under a mutable tag,
// which the push would have moved — is the push error itself.
func AfterPushFailure(tag string, pushErr error, remoteDigest, localDigest string, immutable bool) (Decision, error) {
	switch {
	case remoteDigest != "" && remoteDigest == localDigest:
		return Decision{Action: ActionSkip, Tag: tag, Digest: localDigest,
			Message: fmt.Sprintf("tag %s already holds %s (pushed concurrently) — nothing to push", tag, localDigest)}, nil
	case remoteDigest != "" && immutable:
		return Decision{}, &ConflictError{Tag: tag, Existing: remoteDigest, Local: localDigest}
	case remoteDigest != "":
		return Decision{}, fmt.Errorf("pushing tag %s (it still holds %s): %w", tag, remoteDigest, pushErr)
	default:
		return Decision{}, fmt.Errorf("pushing tag %s: %w", tag, pushErr)
	}
}

// VerifyPublished checks that the digest a publish reported is the one the
// registry now serves for the tag: the deployment pins that digest, so a
// mismatch must stop the release rather than deploy an unknown image.
func VerifyPublished(published Reference, remoteDigest string) error {
	if published.Digest == "" {
		return fmt.Errorf("published reference %s carries no digest", published)
	}
	if remoteDigest == "" {
		return fmt.Errorf("registry does not list tag %s of %s after the push", published.Tag, published.Name())
	}
	if remoteDigest != published.Digest {
		return fmt.Errorf("registry holds %s for tag %s but the push reported %s: refusing to deploy an unverified image",
			remoteDigest, published.Tag, published.Digest)
	}
	return nil
}
