// Package imagedefs renders and checks imagedefinitions.json, the file
// CodePipeline's standard ECS deploy action reads: which image each
// container of the service's task definition runs next. In ecs mode it is
// the release artifact in place of the CodeDeploy trio (imageDetail.json,
// taskdef.json, appspec.yaml).
package imagedefs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"dagger/ecs-bluegreen/bundle"
)

// FileName is the name the ECS deploy action looks for at the artifact root.
const FileName = "imagedefinitions.json"

// Definition is one entry: a container of the task definition and the image
// it runs.
type Definition struct {
	// Name is the container name in the task definition.
	Name string `json:"name"`
	// ImageURI is the digest-pinned image.
	ImageURI string `json:"imageUri"`
}

// containerNameRE is ECS's rule for container names.
var containerNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

const nameAccepted = "1-255 letters, digits, '-' or '_' (an ECS container name)"

// Render returns imagedefinitions.json for one container running image. The
// image must be digest-pinned: the action registers whatever it is given,
// and a tag could point elsewhere by the time ECS pulls it.
func Render(container, image string) ([]byte, error) {
	d := Definition{Name: container, ImageURI: image}
	if problems := d.problems(); len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", FileName, strings.Join(problems, "; "))
	}
	out, err := json.MarshalIndent([]Definition{d}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Parse decodes imagedefinitions.json strictly (a non-empty array of
// {name, imageUri}, nothing else) and checks every entry, reporting every
// problem at once.
func Parse(data []byte) ([]Definition, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var defs []Definition
	if err := dec.Decode(&defs); err != nil {
		return nil, fmt.Errorf("%s: %v; want a JSON array of {\"name\": <container>, \"imageUri\": <image>}", FileName, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: data after the array; want one JSON array", FileName)
	}
	if len(defs) == 0 {
		return nil, fmt.Errorf("%s: the array is empty; want one entry per container to update", FileName)
	}
	var problems []string
	seen := map[string]bool{}
	for i, d := range defs {
		for _, p := range d.problems() {
			problems = append(problems, fmt.Sprintf("entry %d: %s", i, p))
		}
		if seen[d.Name] {
			problems = append(problems, fmt.Sprintf("entry %d: container %q appears twice; want each container once", i, d.Name))
		}
		seen[d.Name] = true
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s:\n  - %s", FileName, strings.Join(problems, "\n  - "))
	}
	return defs, nil
}

// ImageFor returns the image the file gives container, or an error naming
// the containers it does have.
func ImageFor(defs []Definition, container string) (string, error) {
	var names []string
	for _, d := range defs {
		if d.Name == container {
			return d.ImageURI, nil
		}
		names = append(names, d.Name)
	}
	return "", fmt.Errorf("%s has no entry for container %q (it names %s); the deploy action would leave that container's image unchanged",
		FileName, container, strings.Join(names, ", "))
}

// problems lists what is wrong with one entry.
func (d Definition) problems() []string {
	var out []string
	if !containerNameRE.MatchString(d.Name) {
		out = append(out, fmt.Sprintf("container name %q is not valid; want %s", d.Name, nameAccepted))
	}
	if _, err := bundle.ParseImage(d.ImageURI); err != nil {
		out = append(out, err.Error())
	}
	return out
}
