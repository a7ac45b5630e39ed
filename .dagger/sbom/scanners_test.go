package sbom

import (
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// The two matchers below apply, to a CycloneDX document, the rules the
// scanners' sources use for the Go standard library:
//
//   - Grype (grype/matcher/golang/matcher.go, search by CPE): a package
//     whose purl type is golang is a Go module; one named "stdlib" is always
//     searched by CPE (AlwaysUseCPEForStdlib). Each CPE's vendor and product
//     select NVD records (golang:go), and the version compared with NVD's
//     ranges is the CPE's version attribute, the package version only when
//     that attribute is ANY or NA. A stdlib without a CPE is never matched.
//   - Trivy (its Go binary parser and SBOM decoder): the stdlib is the
//     package pkg:golang/stdlib@<version>, the version written v1.x.y, and it
//     is compared with the Go vulnerability database's semver ranges
//     (introduced/fixed, written without the v); a version that does not
//     parse as one ("go1.22.1") matches nothing.
//
// CVE-2024-24790 / GO-2024-2887 (net/netip) is the known vulnerability used:
// NVD golang:go < 1.21.11 and 1.22.0 <= v < 1.22.4; the Go database
// introduced 0 fixed 1.21.11, introduced 1.22.0 fixed 1.22.4.

// versionRange is one affected range, as NVD and OSV write them.
type versionRange struct{ from, before string }

var cve202424790 = []versionRange{{"0", "1.21.11"}, {"1.22.0", "1.22.4"}}

// grypeMatches reports whether Grype's stdlib rule matches the vulnerability.
func grypeMatches(t *testing.T, bom *cdx.BOM, ranges []versionRange) bool {
	t.Helper()
	for _, c := range allComponents(bom) {
		if !strings.HasPrefix(c.PackageURL, "pkg:golang/") || c.Name != "stdlib" || c.CPE == "" {
			continue
		}
		f := strings.Split(c.CPE, ":")
		if len(f) != 13 || f[0] != "cpe" || f[1] != "2.3" || f[2] != "a" || f[3] != "golang" || f[4] != "go" {
			continue
		}
		v := f[5]
		if v == "*" || v == "-" {
			v = c.Version
		}
		if inRanges(v, ranges) {
			return true
		}
	}
	return false
}

// trivyMatches reports whether Trivy's stdlib rule matches the vulnerability.
func trivyMatches(t *testing.T, bom *cdx.BOM, ranges []versionRange) bool {
	t.Helper()
	for _, c := range allComponents(bom) {
		name, version, ok := strings.Cut(strings.TrimPrefix(c.PackageURL, "pkg:golang/"), "@")
		if !ok || !strings.HasPrefix(c.PackageURL, "pkg:golang/") || name != "stdlib" {
			continue
		}
		if !strings.HasPrefix(version, "v") {
			continue // Trivy writes and reads the stdlib as v1.x.y
		}
		if inRanges(strings.TrimPrefix(version, "v"), ranges) {
			return true
		}
	}
	return false
}

func allComponents(bom *cdx.BOM) []cdx.Component {
	if bom.Components == nil {
		return nil
	}
	return *bom.Components
}

// inRanges compares numeric x.y.z versions; anything else matches nothing,
// as in the scanners' version parsers.
func inRanges(v string, ranges []versionRange) bool {
	got, ok := numeric(v)
	if !ok {
		return false
	}
	for _, r := range ranges {
		from, _ := numeric(r.from)
		before, _ := numeric(r.before)
		if compare(got, from) >= 0 && compare(got, before) < 0 {
			return true
		}
	}
	return false
}

func numeric(v string) ([3]int, bool) {
	var out [3]int
	parts := strings.Split(v, ".")
	if len(parts) > 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func compare(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
}

func decode(t *testing.T, doc []byte) *cdx.BOM {
	t.Helper()
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(doc), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("not CycloneDX JSON: %v", err)
	}
	return &bom
}

func sbomFor(t *testing.T, goVersion string) []byte {
	t.Helper()
	bi := &debug.BuildInfo{GoVersion: goVersion, Main: debug.Module{Path: "example.com/app", Version: "(devel)"}}
	doc, err := FromBuildInfo(bi, Subject{Version: "abc1234", Platform: "linux/amd64"})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestVulnerableStdlibIsMatchableByGrypeAndTrivy checks the committed
// fixture (an SBOM of a binary built with the vulnerable go1.22.1) is what
// the module writes, and that both scanners' rules find CVE-2024-24790 in
// it, and in no SBOM of a fixed toolchain.
func TestVulnerableStdlibIsMatchableByGrypeAndTrivy(t *testing.T) {
	fixture, err := os.ReadFile("testdata/vulnerable-stdlib.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := sbomFor(t, "go1.22.1"); !bytes.Equal(got, fixture) {
		t.Fatalf("the fixture is not what the module writes for go1.22.1; got:\n%s", got)
	}
	bom := decode(t, fixture)
	if !grypeMatches(t, bom, cve202424790) {
		t.Error("Grype's rule does not match the go1.22.1 stdlib (CPE missing or in the wrong form)")
	}
	if !trivyMatches(t, bom, cve202424790) {
		t.Error("Trivy's rule does not match the go1.22.1 stdlib (purl version not v1.x.y)")
	}
	for _, v := range []string{"go1.20", "go1.21.10", "go1.22.0 X:boringcrypto"} {
		bom := decode(t, sbomFor(t, v))
		if !grypeMatches(t, bom, cve202424790) || !trivyMatches(t, bom, cve202424790) {
			t.Errorf("stdlib %s is vulnerable but a rule misses it", v)
		}
	}
	for _, v := range []string{"go1.21.11", "go1.22.4", "go1.26.8"} {
		bom := decode(t, sbomFor(t, v))
		if grypeMatches(t, bom, cve202424790) || trivyMatches(t, bom, cve202424790) {
			t.Errorf("stdlib %s is fixed but a rule matches it", v)
		}
	}
}

// TestScannerRulesRejectTheToolchainSpelling guards the rules themselves:
// a stdlib written as Go spells it (pkg:golang/stdlib@go1.22.1, no CPE)
// must not match, or the test above could not fail.
func TestScannerRulesRejectTheToolchainSpelling(t *testing.T) {
	bom := &cdx.BOM{Components: &[]cdx.Component{{
		Name: "stdlib", Version: "go1.22.1", PackageURL: "pkg:golang/stdlib@go1.22.1", Type: cdx.ComponentTypeLibrary,
	}}}
	if grypeMatches(t, bom, cve202424790) || trivyMatches(t, bom, cve202424790) {
		t.Fatal("a stdlib without a CPE and with a go-prefixed version matched")
	}
}

func TestStdlibVersionForms(t *testing.T) {
	cases := map[string]StdlibVersions{
		"go1.26.8":                {"v1.26.8", "cpe:2.3:a:golang:go:1.26.8:*:*:*:*:*:*:*"},
		"go1.20":                  {"v1.20.0", "cpe:2.3:a:golang:go:1.20.0:*:*:*:*:*:*:*"},
		"go1.22.3 X:boringcrypto": {"v1.22.3", "cpe:2.3:a:golang:go:1.22.3:*:*:*:*:*:*:*"},
		"go1.21rc2":               {"v1.21.0-rc.2", "cpe:2.3:a:golang:go:1.21:rc2:*:*:*:*:*:*"},
	}
	for in, want := range cases {
		got, err := StdlibVersion(in)
		if err != nil || got != want {
			t.Errorf("StdlibVersion(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "devel go1.27-abcdef", "1.26.8", "go1"} {
		if _, err := StdlibVersion(bad); err == nil || !strings.Contains(err.Error(), strconv.Quote(bad)) {
			t.Errorf("StdlibVersion(%q) accepted or unclear: %v", bad, err)
		}
	}
}
