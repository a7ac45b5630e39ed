package buildplan

import (
	"errors"
	"fmt"
	"go/version"
	"maps"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// BuilderGoModules are the go.mod files, relative to the repository root,
// whose packages the builder image's toolchain compiles: the app (build,
// tarball, publish), this module (the deployment check function under
// .dagger/cmd, see hookAsset and lambdabuild) and the CDK app (the toolbox
// copies the builder's /usr/local/go). The golang image sets
// GOTOOLCHAIN=local, so a go line newer than its Go fails the build; the
// CDK toolbox, which copies only /usr/local/go, would fetch another
// toolchain and so not build with the pinned one.
var BuilderGoModules = []string{"go.mod", ".dagger/go.mod", "infra/go.mod"}

// golangTag is a golang image tag that names a Go version: 1.26.8-bookworm,
// 1.26.8, 1.26-bookworm. Group 1 is the version, group 2 the patch part.
var golangTag = regexp.MustCompile(`^([0-9]+\.[0-9]+(\.[0-9]+)?)(-[a-z0-9][a-z0-9.-]*)?$`)

// TagGoVersion returns the Go version a golang image's tag names ("1.26.8"
// for …/golang:1.26.8-bookworm, "1.26" for …/golang:1.26-bookworm) and
// whether it is a full release (major.minor.patch). Only the golang image's
// tag scheme is known, so the repository's last path element must be golang.
func TagGoVersion(tag string) (v string, full bool, err error) {
	last := tag[strings.LastIndex(tag, "/")+1:]
	repo, t, ok := strings.Cut(last, ":")
	if !ok || repo != "golang" || strings.Contains(t, "@") {
		return "", false, fmt.Errorf("builder tag %q is not a golang image tag: want …/golang:<Go version>-<variant>, e.g. golang:1.26.8-bookworm", tag)
	}
	m := golangTag.FindStringSubmatch(t)
	if m == nil {
		return "", false, fmt.Errorf("builder tag %q names no Go version: want golang:<major>.<minor>.<patch>-<variant>, e.g. golang:1.26.8-bookworm", tag)
	}
	return m[1], m[2] != "", nil
}

// CheckBuilderGo reports when the builder tag and the project disagree. The
// tag must name the builder's Go version, down to the patch release when a
// digest is pinned (the digest is one exact toolchain, and the tag beside it
// is how a human reads which); every go line in goMods (file name → go.mod
// contents) must be no newer than that version, because the builder runs
// with GOTOOLCHAIN=local. An unpinned minor tag (golang:1.26-bookworm) holds
// the newest patch of its minor, so only the go lines' minor is compared.
func CheckBuilderGo(tag, digest string, goMods map[string][]byte) error {
	v, full, err := TagGoVersion(tag)
	if err != nil {
		return err
	}
	if digest != "" && !full {
		return fmt.Errorf("builder tag %q names Go %s but no patch release, while digest %s pins one exact toolchain: want golang:%s.<patch>-<variant> with the patch release the digest holds (its GOLANG_VERSION), as scripts/builder-image --update requires", tag, v, digest, v)
	}
	builder := "go" + v
	var errs []error
	for _, file := range slices.Sorted(maps.Keys(goMods)) {
		f, err := modfile.ParseLax(file, goMods[file], nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", file, err))
			continue
		}
		if f.Go == nil {
			errs = append(errs, fmt.Errorf("%s has no go line: the builder's Go %s cannot be checked against it", file, v))
			continue
		}
		want := "go" + f.Go.Version
		if !version.IsValid(want) {
			errs = append(errs, fmt.Errorf("%s: go line %q is not a Go version", file, f.Go.Version))
			continue
		}
		if !full {
			want = version.Lang(want)
		}
		if version.Compare(want, builder) > 0 {
			errs = append(errs, fmt.Errorf("%s needs go %s but the builder %s has Go %s and GOTOOLCHAIN=local: move the builder (scripts/builder-image --update <tag>) or lower the go line", file, f.Go.Version, tag, v))
		}
	}
	return errors.Join(errs...)
}
