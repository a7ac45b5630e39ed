package publish

import (
	"fmt"
	"regexp"
	"strings"
)

// Reference is a fully qualified image reference: registry/repository with a
// tag, a digest or both.
type Reference struct {
	// Registry is host[:port].
	Registry string
	// Repository is the path inside the registry.
	Repository string
	// Tag is the tag, if any.
	Tag string
	// Digest is the manifest digest, if any.
	Digest string
}

var (
	pathPattern = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$`)
	hostPattern = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$`)
)

// ParseReference parses registry/repository[:tag][@sha256:…]. The registry is
// required (a release never relies on a default registry), and so is a tag or
// a digest.
func ParseReference(s string) (Reference, error) {
	bad := func(why string) (Reference, error) {
		return Reference{}, fmt.Errorf("image reference %q is invalid: %s; expected registry/repository:tag, "+
			"e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/webapp:3f2c1ab", withoutUserInfo(s), withoutUserInfo(why))
	}
	var r Reference
	rest := s
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		r.Digest, rest = rest[i+1:], rest[:i]
		if ValidateDigest(r.Digest) != nil {
			return bad("the digest is not sha256: followed by 64 lowercase hex digits")
		}
	}
	slash := strings.Index(rest, "/")
	if slash < 0 {
		return bad("no registry host")
	}
	r.Registry, rest = rest[:slash], rest[slash+1:]
	if !hostPattern.MatchString(r.Registry) || !(strings.ContainsAny(r.Registry, ".:[") || r.Registry == "localhost") {
		return bad(fmt.Sprintf("%q is not a registry host", r.Registry))
	}
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		r.Tag, rest = rest[i+1:], rest[:i]
		if !tagPattern.MatchString(r.Tag) {
			return bad(fmt.Sprintf("tag %q is not a valid tag", r.Tag))
		}
	}
	r.Repository = rest
	if !pathPattern.MatchString(r.Repository) {
		return bad(fmt.Sprintf("repository %q is not lowercase path components", r.Repository))
	}
	if r.Tag == "" && r.Digest == "" {
		return bad("neither tag nor digest")
	}
	return r, nil
}

// withoutUserInfo hides user:password@ before a reference is quoted in an
// error: a mistyped address may carry a registry password.
func withoutUserInfo(s string) string {
	at := strings.Index(s, "@")
	for at >= 0 && strings.HasPrefix(s[at+1:], "sha256:") {
		// "@sha256:" separates a digest, not user information.
		next := strings.Index(s[at+1:], "@")
		if next < 0 {
			return s
		}
		at += 1 + next
	}
	if at < 0 {
		return s
	}
	start := 0
	if j := strings.Index(s, "://"); j >= 0 && j < at {
		start = j + 3
	}
	return s[:start] + "xxxxx" + s[at:]
}

// ParsePublished parses what a publish returns, repo:tag@sha256:…, and
// insists on both the tag and the digest.
func ParsePublished(s string) (Reference, error) {
	r, err := ParseReference(s)
	if err != nil {
		return Reference{}, err
	}
	if r.Tag == "" || r.Digest == "" {
		return Reference{}, fmt.Errorf("published reference %q must carry both a tag and a digest (registry/repository:tag@sha256:…)", s)
	}
	return r, nil
}

// Name is registry/repository.
func (r Reference) Name() string { return r.Registry + "/" + r.Repository }

// String renders the reference in canonical form.
func (r Reference) String() string {
	s := r.Name()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Tagged is registry/repository:tag, the address to push to.
func (r Reference) Tagged() string { return r.Name() + ":" + r.Tag }

// ByDigest is registry/repository@sha256:…, what imageDetail.json and the
// task definition pin.
func (r Reference) ByDigest() string { return r.Name() + "@" + r.Digest }
