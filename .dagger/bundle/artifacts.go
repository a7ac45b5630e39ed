package bundle

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// FileImageDefinitions is the file the CodePipeline ECS (standard) deploy
// action reads: [{"name": "<container>", "imageUri": "<image>"}].
const FileImageDefinitions = "imagedefinitions.json"

// artifactNames maps every file name the engine reads to its kind. CodeDeploy
// takes an appspec as YAML or JSON under any of the three names; ECS tooling
// names the task definition taskdef.json or task-definition.json.
var artifactNames = map[string]string{
	FileImageDetail:        FileImageDetail,
	FileTaskDef:            FileTaskDef,
	"task-definition.json": FileTaskDef,
	FileAppSpec:            FileAppSpec,
	"appspec.yml":          FileAppSpec,
	"appspec.json":         FileAppSpec,
	FileImageDefinitions:   FileImageDefinitions,
	FileRelease:            FileRelease,
}

// kindLabels name the kinds of artifact in messages.
var kindLabels = map[string]string{
	FileImageDetail: "image detail file", FileTaskDef: "task definition", FileAppSpec: "appspec",
	FileImageDefinitions: "image definitions file", FileRelease: "release summary",
}

// Artifacts are the decoded files of one set. A field is nil when its file
// is absent or could not be decoded (the decoding rule says why).
type Artifacts struct {
	// Mode is the mode the set is checked in.
	Mode Mode
	// TaskDef is taskdef.json as the RegisterTaskDefinition input.
	TaskDef *ecs.RegisterTaskDefinitionInput
	// AppSpec is the appspec, whatever its format and key casing.
	AppSpec *AppSpec
	// ImageDetail is imageDetail.json.
	ImageDetail *ImageDetail
	// ImageDefinitions is imagedefinitions.json.
	ImageDefinitions []ImageDefinition
	// Release is release.json.
	Release *Release

	// file names the file each kind came from, e.g. appspec.json.
	file map[string]string
	raw  map[string][]byte
	// damaged maps a file to the paths its decoder reported and could not
	// keep; findings of other rules there are not repeated.
	damaged map[string][]string
}

// ImageDetail is imageDetail.json. The CodeDeploy-to-ECS action reads only
// ImageURI; the ECR source action writes more keys beside it, which are kept
// for cross-checks.
type ImageDetail struct {
	// ImageURI is the image the action puts in place of the placeholder.
	ImageURI string
	// ImageDigest is the digest the ECR source action records, if present.
	ImageDigest string
}

// ImageDefinition is one entry of imagedefinitions.json.
type ImageDefinition struct {
	// Name is the container name in the service's task definition.
	Name string `json:"name"`
	// ImageURI is the image that container runs.
	ImageURI string `json:"imageUri"`
}

// has reports whether the set holds a file of kind.
func (a *Artifacts) has(kind string) bool { _, ok := a.file[kind]; return ok }

// fileOf returns the name the file of kind was given, e.g. appspec.yml.
func (a *Artifacts) fileOf(kind string) string {
	if name, ok := a.file[kind]; ok {
		return name
	}
	return kind
}

// fileNames lists the artifact files of the set, sorted.
func (a *Artifacts) fileNames() []string {
	var out []string
	for _, n := range a.file {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// decodeTaskDefRules decodes a task definition, reporting bad JSON and a
// document that does not fit the RegisterTaskDefinition shape.
func decodeTaskDefRules(e *engine, a *Artifacts, file string, data []byte, doc *jsonNode) *ecs.RegisterTaskDefinitionInput {
	var c collector
	var reg *ecs.RegisterTaskDefinitionInput
	if doc != nil {
		reg = decodeTaskDefDoc(&c, file, doc)
	} else {
		reg = decodeTaskDef(&c, file, data)
	}
	for _, p := range c.damaged {
		if reg != nil {
			p = enumPath(reg, p) // containers by name, as the rules write them
		}
		a.damaged[file] = append(a.damaged[file], p)
	}
	for _, v := range c.vs {
		// decodeTaskDef reports unparsable JSON on the file itself, and
		// everything else (the shape) on a member.
		rule := e.rule("taskdef-shape")
		if v.Field == file && strings.HasPrefix(v.Message, "is not valid JSON") {
			rule = e.rule("taskdef-json")
		}
		rule.addf(file, strings.TrimPrefix(strings.TrimPrefix(v.Field, file), ": "), "%s", v.Message)
	}
	return reg
}

// imageDetailKeys are the keys the ECR source action writes into
// imageDetail.json; the CodeDeploy-to-ECS action reads only ImageURI.
// https://docs.aws.amazon.com/codepipeline/latest/userguide/file-reference.html#file-reference-ecs-bluegreen
var imageDetailKeys = []string{"ImageSizeInBytes", "ImageDigest", "Version", "ImagePushedAt",
	"RegistryId", "RepositoryName", "ImageURI", "ImageTags"}

// decodeImageDetail reads imageDetail.json: an object whose ImageURI (exact
// case) is a string. Other keys the ECR source action writes are accepted.
func decodeImageDetail(e *engine, file string, data []byte) *ImageDetail {
	r := e.rule("imagedetail-json")
	doc, err := parseJSONDoc(data)
	if err != nil {
		r.addf(file, "", "is not valid JSON: %v", err)
		return nil
	}
	if doc.kind != '{' {
		r.addf(file, "", "is %s; want an object such as {\"ImageURI\": \"<image>\"}", doc.describe())
		return nil
	}
	d := &ImageDetail{}
	uri := doc.get("ImageURI")
	if uri == nil {
		hint := ""
		for _, m := range doc.members {
			if strings.EqualFold(m.name, "ImageURI") {
				hint = "; found " + m.name + ", but the action reads the key ImageURI exactly (case-sensitive)"
			}
		}
		r.addf(file, "ImageURI", "is missing%s", hint)
		return nil
	}
	s, ok := uri.scalar.(string)
	if !ok || uri.kind != 0 {
		r.addf(file, "ImageURI", "must be a string, got %s", uri.describe())
		return nil
	}
	d.ImageURI = s
	if dg := doc.get("ImageDigest"); dg != nil {
		d.ImageDigest, _ = dg.scalar.(string)
	}
	return d
}

// decodeImageDefinitions reads imagedefinitions.json: a non-empty array of
// {"name", "imageUri"} objects.
func decodeImageDefinitions(e *engine, file string, data []byte) []ImageDefinition {
	r := e.rule("imagedefinitions-json")
	var defs []ImageDefinition
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&defs); err != nil {
		r.addf(file, "", "is not a list of {\"name\": \"<container>\", \"imageUri\": \"<image>\"}: %v", err)
		return nil
	}
	if len(defs) == 0 {
		r.addf(file, "", "is an empty list; want one {\"name\", \"imageUri\"} entry per container to update")
		return nil
	}
	return defs
}

// isDamaged reports whether field of file lies at or under a path its
// decoder reported and could not keep.
func (a *Artifacts) isDamaged(file, field string) bool {
	for _, p := range a.damaged[file] {
		if p == "" || field == p || strings.HasPrefix(field, p+".") || strings.HasPrefix(field, p+"[") {
			return true
		}
	}
	return false
}
