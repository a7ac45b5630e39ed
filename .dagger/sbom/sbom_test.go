package sbom

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// TestSBOMListsEveryModuleOfTheBinary builds a real binary with
// dependencies, cross-compiled like the app, and checks the SBOM against the
// build information Go itself reads from it.
func TestSBOMListsEveryModuleOfTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "module")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=abc1234", "-o", bin, "./testdata/linked")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	bi, err := buildinfo.ReadFile(bin)
	if err != nil || len(bi.Deps) < 3 {
		t.Fatalf("build info: %v (%d modules)", err, len(bi.Deps))
	}
	subject := Subject{Version: "abc1234", Platform: "linux/amd64", Created: time.Unix(1767225600, 0)}
	doc, err := FromBinary(bin, subject)
	if err != nil {
		t.Fatal(err)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(doc), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("not CycloneDX JSON: %v", err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_5 || bom.SerialNumber != "" || bom.Metadata.Timestamp != "2026-01-01T00:00:00Z" {
		t.Fatalf("spec %v serial %q timestamp %q", bom.SpecVersion, bom.SerialNumber, bom.Metadata.Timestamp)
	}
	main := bom.Metadata.Component
	if main.Name != bi.Main.Path || main.Version != "abc1234" || main.Type != cdx.ComponentTypeApplication {
		t.Fatalf("main component %+v", main)
	}
	props := map[string]string{}
	for _, p := range *main.Properties {
		props[p.Name] = p.Value
	}
	if props["golang:goversion"] != bi.GoVersion || props["oci:platform"] != "linux/amd64" {
		t.Errorf("main properties %v", props)
	}
	for _, s := range bi.Settings {
		if props["golang:build:"+s.Key] != s.Value {
			t.Errorf("build setting %s=%q missing", s.Key, s.Value)
		}
	}
	byPurl := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		byPurl[c.PackageURL] = c
	}
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		c, ok := byPurl[purl(m.Path, m.Version)]
		if !ok {
			t.Errorf("module %s@%s is not in the SBOM", m.Path, m.Version)
			continue
		}
		if m.Sum != "" && !strings.Contains(jsonOf(t, c.Properties), m.Sum) {
			t.Errorf("module %s lacks its checksum %s", m.Path, m.Sum)
		}
	}
	std, _ := StdlibVersion(bi.GoVersion)
	if c, ok := byPurl[purl("stdlib", std.Semver)]; !ok || c.CPE != std.CPE {
		t.Errorf("the Go standard library %s is not listed with its CPE: %+v", bi.GoVersion, c)
	}
	data, _ := os.ReadFile(bin)
	sum := sha256.Sum256(data)
	if main.Hashes == nil || (*main.Hashes)[0].Value != hex.EncodeToString(sum[:]) {
		t.Errorf("main component hashes %v, want the binary's SHA-256", main.Hashes)
	}
	if len(*bom.Components) != len(bi.Deps)+1 {
		t.Errorf("%d components for %d modules + stdlib", len(*bom.Components), len(bi.Deps))
	}
	deps := (*bom.Dependencies)[0]
	if deps.Ref != main.BOMRef || len(*deps.Dependencies) != len(*bom.Components) {
		t.Errorf("dependencies %+v", deps)
	}

	again, _ := FromBinary(bin, subject)
	if !bytes.Equal(doc, again) {
		t.Error("two SBOMs of the same binary differ")
	}
}

