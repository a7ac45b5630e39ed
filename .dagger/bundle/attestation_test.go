package bundle

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestReleaseJSONListsAttestations(t *testing.T) {
	in := validInput(t, ModePipeline)
	in.Attestations = []Attestation{
		{ArtifactType: "application/vnd.cyclonedx+json", Digest: "sha256:" + strings.Repeat("1", 64), Subject: "sha256:" + strings.Repeat("a", 64), Platform: "linux/amd64"},
		{ArtifactType: "application/vnd.in-toto+json", Digest: "sha256:" + strings.Repeat("2", 64), Subject: "sha256:" + strings.Repeat("a", 64), Platform: "linux/amd64"},
	}
	b := mustRender(t, in)
	files := b.Files()
	var got Release
	if err := json.Unmarshal(files[FileRelease], &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Attestations) != 2 || got.Attestations[1] != in.Attestations[1] {
		t.Fatalf("release.json attestations = %+v", got.Attestations)
	}
	if err := ValidateFiles(files, ModePipeline); err != nil {
		t.Fatalf("release.json with attestations does not validate: %v", err)
	}
	// Without attestations the key is left out, as before.
	if strings.Contains(string(mustRender(t, validInput(t, ModePipeline)).Files()[FileRelease]), "attestations") {
		t.Fatal("empty attestations written")
	}
}
