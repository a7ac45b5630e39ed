package sbom

import (
	"bytes"
	"debug/buildinfo"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

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
	doc, err := FromBinary(bin, Subject{Version: "abc1234", Platform: "linux/amd64"})
	if err != nil {
		t.Fatal(err)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(doc), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("not CycloneDX JSON: %v", err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_5 || bom.SerialNumber != "" || bom.Metadata.Timestamp != "" {
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
	if _, ok := byPurl[purl("stdlib", bi.GoVersion)]; !ok {
		t.Error("the Go standard library is not listed")
	}
	if len(*bom.Components) != len(bi.Deps)+1 {
		t.Errorf("%d components for %d modules + stdlib", len(*bom.Components), len(bi.Deps))
	}
	deps := (*bom.Dependencies)[0]
	if deps.Ref != main.BOMRef || len(*deps.Dependencies) != len(*bom.Components) {
		t.Errorf("dependencies %+v", deps)
	}

	again, _ := FromBinary(bin, Subject{Version: "abc1234", Platform: "linux/amd64"})
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
	for _, want := range []string{`"pkg:golang/example.com/fork@v1.0.1%2Bincompatible"`, `"example.com/lib@v1.0.0"`, `"h1:abc="`, `"version": "(devel)"`} {
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
