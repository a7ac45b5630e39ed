package bundle

import (
	"fmt"
	"regexp"
	"strings"
)

// Image is a parsed, digest-pinned image reference.
type Image struct {
	// URI is the reference as given, e.g.
	// 123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:….
	URI string
	// Registry is the host (and optional port), e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com.
	Registry string
	// Repository is the path inside the registry, e.g. webapp or team/webapp.
	Repository string
	// Tag is the optional tag kept next to the digest (repo:tag@sha256:…), or "".
	Tag string
	// Digest is "sha256:" followed by 64 lowercase hex digits.
	Digest string
}

var (
	hostComponentRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$`)
	portRE          = regexp.MustCompile(`^[0-9]{1,5}$`)
	repoComponentRE = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$`)
	tagRE           = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestRE        = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	// ecrHostRE is a private ECR registry; a host that claims to be ECR must
	// match it exactly, so a typo in the account or region is caught here.
	ecrHostRE = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr(-fips)?\.[a-z]{2}(-[a-z]+)+-[0-9]\.amazonaws\.com(\.cn)?$`)
)

// imageAccepted describes an acceptable image reference for error messages.
const imageAccepted = "want <registry>/<repository>[:<tag>]@sha256:<64 lowercase hex>, " +
	"e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:…"

// ParseImage parses a digest-pinned image reference with an explicit registry
// host. Tags alone are refused: a tag can move, a digest cannot, and the
// release must deploy exactly the image that was built and pushed.
func ParseImage(uri string) (Image, error) {
	img := Image{URI: uri}
	fail := func(why string) (Image, error) {
		return Image{}, fmt.Errorf("image %q %s; %s", uri, why, imageAccepted)
	}
	if uri == "" {
		return fail("is empty")
	}
	if strings.TrimSpace(uri) != uri {
		return fail("has surrounding white space")
	}
	name, digest, found := strings.Cut(uri, "@")
	if !found {
		return fail("is not pinned to a digest")
	}
	if !digestRE.MatchString(digest) {
		return fail(fmt.Sprintf("has digest %q, which is not sha256 with 64 lowercase hex digits", digest))
	}
	img.Digest = digest
	host, path, found := strings.Cut(name, "/")
	if !found || !looksLikeHost(host) {
		return fail("has no registry host")
	}
	if err := checkHost(host); err != "" {
		return fail(err)
	}
	img.Registry = host
	// A tag, if any, follows the last colon of the last path component.
	if i := strings.LastIndex(path, ":"); i >= 0 && !strings.Contains(path[i:], "/") {
		img.Tag = path[i+1:]
		path = path[:i]
		if !tagRE.MatchString(img.Tag) {
			return fail(fmt.Sprintf("has tag %q, which is not 1-128 of [A-Za-z0-9_.-] starting with a letter, digit or _", img.Tag))
		}
	}
	if path == "" {
		return fail("has no repository")
	}
	for _, c := range strings.Split(path, "/") {
		if !repoComponentRE.MatchString(c) {
			return fail(fmt.Sprintf("has repository %q, whose component %q is not lowercase letters and digits separated by . _ __ or -", path, c))
		}
	}
	if len(path) > 256 {
		return fail("has a repository name longer than 256 characters")
	}
	img.Repository = path
	return img, nil
}

// looksLikeHost applies the distribution rule: the first path component is a
// registry host when it has a dot or a port, or is localhost.
func looksLikeHost(s string) bool {
	return strings.ContainsAny(s, ".:") || s == "localhost"
}

// checkHost returns why host is not a valid registry host, or "".
func checkHost(host string) string {
	name, port, hasPort := strings.Cut(host, ":")
	if hasPort && !portRE.MatchString(port) {
		return fmt.Sprintf("has registry %q with an invalid port %q", host, port)
	}
	for _, c := range strings.Split(name, ".") {
		if !hostComponentRE.MatchString(c) {
			return fmt.Sprintf("has registry host %q, which is not a DNS name", host)
		}
	}
	if strings.Contains(name, ".dkr.ecr") && !ecrHostRE.MatchString(name) {
		return fmt.Sprintf("has ECR registry host %q, which is not <12-digit account>.dkr.ecr.<region>.amazonaws.com", name)
	}
	return ""
}
