package buildplan

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// The default builder image is named here and nowhere else: every function
// that takes --go-image falls back to DefaultGoImage when it is not given,
// and TestDefaultGoImageIsNamedOnce fails when another file repeats it.
//
// DefaultGoImageTag is for humans: the tag the digest was read from. It
// names the Go patch release (1.26.8, not 1.26) because the digest is one
// exact toolchain: the tag then says which, CheckBuilderGo can hold the
// project's go lines against it, and `scripts/builder-image --update`
// without a tag only follows Debian rebuilds of that same Go release.
// DefaultGoImageDigest pins it: the image index digest that tag pointed at
// (the index, so every platform's builder is pinned), so the same commit
// builds the same bytes on any runner until the pin is moved on purpose.
// Move both together with `scripts/builder-image --update <tag>`, which
// checks the image's GOLANG_VERSION against the tag before writing;
// `scripts/builder-image --check` verifies the pin against the registry
// (README, "Checking and moving the builder image"). Without a digest the default is
// the tag alone, which moves whenever a Go patch release or a Debian
// update ships.
const (
	DefaultGoImageTag    = "public.ecr.aws/docker/library/golang:1.26.8-bookworm"
	DefaultGoImageDigest = "sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d"
)

// DefaultGoImage is the builder image used when none is given:
// tag@digest when the digest is pinned, else the tag.
func DefaultGoImage() string {
	if DefaultGoImageDigest == "" {
		return DefaultGoImageTag
	}
	return DefaultGoImageTag + "@" + DefaultGoImageDigest
}

// digestPattern is the only digest form the pin takes.
var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// CheckDefaultGoImage reports when the tag and the digest disagree in form:
// the tag must be a tagged reference without a digest, the digest (when
// set) sha256 and 64 lower-case hex digits, and the two must combine into
// one reference of the tag's repository.
func CheckDefaultGoImage(tag, digest string) error {
	t, err := name.NewTag(tag, name.StrictValidation)
	if err != nil || strings.Contains(tag, "@") || !strings.Contains(tag[strings.LastIndex(tag, "/")+1:], ":") {
		return fmt.Errorf("default builder tag %q is not a registry/repository:tag reference without a digest", tag)
	}
	if digest == "" {
		return nil
	}
	if !digestPattern.MatchString(digest) {
		return fmt.Errorf("default builder digest %q is not sha256:<64 lower-case hex digits>", digest)
	}
	d, err := name.NewDigest(tag+"@"+digest, name.StrictValidation)
	if err != nil {
		return fmt.Errorf("default builder %s@%s is not a reference: %v", tag, digest, err)
	}
	if d.Context().String() != t.Context().String() {
		return fmt.Errorf("default builder digest names repository %s, the tag %s", d.Context(), t.Context())
	}
	return nil
}

// GoImage is the builder image reference as given, and whether it is pinned
// by digest. The builder's toolchain and CA bundle end up in the app image,
// so only a digest-pinned builder makes the image digest a function of the
// source alone; a tag may move to a new toolchain under the same name.
type GoImage struct {
	Ref    string
	Pinned bool
}

// GoImageOr returns ref, or DefaultGoImage when ref is empty.
func GoImageOr(ref string) string {
	if strings.TrimSpace(ref) == "" {
		return DefaultGoImage()
	}
	return strings.TrimSpace(ref)
}

// ParseGoImage checks a builder image reference: a tag
// (golang:1.26-bookworm), a digest (golang@sha256:…) or both
// (golang:1.26-bookworm@sha256:…). Empty means DefaultGoImage.
func ParseGoImage(ref string) (GoImage, error) {
	ref = GoImageOr(ref)
	r, err := name.ParseReference(ref, name.WeakValidation)
	if err != nil {
		return GoImage{}, fmt.Errorf("go image %q is not an image reference (%v): want e.g. golang:1.26-bookworm or golang:1.26-bookworm@sha256:<64 hex digits>", ref, err)
	}
	_, pinned := r.(name.Digest)
	return GoImage{Ref: ref, Pinned: pinned}, nil
}

// DigestOf returns the sha256:… part of a digest-pinned reference, "" when
// there is none.
func DigestOf(ref string) string {
	if _, d, ok := strings.Cut(ref, "@"); ok && strings.HasPrefix(d, "sha256:") {
		return d
	}
	return ""
}
