package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// CodeDeploy and CodePipeline take artifacts under any file name (the
// actions' TaskDefinitionTemplatePath and AppSpecTemplatePath), so a file is
// known by what it holds; its name decides only when its content cannot be
// read at all, so that a broken taskdef.json is reported as a broken task
// definition.

// Appspec platforms: CodeDeploy appspecs exist for three compute platforms;
// only the ECS one is checked by this package's rules.
const (
	PlatformECS    = "ECS"
	PlatformLambda = "Lambda"
	PlatformServer = "EC2/on-premises"
)

// Classification is what a file was taken for.
type Classification struct {
	// Kind is the canonical artifact name (taskdef.json, appspec.yaml,
	// imageDetail.json, imagedefinitions.json, release.json); "" when the
	// file is none of them.
	Kind string
	// Platform is the compute platform of an appspec (ECS, Lambda or
	// EC2/on-premises); "" for other kinds.
	Platform string
	// Why says, for a file that is no artifact, what it holds instead.
	Why string
}

// Label names what the file was taken for, e.g. "ECS appspec".
func (c Classification) Label() string {
	switch {
	case c.Kind == "":
		return "not a deployment artifact"
	case c.Platform != "":
		return c.Platform + " " + kindLabels[c.Kind]
	}
	return kindLabels[c.Kind]
}

// ArtifactKind says which artifact a file is, from its content (a task
// definition, an appspec, an imageDetail, imagedefinitions or release
// document) whatever its name, or from its name when the content cannot be
// read. It returns the canonical name (e.g. taskdef.json) and false when the
// file is none of them.
func ArtifactKind(name string, data []byte) (string, bool) {
	c := Classify(name, data)
	return c.Kind, c.Kind != ""
}

// Classify says what a file is: see ArtifactKind.
func Classify(name string, data []byte) Classification {
	c, _ := classify(name, data)
	return c
}

// parsedDoc is what classify parsed, so the decoders do not parse again: a
// JSON document, or a YAML file of exactly one document.
type parsedDoc struct {
	json *jsonNode
	yaml *yaml.Node
}

// classify is Classify, also returning what it parsed.
func classify(name string, data []byte) (c Classification, doc parsedDoc) {
	trimmed := bytes.TrimSpace(data)
	var readErr error
	switch {
	case len(trimmed) == 0:
		c.Why = "it is empty"
	case trimmed[0] == '{' || trimmed[0] == '[':
		parsed, err := parseJSONDoc(trimmed)
		if err != nil {
			readErr = err
			break
		}
		doc.json = parsed
		c = classifyJSON(parsed)
	default:
		var root, extra yaml.Node
		dec := yaml.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&root); err != nil {
			readErr = err
			break
		}
		if err := dec.Decode(&extra); errors.Is(err, io.EOF) {
			doc.yaml = &root // a second document is the appspec-syntax rule's to report
		}
		c = classifyYAML(&root)
	}
	if c.Kind != "" {
		return c, doc
	}
	// Unreadable or unknown content: a file named as an artifact is that
	// artifact (its decoding rule then says what is wrong), and so is one
	// whose name says what it means to be.
	if kind, ok := kindByName(name); ok {
		c := Classification{Kind: kind}
		if kind == FileAppSpec {
			c.Platform = PlatformECS
		}
		return c, doc
	}
	if readErr != nil {
		c.Why = "it is neither valid JSON nor YAML (" + readErr.Error() + ")"
	}
	return c, parsedDoc{}
}

// kindByName says which artifact a name means: an exact artifact name
// (taskdef.json, appspec.yml…), or a variant such as taskdef-prod.json or
// appspec-bg.yaml.
func kindByName(name string) (string, bool) {
	base := path.Base(name)
	if kind, ok := artifactNames[base]; ok {
		return kind, true
	}
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".json") && (strings.Contains(lower, "taskdef") || strings.Contains(lower, "task-definition") || strings.Contains(lower, "task_definition")):
		return FileTaskDef, true
	case strings.HasPrefix(lower, "appspec") && (strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".json")):
		return FileAppSpec, true
	}
	return "", false
}

// classifyJSON tells a JSON artifact by its members.
func classifyJSON(doc *jsonNode) Classification {
	if doc.kind == '[' {
		for _, it := range doc.items {
			if hasMemberFold(it, "imageUri") {
				return Classification{Kind: FileImageDefinitions}
			}
		}
		return Classification{Why: "it is a JSON array without {\"name\", \"imageUri\"} entries"}
	}
	if doc.kind != '{' {
		return Classification{Why: "it is " + doc.describe()}
	}
	switch {
	case doc.get("containerDefinitions") != nil || doc.get("family") != nil:
		return Classification{Kind: FileTaskDef}
	case doc.get("taskDefinition") != nil && doc.get("taskDefinition").kind == '{':
		return Classification{Kind: FileTaskDef} // describe-task-definition output; its rule says so
	case doc.get("name") != nil && hasMemberFold(doc, "imageUri"):
		return Classification{Kind: FileImageDefinitions} // one entry, not in a list: its rule says so
	case hasMemberFold(doc, "ImageURI") && doc.get("taskFamily") == nil:
		return Classification{Kind: FileImageDetail}
	case doc.get("taskFamily") != nil && doc.get("files") != nil:
		return Classification{Kind: FileRelease}
	}
	keys := make([]string, 0, len(doc.members))
	for _, m := range doc.members {
		keys = append(keys, m.name)
	}
	if c, ok := classifyAppSpecKeys(keys, func(key string) *yaml.Node { return nil }, doc); ok {
		return c
	}
	return Classification{Why: "its members (" + strings.Join(firstN(keys, 5), ", ") + ") are those of no deployment artifact"}
}

