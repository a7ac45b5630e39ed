// Package sbom writes the software bill of materials of the app image: a
// CycloneDX document made from the build information the Go linker embeds in
// every binary (main module, each dependency module with its version and
// go.sum checksum, the Go version and the build settings), plus the image's
// other files (the CA bundle with the OS package it comes from, passwd and
// group). Nothing is guessed from file names: what the binary was linked
// from is what is listed.
//
// The document carries the NTIA minimum elements (supplier, component
// names, versions and identifiers, dependency relationships, the SBOM's
// author and tool, a timestamp) and stays deterministic: no serial number,
// components sorted, and the timestamp is the image's source date, not the
// clock, so the same inputs always give the same document and digest.
package sbom

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// MediaType is the CycloneDX JSON media type, also the artifactType of the
// SBOM when it is attached to an image as an OCI referrer.
const MediaType = "application/vnd.cyclonedx+json"

// SpecVersion is the CycloneDX version written: 1.5 is what most consumers
// (Amazon Inspector's SBOM scan among them) read.
const SpecVersion = cdx.SpecVersion1_5

// ToolName is the tool and author recorded in every SBOM's metadata.
const ToolName = "ecs-bluegreen"

// Subject names what the SBOM describes.
type Subject struct {
	// Version is the app's version (the stamped revision); Go records
	// "(devel)" for a main module built from a work tree.
	Version string
	// Platform is the image platform the binary was built for, e.g. linux/arm64.
	Platform string
	// Created is the SBOM's timestamp: the image's source date (the zero
	// time means the Unix epoch, the image's default date).
	Created time.Time
	// Supplier names who supplies the app; defaults to the origin of the
	// source URL, else of the main module path.
	Supplier string
	// SourceURL is the app's source repository, when known.
	SourceURL string
	// Files are the image's files besides the binary (see ImageFile).
	Files []ImageFile
}

// FromBinary reads the build information of a Go binary (any GOOS/GOARCH)
// and returns its SBOM; the binary's SHA-256 is the main component's hash.
func FromBinary(path string, s Subject) ([]byte, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the Go build information of %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return build(bi, s, data)
}

// FromBuildInfo returns the CycloneDX JSON SBOM of a binary's build info.
func FromBuildInfo(bi *debug.BuildInfo, s Subject) ([]byte, error) {
	return build(bi, s, nil)
}

func build(bi *debug.BuildInfo, s Subject, binary []byte) ([]byte, error) {
	if bi == nil || bi.Main.Path == "" {
		return nil, fmt.Errorf("the binary has no main module in its build information (built with go run, or not a module build)")
	}
	version := s.Version
	if version == "" {
		version = bi.Main.Version
	}
	supplier := s.Supplier
	if supplier == "" {
		supplier = originOf(s.SourceURL)
	}
	if supplier == "" {
		supplier = originOf(bi.Main.Path)
	}
	main := cdx.Component{
		BOMRef:     purl(bi.Main.Path, version),
		Type:       cdx.ComponentTypeApplication,
		Supplier:   entity(supplier, s.SourceURL),
		Name:       bi.Main.Path,
		Version:    version,
		PackageURL: purl(bi.Main.Path, version),
		Properties: mainProperties(bi, s.Platform),
	}
	if binary != nil {
		main.Hashes = sha256Of(binary)
	}
	std, err := stdlib(bi.GoVersion)
	if err != nil {
		return nil, err
	}
	components := []cdx.Component{std}
	for _, d := range bi.Deps {
		components = append(components, module(d))
	}
	files, err := fileComponents(s.Files, supplier)
	if err != nil {
		return nil, err
	}
	components = append(components, files...)
	sort.Slice(components, func(i, j int) bool { return components[i].BOMRef < components[j].BOMRef })
	refs := make([]string, len(components))
	for i, c := range components {
		refs[i] = c.BOMRef
	}

	bom := cdx.NewBOM()
	bom.Metadata = metadata(s.Created, supplier, s.SourceURL, &main)
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

// metadata holds the NTIA elements that describe the document itself: when
// (the source date, so rebuilding never changes the document), who supplies
// the subject, and the author and tool that wrote it.
func metadata(created time.Time, supplier, sourceURL string, main *cdx.Component) *cdx.Metadata {
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	tool := cdx.Component{Type: cdx.ComponentTypeApplication, Name: ToolName, Description: "ecs-bluegreen image build (Dagger module)"}
	return &cdx.Metadata{
		Timestamp: created.UTC().Format(time.RFC3339),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{tool}},
		Authors:   &[]cdx.OrganizationalContact{{Name: ToolName}},
		Supplier:  entity(supplier, sourceURL),
		Component: main,
	}
}

// entity is a supplier; nil without a name.
func entity(name, url string) *cdx.OrganizationalEntity {
	if name == "" {
		return nil
	}
	e := &cdx.OrganizationalEntity{Name: name}
	if url != "" {
		e.URL = &[]string{url}
	}
	return e
}

// sha256Of is the CycloneDX hash list of data.
func sha256Of(data []byte) *[]cdx.Hash {
	sum := sha256.Sum256(data)
	return &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: hex.EncodeToString(sum[:])}}
}
