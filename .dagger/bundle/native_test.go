package bundle

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRenderNative: an ecs-mode release renders imagedefinitions.json and a
// release.json that names it, and the pair passes the artifact rules; a
// release.json from another image or with a stale hash does not.
func TestRenderNative(t *testing.T) {
	in := validInput(t, ModePipeline)
	files, err := RenderNative(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[FileImageDefinitions] == nil || files[FileRelease] == nil {
		t.Fatalf("files %v", keys(files))
	}
	var defs []ImageDefinition
	if err := json.Unmarshal(files[FileImageDefinitions], &defs); err != nil || len(defs) != 1 || defs[0].Name != in.ContainerName || defs[0].ImageURI != in.ImageURI {
		t.Fatalf("imagedefinitions.json %s (%v)", files[FileImageDefinitions], err)
	}
	var rel Release
	if err := json.Unmarshal(files[FileRelease], &rel); err != nil || rel.Files[FileImageDefinitions] != sha256Hex(files[FileImageDefinitions]) || rel.Mode != ModePipeline {
		t.Fatalf("release.json %s (%v)", files[FileRelease], err)
	}

	other := strings.Replace(string(files[FileImageDefinitions]), in.ImageURI, strings.Replace(in.ImageURI, "sha256:", "sha256:f", 1)[:len(in.ImageURI)], 1)
	bad := map[string][]byte{FileImageDefinitions: []byte(other), FileRelease: files[FileRelease]}
	msg := Check(bad, releaseOptions(ModePipeline)).Violations().Error()
	for _, want := range []string{"does not match imagedefinitions.json for container " + in.ContainerName, "files.imagedefinitions.json: sha256"} {
		if !strings.Contains(msg, want) {
			t.Errorf("violations %q lack %q", msg, want)
		}
	}

	in.ContainerName = "nope"
	if _, err := RenderNative(in); err == nil {
		t.Error("a container the task definition lacks was accepted")
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
