package bundle

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRenderImageDefinitions(t *testing.T) {
	defs := []ImageDefinition{{Name: "webapp", ImageURI: testImage}}
	out, err := RenderImageDefinitions(defs)
	if err != nil {
		t.Fatal(err)
	}
	var back []map[string]string
	if err := json.Unmarshal(out, &back); err != nil || len(back) != 1 || back[0]["name"] != "webapp" || back[0]["imageUri"] != testImage {
		t.Fatalf("rendered %s (%v)", out, err)
	}
	if !strings.HasSuffix(string(out), "]\n") {
		t.Fatalf("no trailing newline: %q", out)
	}
	for _, tc := range []struct {
		defs []ImageDefinition
		want string
	}{
		{nil, "imagedefinitions.json: is an empty list"},
		{[]ImageDefinition{{Name: "webapp", ImageURI: "registry.example.com/webapp:1"}}, "imagedefinitions.json: [0].imageUri: should be pinned by digest"},
		{[]ImageDefinition{{Name: "a", ImageURI: testImage}, {Name: "a", ImageURI: testImage}}, `[1].name: must name each container once, got "a" twice`},
	} {
		if _, err := RenderImageDefinitions(tc.defs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("RenderImageDefinitions(%v) = %v; want %q", tc.defs, err, tc.want)
		}
	}
}
