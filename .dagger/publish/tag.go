// Package publish decides and performs an idempotent image push: which tag to
// use, whether the registry already holds this exact image (skip), whether the
// tag already points elsewhere (refuse), and what digest the push produced.
//
// The digest is what a release deploys (imageDetail.json names the image by
// digest), so it is computed from the exact bytes that are pushed, before the
// push, and checked against the registry afterwards.
package publish

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	tagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$`)
	digestPattern = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

// ValidateTag checks an image tag against the OCI rule and refuses "latest",
// which would make a release depend on whatever the tag pointed at when a task
// happened to start.
func ValidateTag(tag string) error {
	if strings.EqualFold(tag, "latest") {
		return fmt.Errorf("image tag %q is refused: releases use an immutable tag such as the git revision (e.g. 3f2c1ab)", tag)
	}
	if !tagPattern.MatchString(tag) {
		return fmt.Errorf("image tag %q is invalid: expected 1-128 characters of letters, digits, '_', '.' and '-', "+
			"not starting with '.' or '-', e.g. 3f2c1ab or v1.4.0", tag)
	}
	return nil
}

// ResolveTag picks the release tag: the explicit tag when given, otherwise the
// git revision (CodeBuild's CODEBUILD_RESOLVED_SOURCE_VERSION, GitHub's
// GITHUB_SHA). Either way the result is validated.
func ResolveTag(tag, revision string) (string, error) {
	tag, revision = strings.TrimSpace(tag), strings.TrimSpace(revision)
	if tag == "" {
		if revision == "" {
			return "", fmt.Errorf("no image tag: pass a tag, or the git revision to tag the image with (e.g. $GITHUB_SHA or $CODEBUILD_RESOLVED_SOURCE_VERSION)")
		}
		if err := ValidateTag(revision); err != nil {
			return "", fmt.Errorf("git revision as tag: %w", err)
		}
		return revision, nil
	}
	if err := ValidateTag(tag); err != nil {
		return "", err
	}
	return tag, nil
}

// ValidateDigest checks a sha256 content digest (sha256: and 64 lowercase hex).
func ValidateDigest(digest string) error {
	if !digestPattern.MatchString(digest) {
		return fmt.Errorf("image digest %q is invalid: expected sha256: followed by 64 lowercase hex digits", digest)
	}
	return nil
}
