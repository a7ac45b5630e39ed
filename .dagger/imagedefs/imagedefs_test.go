package imagedefs

import (
	"encoding/json"
	"strings"
	"testing"
)

const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestRenderIsWhatTheActionReads(t *testing.T) {
	got, err := Render("webapp", image)
	if err != nil {
		t.Fatal(err)
	}
	want := "[\n  {\n    \"name\": \"webapp\",\n    \"imageUri\": \"" + image + "\"\n  }\n]\n"
	if string(got) != want {
		t.Fatalf("Render =\n%s\nwant\n%s", got, want)
	}
	// The field names are the action's: name and imageUri.
	var raw []map[string]string
	if err := json.Unmarshal(got, &raw); err != nil || raw[0]["name"] != "webapp" || raw[0]["imageUri"] != image || len(raw[0]) != 2 {
		t.Fatalf("decoded %v, %v", raw, err)
	}
	defs, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if img, err := ImageFor(defs, "webapp"); err != nil || img != image {
		t.Fatalf("ImageFor = %q, %v", img, err)
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	for _, tc := range []struct{ container, image, want string }{
		{"", image, `container name "" is not valid; want 1-255 letters, digits, '-' or '_'`},
		{"web app", image, `container name "web app" is not valid`},
		{"webapp", "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:latest", "is not pinned to a digest"},
		{"webapp", "webapp@sha256:0123", "not sha256 with 64 lowercase hex digits"},
		{"webapp", "<IMAGE1_NAME>", "is not pinned to a digest"},
	} {
		_, err := Render(tc.container, tc.image)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Render(%q, %q) = %v; want an error containing %q", tc.container, tc.image, err, tc.want)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"object instead of array", `{"name":"webapp","imageUri":"` + image + `"}`, "want a JSON array"},
		{"empty array", `[]`, "the array is empty"},
		{"unknown field", `[{"name":"webapp","imageUri":"` + image + `","image":"x"}]`, `unknown field "image"`},
		{"trailing data", `[{"name":"webapp","imageUri":"` + image + `"}] []`, "data after the array"},
	} {
		if _, err := Parse([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error containing %q", tc.name, err, tc.want)
		}
	}
	_, err := Parse([]byte(`[{"name":"webapp","imageUri":"webapp:latest"},{"name":"webapp","imageUri":"` + image + `"},{"name":"","imageUri":""}]`))
	if err == nil {
		t.Fatal("bad entries accepted")
	}
	for _, want := range []string{"entry 0: image \"webapp:latest\"", `entry 1: container "webapp" appears twice`, `entry 2: container name "" is not valid`, `entry 2: image "" is empty`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestImageForNamesTheContainersItHas(t *testing.T) {
	defs := []Definition{{Name: "webapp", ImageURI: image}, {Name: "sidecar", ImageURI: image}}
	_, err := ImageFor(defs, "api")
	if err == nil || !strings.Contains(err.Error(), `no entry for container "api" (it names webapp, sidecar)`) {
		t.Fatalf("err = %v", err)
	}
}
