package sbom

import (
	"bufio"
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// ImageFile is a file of the image besides the app binary.
type ImageFile struct {
	// Path is absolute, e.g. /etc/ssl/certs/ca-certificates.crt.
	Path string
	// Data is the file's content (its SHA-256 is listed).
	Data []byte
	// Package is the OS package the file was taken from; nil for a file
	// the build writes itself (passwd, group).
	Package *OSPackage
}

// OSPackage is a distribution package, as its package database records it.
type OSPackage struct {
	// Name and Version as the package manager spells them (ca-certificates,
	// 20230311+deb12u1).
	Name, Version string
	// Arch is the package architecture (all, amd64…).
	Arch string
	// Distro is the distribution id and release, e.g. debian and 12.
	Distro, DistroVersion string
}

// PURL is the package URL, e.g.
// pkg:deb/debian/ca-certificates@20230311?arch=all&distro=debian-12.
func (p OSPackage) PURL() string {
	q := url.Values{}
	if p.Arch != "" {
		q.Set("arch", p.Arch)
	}
	if p.DistroVersion != "" {
		q.Set("distro", p.Distro+"-"+p.DistroVersion)
	}
	s := "pkg:deb/" + p.Distro + "/" + p.Name + "@" + purlEscape.Replace(p.Version)
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// purlEscape percent-encodes the characters of a Debian version that a
// package URL reserves (an epoch's ':' and the '+' of a security update).
var purlEscape = strings.NewReplacer("%", "%25", "+", "%2B", ":", "%3A", " ", "%20")

// DebianPackage finds package name in a dpkg status database
// (/var/lib/dpkg/status) of the distribution os-release describes
// (/etc/os-release).
func DebianPackage(status, osRelease []byte, name string) (*OSPackage, error) {
	rel := fields(osRelease, "=")
	id, ver := strings.Trim(rel["ID"], `"`), strings.Trim(rel["VERSION_ID"], `"`)
	if id == "" {
		return nil, fmt.Errorf("os-release names no distribution (no ID=): cannot name the source of %s", name)
	}
	for _, stanza := range bytes.Split(status, []byte("\n\n")) {
		f := fields(stanza, ":")
		if f["Package"] != name {
			continue
		}
		if f["Version"] == "" {
			return nil, fmt.Errorf("the dpkg status of package %s has no Version", name)
		}
		return &OSPackage{Name: name, Version: f["Version"], Arch: f["Architecture"], Distro: id, DistroVersion: ver}, nil
	}
	return nil, fmt.Errorf("package %s is not installed in the builder image (not in its dpkg status)", name)
}

// fields reads "Key<sep>value" lines; continuation lines are skipped.
func fields(b []byte, sep string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(line, sep); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// fileComponents lists the image's other files: a file taken from an OS
// package is listed inside that package's component (so the bundle's
// origin and version are known to scanners), the others on their own,
// supplied by the app's supplier since the build writes them.
func fileComponents(files []ImageFile, supplier string) ([]cdx.Component, error) {
	var out []cdx.Component
	byPackage := map[string]int{}
	for _, f := range files {
		if !path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path {
			return nil, fmt.Errorf("image file path %q: want an absolute, clean path such as /etc/passwd", f.Path)
		}
		file := cdx.Component{BOMRef: "file:" + f.Path, Type: cdx.ComponentTypeFile, Name: f.Path, Hashes: sha256Of(f.Data)}
		if f.Package == nil {
			file.Supplier = entity(supplier, "")
			out = append(out, file)
			continue
		}
		p := *f.Package
		if p.Name == "" || p.Version == "" || p.Distro == "" {
			return nil, fmt.Errorf("image file %s: its package needs a name, version and distribution, got %+v", f.Path, p)
		}
		i, ok := byPackage[p.PURL()]
		if !ok {
			i = len(out)
			byPackage[p.PURL()] = i
			out = append(out, cdx.Component{
				BOMRef: p.PURL(), Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version,
				PackageURL: p.PURL(), Supplier: entity(distroSupplier(p.Distro), ""),
				Components: &[]cdx.Component{},
			})
		}
		nested := append(*out[i].Components, file)
		out[i].Components = &nested
	}
	return out, nil
}

// distroSupplier names a distribution's publisher.
func distroSupplier(id string) string {
	if id == "debian" {
		return "Debian"
	}
	return id
}
