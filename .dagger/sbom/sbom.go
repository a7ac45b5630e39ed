// Package sbom writes the software bill of materials of the app image: a
// CycloneDX document made from the build information the Go linker embeds in
// every binary (main module, each dependency module with its version and
// go.sum checksum, the Go version and the build settings). Nothing is
// guessed from file names: what the binary was linked from is what is listed.
//
// The output is deterministic (no serial number, no timestamp, components
// sorted), so the same binary always gives the same document and digest.
package sbom

import (
	"bytes"
	"debug/buildinfo"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// MediaType is the CycloneDX JSON media type, also the artifactType of the
// SBOM when it is attached to an image as an OCI referrer.
const MediaType = "application/vnd.cyclonedx+json"

// SpecVersion is the CycloneDX version written: 1.5 is what most consumers
// (Amazon Inspector's SBOM scan among them) read.
const SpecVersion = cdx.SpecVersion1_5

// Subject names what the SBOM describes.
type Subject struct {
	// Version is the app's version (the stamped revision); Go records
	// "(devel)" for a main module built from a work tree.
	Version string
	// Platform is the image platform the binary was built for, e.g. linux/arm64.
	Platform string
}

// FromBinary reads the build information of a Go binary (any GOOS/GOARCH)
// and returns its SBOM.
func FromBinary(path string, s Subject) ([]byte, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the Go build information of %s: %w", path, err)
	}
	return FromBuildInfo(bi, s)
}

// FromBuildInfo returns the CycloneDX JSON SBOM of a binary's build info.
func FromBuildInfo(bi *debug.BuildInfo, s Subject) ([]byte, error) {
	if bi == nil || bi.Main.Path == "" {
		return nil, fmt.Errorf("the binary has no main module in its build information (built with go run, or not a module build)")
	}
	version := s.Version
	if version == "" {
		version = bi.Main.Version
	}
	main := cdx.Component{
		BOMRef:     purl(bi.Main.Path, version),
		Type:       cdx.ComponentTypeApplication,
		Name:       bi.Main.Path,
		Version:    version,
		PackageURL: purl(bi.Main.Path, version),
		Properties: mainProperties(bi, s.Platform),
	}
	components := []cdx.Component{stdlib(bi.GoVersion)}
	for _, d := range bi.Deps {
		components = append(components, module(d))
	}
	sort.Slice(components, func(i, j int) bool { return components[i].BOMRef < components[j].BOMRef })
	refs := make([]string, len(components))
	for i, c := range components {
		refs[i] = c.BOMRef
	}

	bom := cdx.NewBOM()
	bom.Metadata = &cdx.Metadata{Component: &main}
	bom.Components = &components
	// The build information is flat: the binary knows which modules it
	// links, not which module required which.
	bom.Dependencies = &[]cdx.Dependency{{Ref: main.BOMRef, Dependencies: &refs}}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON).SetPretty(true)
	if err := enc.EncodeVersion(bom, SpecVersion); err != nil {
		return nil, fmt.Errorf("encoding the SBOM: %w", err)
	}
	return buf.Bytes(), nil
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

// stdlib is the Go standard library the binary was built with: scanners
// match Go vulnerabilities against it.
func stdlib(goVersion string) cdx.Component {
	return cdx.Component{
		BOMRef: purl("stdlib", goVersion), Type: cdx.ComponentTypeLibrary, Name: "stdlib",
		Version: goVersion, PackageURL: purl("stdlib", goVersion), Scope: cdx.ScopeRequired,
	}
}

// mainProperties records the Go version and every build setting (-ldflags,
// GOOS, GOARCH, CGO_ENABLED, -trimpath…), sorted by key.
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
