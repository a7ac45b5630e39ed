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

// ArchitectureCheck answers whether an image for a Fargate CPU architecture
// (X86_64, ARM64) may run where it is going; release.Plan.CheckArchitecture
// fits.
type ArchitectureCheck func(fargateArch string) error

// CheckPlatforms accepts a platform list when one of its platforms passes
// check (Fargate picks the matching manifest from an index); otherwise it
// returns check's own error for the first platform, which says what to pass.
func CheckPlatforms(platforms []Platform, check ArchitectureCheck) error {
	var first error
	for _, p := range platforms {
		err := check(p.FargateCPUArchitecture())
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// PlatformFor picks the supported platform check accepts: the platform to
// build when the caller gave none.
func PlatformFor(check ArchitectureCheck) (Platform, error) {
	var first error
	for _, p := range Supported {
		err := check(p.FargateCPUArchitecture())
		if err == nil {
			return p, nil
		}
		if first == nil {
			first = err
		}
	}
	return Platform{}, first
}
