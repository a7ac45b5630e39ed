package buildplan

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// GoImage is the builder image reference as given, and whether it is pinned
// by digest. The builder's toolchain and CA bundle end up in the app image,
// so only a digest-pinned builder makes the image digest a function of the
// source alone; a tag may move to a new toolchain under the same name.
type GoImage struct {
	Ref    string
	Pinned bool
}

// ParseGoImage checks a builder image reference: a tag
// (golang:1.26-bookworm), a digest (golang@sha256:…) or both
// (golang:1.26-bookworm@sha256:…).
func ParseGoImage(ref string) (GoImage, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return GoImage{}, fmt.Errorf("go image is empty: want an image with the Go toolchain, e.g. public.ecr.aws/docker/library/golang:1.26-bookworm or golang@sha256:<64 hex digits>")
	}
	r, err := name.ParseReference(ref, name.WeakValidation)
	if err != nil {
		return GoImage{}, fmt.Errorf("go image %q is not an image reference (%v): want e.g. public.ecr.aws/docker/library/golang:1.26-bookworm or golang:1.26-bookworm@sha256:<64 hex digits>", ref, err)
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
