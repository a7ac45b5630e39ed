package provenance

import (
	"encoding/json"
	"strings"
	"testing"

	prov "github.com/in-toto/attestation/go/predicates/provenance/v1"
	ita "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

const commit = "3f2c9e1d0a4b5c6d7e8f90123456789abcdef012"

func sample() Build {
	return Build{
		Subject: "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp", Digest: "sha256:" + strings.Repeat("a", 64),
		Platform: "linux/arm64", Version: commit, SourceURL: "https://github.com/acme/shop",
		SourceDigest: "sha256:" + strings.Repeat("b", 64), SourceDateEpoch: 1767225600,
		GoImage: "golang:1.26-bookworm@sha256:" + strings.Repeat("c", 64), GoImageDigest: "sha256:" + strings.Repeat("c", 64),
		GoBuild: []string{"go", "build", "-trimpath", "./app"},
	}
}

func TestStatementIsSLSAProvenance(t *testing.T) {
	doc, err := Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	// The specification's field names, which encoding/json on the Go types would get wrong.
	var raw map[string]any
	if err := json.Unmarshal(doc, &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"_type", "subject", "predicateType", "predicate"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("statement lacks %q:\n%s", key, doc)
		}
	}
	pred := raw["predicate"].(map[string]any)
	if _, ok := pred["buildDefinition"]; !ok {
		t.Fatalf("predicate lacks buildDefinition:\n%s", doc)
	}

	var st ita.Statement
	if err := protojson.Unmarshal(doc, &st); err != nil {
		t.Fatal(err)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	if st.PredicateType != PredicateType || st.Subject[0].Digest["sha256"] != strings.Repeat("a", 64) {
		t.Fatalf("statement %v", &st)
	}
	predJSON, _ := protojson.Marshal(st.Predicate)
	var p prov.Provenance
	if err := protojson.Unmarshal(predJSON, &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	ext := p.BuildDefinition.ExternalParameters.AsMap()
	if ext["platform"] != "linux/arm64" || ext["version"] != commit || ext["sourceDateEpoch"] != float64(1767225600) {
		t.Errorf("external parameters %v", ext)
	}
	deps := map[string]map[string]string{}
	for _, d := range p.BuildDefinition.ResolvedDependencies {
		deps[d.Name] = d.Digest
	}
	if deps["builder"]["sha256"] != strings.Repeat("c", 64) || deps["source"]["gitCommit"] != commit || deps["source"]["sha256"] != strings.Repeat("b", 64) {
		t.Errorf("resolved dependencies %v", deps)
	}
	if p.RunDetails.Builder.Id != BuilderID || p.RunDetails.Metadata != nil {
		t.Errorf("run details %v: want the builder id and no clock readings", p.RunDetails)
	}
	again, _ := Statement(sample())
	if string(again) != string(doc) {
		t.Error("the same build gave two different statements")
	}
	other := sample()
	other.Platform = "linux/amd64"
	if d, _ := Statement(other); string(d) == string(doc) {
		t.Error("another platform gave the same statement")
	}
	short := sample()
	short.Version = "3f2c9e1"
	if d, err := Statement(short); err != nil || strings.Contains(string(d), "gitCommit") {
		t.Errorf("an abbreviated revision must not pose as a gitCommit digest: %v\n%s", err, d)
	}
}

func TestStatementRefusesIncompleteBuilds(t *testing.T) {
	b := sample()
	b.Digest, b.GoImage = "", ""
	if _, err := Statement(b); err == nil || !strings.Contains(err.Error(), "digest, go image") {
		t.Fatalf("err = %v", err)
	}
	b = sample()
	b.Digest = "md5:abc"
	if _, err := Statement(b); err == nil || !strings.Contains(err.Error(), "md5:abc") {
		t.Fatalf("err = %v", err)
	}
}

// TestStatementsOfOneBuildAreEquivalentWherever pushed: the subject's name
// (which registry) does not make two statements of one build differ; any
// build input or the subject digest does.
func TestStatementsOfOneBuildAreEquivalentWherever(t *testing.T) {
	base, err := Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := sample()
	elsewhere.Subject = "localhost:5000/webapp"
	moved, _ := Statement(elsewhere)
	if string(moved) == string(base) {
		t.Fatal("the subject name is not in the statement: this test checks nothing")
	}
	if !Equivalent(base, moved) {
		t.Error("the same build pushed to another registry address is not equivalent")
	}
	changes := map[string]func(*Build){
		"subject digest": func(b *Build) { b.Digest = "sha256:" + strings.Repeat("d", 64) },
		"source digest":  func(b *Build) { b.SourceDigest = "sha256:" + strings.Repeat("e", 64) },
		"version":        func(b *Build) { b.Version = "other" },
		"builder digest": func(b *Build) { b.GoImageDigest = "sha256:" + strings.Repeat("f", 64) },
		"source date":    func(b *Build) { b.SourceDateEpoch++ },
		"platform":       func(b *Build) { b.Platform = "linux/amd64" },
		"go build":       func(b *Build) { b.GoBuild = append(b.GoBuild, "-race") },
	}
	for what, change := range changes {
		b := sample()
		change(&b)
		other, err := Statement(b)
		if err != nil {
			t.Fatal(err)
		}
		if Equivalent(base, other) {
			t.Errorf("a different %s is equivalent", what)
		}
	}
	for _, bad := range []string{"", "{}", "not json", `{"_type":"x","subject":[]}`} {
		if Equivalent(base, []byte(bad)) || Equivalent([]byte(bad), []byte(bad)) {
			t.Errorf("%q is equivalent to a statement", bad)
		}
	}
}

// TestSourceDigestMethodIsNamed: the statement says how its source digest
// was computed, so a verifier knows what to recompute.
func TestSourceDigestMethodIsNamed(t *testing.T) {
	doc, err := Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Predicate struct {
			BuildDefinition struct {
				ResolvedDependencies []struct {
					Name        string            `json:"name"`
					Digest      map[string]string `json:"digest"`
					Annotations map[string]string `json:"annotations"`
				} `json:"resolvedDependencies"`
			} `json:"buildDefinition"`
		} `json:"predicate"`
	}
	if err := json.Unmarshal(doc, &st); err != nil {
		t.Fatal(err)
	}
	for _, d := range st.Predicate.BuildDefinition.ResolvedDependencies {
		if d.Name == "source" {
			if d.Digest["sha256"] != strings.Repeat("b", 64) || d.Annotations["digestMethod"] != SourceDigestMethod || d.Digest["gitCommit"] != commit {
				t.Fatalf("source dependency %+v", d)
			}
			return
		}
	}
	t.Fatalf("no source dependency:\n%s", doc)
}

// TestBuilderIDTellsCIFromALaptop: without a builder id the statement names
// the local builder; a CI entry point's id is recorded as given; anything
// that is not an absolute URI is refused naming it.
func TestBuilderIDTellsCIFromALaptop(t *testing.T) {
	builderOf := func(b Build) string {
		doc, err := Statement(b)
		if err != nil {
			t.Fatal(err)
		}
		var st struct {
			Predicate struct {
				RunDetails struct {
					Builder struct {
						ID string `json:"id"`
					} `json:"builder"`
				} `json:"runDetails"`
			} `json:"predicate"`
		}
		if err := json.Unmarshal(doc, &st); err != nil {
			t.Fatal(err)
		}
		return st.Predicate.RunDetails.Builder.ID
	}
	if got := builderOf(sample()); got != BuilderID || !strings.HasSuffix(got, "@local") {
		t.Errorf("local builder %q", got)
	}
	for _, id := range []string{
		"https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main",
		"arn:aws:codebuild:us-east-1:123456789012:build/shop-release:0b1c2d3e-aaaa-bbbb-cccc-1234567890ab",
	} {
		b := sample()
		b.Builder = id
		if got := builderOf(b); got != id {
			t.Errorf("builder %q recorded as %q", id, got)
		}
	}
	for _, bad := range []string{"laptop", "/.github/workflows/release.yml", "https://github.com/a b", "https://"} {
		b := sample()
		b.Builder = bad
		if _, err := Statement(b); err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("builder id %q accepted or unclear: %v", bad, err)
		}
	}
}
