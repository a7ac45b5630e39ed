package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// ValidateFiles checks a bundle produced elsewhere (or edited by hand) before
// it is used: imageDetail.json, taskdef.json and appspec.yaml must be present
// and valid for mode, and agree with each other; release.json is checked when
// present. Every violation is reported at once, as Violations.
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
	var img *Image
	if data, ok := files[FileImageDetail]; ok {
		img = checkImageDetail(&c, data)
	}
	var reg *ecs.RegisterTaskDefinitionInput
	if data, ok := files[FileTaskDef]; ok {
		if reg = decodeTaskDef(&c, FileTaskDef, data); reg != nil {
			checkTaskDef(&c, FileTaskDef, reg)
			checkPlaceholders(&c, FileTaskDef, reg, mode)
		}
	}
	var spec *AppSpec
	if data, ok := files[FileAppSpec]; ok {
		var err error
		if spec, err = DecodeAppSpec(data); err != nil {
			c.addf(FileAppSpec, "%v", err)
		} else {
			checkAppSpec(&c, FileAppSpec, spec, mode)
		}
	}
	crossCheck(&c, mode, img, reg, spec)
	if data, ok := files[FileRelease]; ok {
		checkRelease(&c, data, files, mode, img, spec)
	}
	return c.err()
}

// checkImageDetail strictly decodes imageDetail.json and parses its image.
func checkImageDetail(c *collector, data []byte) *Image {
	var d imageDetail
	if err := strictJSON(data, &d); err != nil {
		c.addf(FileImageDetail, "is not {\"ImageURI\": \"<digest-pinned image>\"}: %v", err)
		return nil
	}
	img, err := ParseImage(d.ImageURI)
	if err != nil {
		c.addf(FileImageDetail+": ImageURI", "%v", err)
		return nil
	}
	return &img
}

// crossCheck records disagreements between the files: the appspec's
// container and port must exist in the task definition, the placeholder must
// sit in that container (pipeline), the container must run the imageDetail
// image and the ARN must be of the task family (direct).
func crossCheck(c *collector, mode Mode, img *Image, reg *ecs.RegisterTaskDefinitionInput, spec *AppSpec) {
	if reg == nil || spec == nil || spec.Target() == nil {
		return
	}
	pr := spec.Target()
	lb := pr.LoadBalancerInfo
	checkContainerPort(c, FileAppSpec+": LoadBalancerInfo", reg, lb.ContainerName, lb.ContainerPort)
	cd := findContainer(reg, lb.ContainerName)
	if cd == nil {
		return
	}
	image := aws.ToString(cd.Image)
	switch mode {
	case ModePipeline:
		if image != ImagePlaceholder {
			c.addf(FileTaskDef+": containerDefinitions[name="+lb.ContainerName+"].image",
				"%q is not %s; in pipeline mode the app container named in appspec.yaml must carry the placeholder", image, ImagePlaceholder)
		}
	case ModeDirect:
		if img != nil && image != img.URI {
			c.addf(FileTaskDef+": containerDefinitions[name="+lb.ContainerName+"].image",
				"%q is not the image of %s (%q); direct mode deploys exactly that image", image, FileImageDetail, img.URI)
		}
		if m := taskDefARNRE.FindStringSubmatch(pr.TaskDefinition); m != nil && reg.Family != nil && m[2] != *reg.Family {
			c.addf(FileAppSpec+": TaskDefinition", "%q is of family %q, but %s has family %q", pr.TaskDefinition, m[2], FileTaskDef, *reg.Family)
		}
	}
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