// classifyYAML tells a YAML appspec by its top-level keys.
func classifyYAML(root *yaml.Node) Classification {
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return Classification{Why: "it is a YAML document but not a mapping"}
	}
	m := root.Content[0]
	var keys []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		keys = append(keys, m.Content[i].Value)
	}
	get := func(key string) *yaml.Node {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if strings.EqualFold(m.Content[i].Value, key) {
				return m.Content[i+1]
			}
		}
		return nil
	}
	if c, ok := classifyAppSpecKeys(keys, get, nil); ok {
		return c
	}
	return Classification{Why: "its keys (" + strings.Join(firstN(keys, 5), ", ") + ") are those of no deployment artifact"}
}

// classifyAppSpecKeys recognizes an appspec by its top-level keys (any
// case), and its platform: os or files mean EC2/on-premises; a resource of
// Type AWS::Lambda::Function without ECS properties means Lambda.
func classifyAppSpecKeys(keys []string, yamlGet func(string) *yaml.Node, jsonDoc *jsonNode) (Classification, bool) {
	has := map[string]bool{}
	for _, k := range keys {
		has[strings.ToLower(k)] = true
	}
	// version alone is not enough: docker-compose files have one too. An
	// appspec has Resources or Hooks, or the appspec version 0.0.
	if !has["resources"] && !has["hooks"] && !(has["version"] && appSpecVersion(yamlGet, jsonDoc) == AppSpecVersion) {
		return Classification{}, false
	}
	if has["os"] || has["files"] || has["permissions"] {
		return Classification{Kind: FileAppSpec, Platform: PlatformServer}, true
	}
	if isLambdaAppSpec(yamlGet, jsonDoc) {
		return Classification{Kind: FileAppSpec, Platform: PlatformLambda}, true
	}
	return Classification{Kind: FileAppSpec, Platform: PlatformECS}, true
}

// appSpecVersion returns the top-level version's text, in either format.
func appSpecVersion(yamlGet func(string) *yaml.Node, jsonDoc *jsonNode) string {
	if jsonDoc != nil {
		for _, m := range jsonDoc.members {
			if strings.EqualFold(m.name, "version") && m.value.kind == 0 {
				return strings.TrimSpace(fmt.Sprint(m.value.scalar))
			}
		}
		return ""
	}
	if n := yamlGet("version"); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// isLambdaAppSpec reports whether the appspec's resources are Lambda
// functions (Type AWS::Lambda::Function, with the Lambda properties name,
// alias, currentversion and targetversion rather than TaskDefinition).
func isLambdaAppSpec(yamlGet func(string) *yaml.Node, jsonDoc *jsonNode) bool {
	var n *yaml.Node
	if jsonDoc != nil {
		// JSON is YAML: read the document again as YAML to share the walk.
		var root yaml.Node
		if err := yaml.Unmarshal(jsonDoc.encode(), &root); err != nil || len(root.Content) == 0 {
			return false
		}
		m := root.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if strings.EqualFold(m.Content[i].Value, "resources") {
				n = m.Content[i+1]
			}
		}
	} else {
		n = yamlGet("resources")
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		return false
	}
	lambda := false
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			continue
		}
		for i := 1; i < len(item.Content); i += 2 {
			res := item.Content[i]
			typ, props := mapValueFold(res, "type"), mapValueFold(res, "properties")
			if typ == nil || typ.Value != "AWS::Lambda::Function" {
				return false
			}
			if props != nil && (mapValueFold(props, "TaskDefinition") != nil || mapValueFold(props, "LoadBalancerInfo") != nil) {
				return false // an ECS resource with the wrong Type: the ECS rules say so
			}
			lambda = true
		}
	}
	return lambda
}

// mapValueFold returns the value of a mapping's key, matched in any case.
func mapValueFold(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if strings.EqualFold(n.Content[i].Value, key) {
			return n.Content[i+1]
		}
	}
	return nil
}

// hasMemberFold reports whether an object has a member named name in any case.
func hasMemberFold(n *jsonNode, name string) bool {
	if n == nil || n.kind != '{' {
		return false
	}
	for _, m := range n.members {
		if strings.EqualFold(m.name, name) {
			return true
		}
	}
	return false
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}
