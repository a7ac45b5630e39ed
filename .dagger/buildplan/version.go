package buildplan

import (
	"fmt"
	"regexp"
	"strings"
)

// versionPattern keeps the stamp safe to pass inside -ldflags (no spaces or
// quotes that would split the flag) and usable as an image tag.
var versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$`)

// Version picks the version stamped into the binary: the git revision when
// given, otherwise one derived from the source directory's content digest,
// so two different sources never share a version even without git.
func Version(revision, sourceDigest string) (string, error) {
	revision = strings.TrimSpace(revision)
	if revision != "" {
		if !versionPattern.MatchString(revision) {
			return "", fmt.Errorf("version %q is not accepted: use 1-128 letters, digits, '.', '_', '+' or '-', starting with a letter or digit (a git revision such as 3f2c9e1)", revision)
		}
		return revision, nil
	}
	hex := strings.TrimPrefix(sourceDigest, "sha256:")
	if len(hex) < 12 {
		return "", fmt.Errorf("source digest %q is too short to derive a version from", sourceDigest)
	}
	return "src-" + hex[:12], nil
}

// GoBuildArgs is the go build command for the app binary: static,
// reproducible paths, stripped, with the version stamped into main.version.
func GoBuildArgs(version, pkg, output string) []string {
	return []string{
		"go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X main.version=" + version,
		"-o", output, pkg,
	}
}

// BuilderEnv is the builder's environment besides the platform's (GoEnv):
// the module files are never rewritten, and a go.work in the source (a
// developer's workspace, often naming directories the builder cannot see)
// is ignored, so go.mod and go.sum say exactly what is built.
var BuilderEnv = []EnvVar{{"GOFLAGS", "-mod=readonly"}, {"GOWORK", "off"}}
