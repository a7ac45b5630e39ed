package sbom

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// goVersionPattern reads a toolchain version as Go prints it: go1.26.8,
// go1.20 (a .0 release before Go 1.21), go1.21rc2, optionally followed by
// experiments (" X:boringcrypto").
var goVersionPattern = regexp.MustCompile(`^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?(?: .*)?$`)

// StdlibVersions are the forms scanners match the Go standard library by.
type StdlibVersions struct {
	// Semver is the module-style version, v1.26.8 (v1.21.0-rc.2 for a
	// release candidate): Trivy reads the stdlib of a Go binary as
	// pkg:golang/stdlib@v1.26.8 and compares it with the Go vulnerability
	// database's ranges; "go1.26.8" parses as no version at all.
	Semver string
	// CPE is cpe:2.3:a:golang:go:1.26.8:*:*:*:*:*:*:* (a release
	// candidate puts rc2 in the update field): Grype matches the stdlib by
	// CPE against NVD's golang:go ranges, taking the version from the CPE.
	CPE string
}

// StdlibVersion turns the Go version recorded in a binary into the forms
// scanners match. A development toolchain ("devel go1.27-…") has none.
func StdlibVersion(goVersion string) (StdlibVersions, error) {
	m := goVersionPattern.FindStringSubmatch(strings.TrimSpace(goVersion))
	if m == nil {
		return StdlibVersions{}, fmt.Errorf("Go version %q is not a released toolchain (want e.g. go1.26.8): scanners could not match its standard library", goVersion)
	}
	patch := m[3]
	if patch == "" {
		patch = "0"
	}
	if m[4] != "" {
		return StdlibVersions{
			Semver: fmt.Sprintf("v%s.%s.%s-%s.%s", m[1], m[2], patch, m[4], m[5]),
			CPE:    fmt.Sprintf("cpe:2.3:a:golang:go:%s.%s:%s%s:*:*:*:*:*:*", m[1], m[2], m[4], m[5]),
		}, nil
	}
	v := m[1] + "." + m[2] + "." + patch
	return StdlibVersions{Semver: "v" + v, CPE: "cpe:2.3:a:golang:go:" + v + ":*:*:*:*:*:*:*"}, nil
}

// stdlib is the Go standard library the binary was built with: for an app
// without dependencies, the only place a Go vulnerability can be. Its name
// is "stdlib" (what Grype's Go matcher and Trivy look for), its version and
// purl the semver form, its CPE the NVD form; the toolchain's own spelling
// stays in a property.
func stdlib(goVersion string) (cdx.Component, error) {
	v, err := StdlibVersion(goVersion)
	if err != nil {
		return cdx.Component{}, err
	}
	return cdx.Component{
		BOMRef: purl("stdlib", v.Semver), Type: cdx.ComponentTypeLibrary, Name: "stdlib",
		Supplier: &cdx.OrganizationalEntity{Name: "The Go Project", URL: &[]string{"https://go.dev"}},
		Version:  v.Semver, PackageURL: purl("stdlib", v.Semver), CPE: v.CPE, Scope: cdx.ScopeRequired,
		Properties: &[]cdx.Property{{Name: "golang:goversion", Value: goVersion}},
	}, nil
}

// module is one dependency; a replaced module is listed as what was
// actually linked, naming the path it replaces.
func module(d *debug.Module) cdx.Component {
	linked := d
	var props []cdx.Property
	if d.Replace != nil {
		linked = d.Replace
		props = append(props, cdx.Property{Name: "golang:replaces", Value: d.Path + "@" + d.Version})
	}
	if linked.Sum != "" {
		// The h1: sum is go.sum's hash of the module's file tree, not of a
		// single file, so it is no CycloneDX hash; it is kept verbatim.
		props = append(props, cdx.Property{Name: "golang:h1", Value: linked.Sum})
	}
	c := cdx.Component{
		BOMRef:     purl(linked.Path, linked.Version),
		Type:       cdx.ComponentTypeLibrary,
		Supplier:   entity(originOf(linked.Path), ""),
		Name:       linked.Path,
		Version:    linked.Version,
		PackageURL: purl(linked.Path, linked.Version),
		Scope:      cdx.ScopeRequired,
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

// mainProperties records the Go version and every build setting Go keeps
// (GOOS, GOARCH, CGO_ENABLED, -trimpath…; Go leaves -ldflags out of a
// -trimpath build), sorted by key.
func mainProperties(bi *debug.BuildInfo, platform string) *[]cdx.Property {
	props := []cdx.Property{{Name: "golang:goversion", Value: bi.GoVersion}}
	if platform != "" {
		props = append(props, cdx.Property{Name: "oci:platform", Value: platform})
	}
	settings := append([]debug.BuildSetting(nil), bi.Settings...)
	sort.SliceStable(settings, func(i, j int) bool { return settings[i].Key < settings[j].Key })
	for _, s := range settings {
		props = append(props, cdx.Property{Name: "golang:build:" + s.Key, Value: s.Value})
	}
	return &props
}

// purl is the package URL of a Go module: pkg:golang/<path>@<version>, with
// the path's upper-case letters left as Go spells them.
func purl(path, version string) string {
	if version == "" {
		return "pkg:golang/" + path
	}
	return "pkg:golang/" + path + "@" + strings.ReplaceAll(version, "+", "%2B")
}

// originOf names who publishes a module or repository from its path or URL:
// the host, and on the big forges the host and owner (github.com/google).
// It is the best supplier name the build information allows.
func originOf(pathOrURL string) string {
	p := pathOrURL
	if _, rest, ok := strings.Cut(p, "://"); ok {
		p = rest
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if parts[0] == "" || !strings.Contains(parts[0], ".") {
		return ""
	}
	switch parts[0] {
	case "github.com", "gitlab.com", "bitbucket.org":
		if len(parts) > 1 {
			return parts[0] + "/" + parts[1]
		}
	}
	return parts[0]
}