func TestReplacedModuleIsListedAsLinked(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: "example.com/app", Version: "(devel)"},
		Deps: []*debug.Module{{Path: "example.com/lib", Version: "v1.0.0",
			Replace: &debug.Module{Path: "example.com/fork", Version: "v1.0.1+incompatible", Sum: "h1:abc="}}}}
	doc, err := FromBuildInfo(bi, Subject{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"pkg:golang/example.com/fork@v1.0.1%2Bincompatible"`, `"example.com/lib@v1.0.0"`, `"h1:abc="`, `"version": "(devel)"`, `"name": "example.com"`} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("SBOM lacks %s:\n%s", want, doc)
		}
	}
	if _, err := FromBuildInfo(&debug.BuildInfo{}, Subject{}); err == nil {
		t.Error("build info without a main module accepted")
	}
	if _, err := FromBinary("sbom.go", Subject{}); err == nil || !strings.Contains(err.Error(), "sbom.go") {
		t.Errorf("a non-binary: %v", err)
	}
}

func jsonOf(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNTIAMinimumElements checks every element NTIA names is present:
// supplier (of the SBOM's subject and of each component), component name,
// version and unique identifier, dependency relationships, author, tool and
// timestamp, the timestamp being the source date so the document is
// reproducible.
func TestNTIAMinimumElements(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "example.com/app"},
		Deps: []*debug.Module{{Path: "github.com/google/go-containerregistry", Version: "v0.22.1", Sum: "h1:x="}}}
	s := Subject{Version: "abc1234", Created: time.Unix(1764892800, 0), SourceURL: "https://github.com/acme/shop",
		Files: []ImageFile{{Path: "/etc/passwd", Data: []byte("root:x:0:0::/:/sbin/nologin\n")}}}
	doc, err := FromBuildInfo(bi, s)
	if err != nil {
		t.Fatal(err)
	}
	bom := decode(t, doc)
	md := bom.Metadata
	if md.Timestamp != "2025-12-05T00:00:00Z" {
		t.Errorf("timestamp %q, want the source date", md.Timestamp)
	}
	if md.Supplier == nil || md.Supplier.Name != "github.com/acme" || md.Component.Supplier == nil {
		t.Errorf("supplier %+v / %+v, want the source URL's owner", md.Supplier, md.Component.Supplier)
	}
	if md.Authors == nil || (*md.Authors)[0].Name != ToolName || md.Tools == nil || md.Tools.Components == nil || (*md.Tools.Components)[0].Name != ToolName {
		t.Errorf("author %+v, tools %+v", md.Authors, md.Tools)
	}
	for _, c := range *bom.Components {
		if c.Supplier == nil || c.Supplier.Name == "" || c.Name == "" || c.BOMRef == "" {
			t.Errorf("component %s lacks a supplier, name or identifier: %+v", c.Name, c)
		}
		if c.Type != cdx.ComponentTypeFile && (c.Version == "" || c.PackageURL == "") {
			t.Errorf("component %s lacks a version or purl", c.Name)
		}
	}
	if deps := (*bom.Dependencies)[0]; len(*deps.Dependencies) != len(*bom.Components) {
		t.Errorf("dependencies %+v do not name every component", deps)
	}
	again, _ := FromBuildInfo(bi, s)
	if !bytes.Equal(doc, again) {
		t.Error("two SBOMs of the same inputs differ")
	}
	s.Created = time.Time{}
	if epoch, _ := FromBuildInfo(bi, s); decode(t, epoch).Metadata.Timestamp != "1970-01-01T00:00:00Z" {
		t.Error("no source date must mean the Unix epoch, as the image's date")
	}
}

// TestImageFilesListedWithTheirPackage checks the CA bundle is listed
// inside the Debian package it comes from (name, version, purl) with its
// hash, and passwd/group as files of their own.
func TestImageFilesListedWithTheirPackage(t *testing.T) {
	status := []byte("Package: bash\nVersion: 5.2.15-2+b7\nArchitecture: amd64\n\n" +
		"Package: ca-certificates\nStatus: install ok installed\nVersion: 20230311+deb12u1\nArchitecture: all\n" +
		"Description: Common CA certificates\n This package includes PEM files\n")
	osRelease := []byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n")
	pkg, err := DebianPackage(status, osRelease, "ca-certificates")
	if err != nil {
		t.Fatal(err)
	}
	if pkg.PURL() != "pkg:deb/debian/ca-certificates@20230311%2Bdeb12u1?arch=all&distro=debian-12" {
		t.Fatalf("purl %s", pkg.PURL())
	}
	certs := []byte("-----BEGIN CERTIFICATE-----\n")
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "example.com/app"}}
	doc, err := FromBuildInfo(bi, Subject{Version: "v1", Files: []ImageFile{
		{Path: "/etc/ssl/certs/ca-certificates.crt", Data: certs, Package: pkg},
		{Path: "/etc/passwd", Data: []byte("p")}, {Path: "/etc/group", Data: []byte("g")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]cdx.Component{}
	for _, c := range *decode(t, doc).Components {
		byRef[c.BOMRef] = c
	}
	deb, ok := byRef[pkg.PURL()]
	if !ok || deb.Name != "ca-certificates" || deb.Version != "20230311+deb12u1" || deb.Supplier.Name != "Debian" || deb.Components == nil {
		t.Fatalf("CA package component %+v", deb)
	}
	bundle := (*deb.Components)[0]
	sum := sha256.Sum256(certs)
	if bundle.Name != "/etc/ssl/certs/ca-certificates.crt" || bundle.Type != cdx.ComponentTypeFile || (*bundle.Hashes)[0].Value != hex.EncodeToString(sum[:]) {
		t.Errorf("CA bundle %+v", bundle)
	}
	for _, f := range []string{"file:/etc/passwd", "file:/etc/group"} {
		if c, ok := byRef[f]; !ok || c.Type != cdx.ComponentTypeFile || c.Hashes == nil {
			t.Errorf("%s not listed as a file: %+v", f, c)
		}
	}

	if _, err := DebianPackage(status, osRelease, "openssl"); err == nil || !strings.Contains(err.Error(), "openssl") {
		t.Errorf("a missing package: %v", err)
	}
	if _, err := DebianPackage(status, []byte("NAME=x\n"), "ca-certificates"); err == nil {
		t.Error("an os-release without ID accepted")
	}
	if _, err := FromBuildInfo(bi, Subject{Files: []ImageFile{{Path: "etc/passwd"}}}); err == nil || !strings.Contains(err.Error(), "etc/passwd") {
		t.Errorf("a relative file path: %v", err)
	}
}
