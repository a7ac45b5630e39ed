package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// ValidateFiles checks a bundle produced elsewhere (or edited by hand) before
// release uses it: imageDetail.json, taskdef.json and appspec.yaml must be
// present, and every rule of the engine (see Check) must pass for mode, with
// policy rules as errors (except releaseSkips). Every violation is reported at once, as Violations.
func ValidateFiles(files map[string][]byte, mode Mode) error {
	var c collector
	if _, err := ParseMode(string(mode)); err != nil {
		c.addf("mode", "%v", err)
		return c.err()
	}
	for _, name := range []string{FileImageDetail, FileTaskDef, FileAppSpec} {
		if _, ok := files[name]; !ok {
			c.addf(name, "is missing; a bundle needs %s, %s and %s", FileImageDetail, FileTaskDef, FileAppSpec)
		}
	}
	c.vs = append(c.vs, Check(files, releaseOptions(mode)).Violations()...)
	return c.err()
}

// checkRelease strictly decodes release.json and records where it disagrees
// with the other files, including their SHA-256s.
func checkRelease(c *collector, data []byte, files map[string][]byte, mode Mode, img *Image, spec *AppSpec) {
	var r Release
	if err := strictJSON(data, &r); err != nil {
		c.addf(FileRelease, "is not a release summary: %v", err)
		return
	}
	if r.Mode != mode {
		c.addf(FileRelease+": mode", "%q does not match the requested mode %q", r.Mode, mode)
	}
	if img != nil && r.ImageURI != img.URI {
		c.addf(FileRelease+": imageUri", "%q does not match %s (%q)", r.ImageURI, FileImageDetail, img.URI)
	}
	if pr := targetOf(spec); pr != nil {
		if r.ContainerName != pr.LoadBalancerInfo.ContainerName || r.ContainerPort != pr.LoadBalancerInfo.ContainerPort {
			c.addf(FileRelease+": containerName/containerPort", "%s:%d does not match %s (%s:%d)", r.ContainerName, r.ContainerPort,
				FileAppSpec, pr.LoadBalancerInfo.ContainerName, pr.LoadBalancerInfo.ContainerPort)
		}
	}
	for _, name := range sortedKeys(r.Files) {
		data, ok := files[name]
		switch {
		case name != FileImageDetail && name != FileTaskDef && name != FileAppSpec:
			c.addf(FileRelease+": files."+name, "is not an artifact of the bundle; want %s, %s or %s", FileImageDetail, FileTaskDef, FileAppSpec)
		case ok && sha256Hex(data) != r.Files[name]:
			c.addf(FileRelease+": files."+name, "sha256 %s does not match the file (%s); the files are not from the same release", r.Files[name], sha256Hex(data))
		}
	}
}

func targetOf(spec *AppSpec) *AppSpecProperties {
	if spec == nil {
		return nil
	}
	return spec.Target()
}

// strictJSON decodes exactly one JSON object into the struct v points to,
// refusing unknown members. Member names must match the json tags exactly:
// encoding/json alone would take "ImageUri" for "ImageURI", which the
// CodeDeploy-to-ECS action would not.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON document")
	}
	doc, err := parseJSONDoc(data)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	t := reflect.TypeOf(v).Elem()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	for _, m := range doc.members {
		if !known[m.name] {
			return fmt.Errorf("json: unknown field %q (names are case-sensitive; accepted: %s)", m.name, strings.Join(sortedKeys(known), ", "))
		}
	}
	return nil
}
