package bundle

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ImagePlaceholder is what the CodeDeploy-to-ECS action replaces with the
// image URI of imageDetail.json (its Image1ContainerName is IMAGE1_NAME).
const ImagePlaceholder = "<IMAGE1_NAME>"

// describeTimestamps are the read-only timestamps of a described task
// definition. The CLI prints them as ISO strings while the API sends epoch
// seconds; neither is needed to register a revision, so they are dropped
// before decoding.
var describeTimestamps = []string{"registeredAt", "deregisteredAt", "deleteRequestedAt"}

var familyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// TaskDefinitionFromDescribe decodes the output of
// `aws ecs describe-task-definition` ({"taskDefinition": …, "tags": […]}) or a
// bare task definition object. Unknown members are violations, so a file of
// the wrong kind is refused rather than half-read.
func TaskDefinitionFromDescribe(data []byte) (*ecstypes.TaskDefinition, []ecstypes.Tag, error) {
	const file = "describe-task-definition output"
	doc, err := parseJSONDoc(data)
	if err != nil {
		return nil, nil, Violations{{Field: file, Message: "is not valid JSON: " + err.Error()}}
	}
	if doc.kind != '{' {
		return nil, nil, Violations{{Field: file, Message: "is " + doc.describe() + "; want a JSON object"}}
	}
	if doc.get("taskDefinition") == nil {
		doc = &jsonNode{kind: '{', members: []jsonMember{{name: "taskDefinition", value: doc}}}
	}
	var c collector
	checkShape(&c, file, doc, schemas.DescribeTaskDefinitionResponse, "", nil)
	if !c.ok() {
		return nil, nil, c.err()
	}
	td := doc.get("taskDefinition").without(describeTimestamps...)
	wrapped := &jsonNode{kind: '{', members: []jsonMember{{name: "taskDefinition", value: td}}}
	if tags := doc.get("tags"); tags != nil {
		wrapped.members = append(wrapped.members, jsonMember{name: "tags", value: tags})
	}
	var out ecs.DescribeTaskDefinitionOutput
	if err := wireDecode(describeOp, wrapped.encode(), &out); err != nil {
		return nil, nil, Violations{{Field: file, Message: "cannot be decoded: " + err.Error()}}
	}
	return out.TaskDefinition, out.Tags, nil
}

// RegisterInput strictly decodes a taskdef.json into the input of
// RegisterTaskDefinition, for a direct (pipeline-less) deployment. Every rule
// of the engine that reads a task definition runs, policy rules as errors:
// unknown and read-only members, values of the wrong type, launch-type
// constraints, and any placeholder left in an image are refused.
func RegisterInput(taskdefJSON []byte) (*ecs.RegisterTaskDefinitionInput, error) {
	e := &engine{opts: releaseOptions(ModeDirect)}
	e.a = &Artifacts{Mode: ModeDirect, file: map[string]string{FileTaskDef: FileTaskDef},
		raw: map[string][]byte{FileTaskDef: taskdefJSON}, damaged: map[string][]string{}}
	e.a.TaskDef = decodeTaskDefRules(e, e.a, FileTaskDef, taskdefJSON, nil)
	e.runRules()
	if vs := (&Report{Findings: e.findings}).Violations(); len(vs) > 0 {
		return nil, vs
	}
	return e.a.TaskDef, nil
}

// decodeTaskDef strictly decodes a taskdef.json, recording violations in c.
// It returns nil when the document cannot be decoded.
func decodeTaskDef(c *collector, file string, data []byte) *ecs.RegisterTaskDefinitionInput {
	doc, err := parseJSONDoc(data)
	if err != nil {
		c.addf(file, "is not valid JSON: %v", err)
		return nil
	}
	return decodeTaskDefDoc(c, file, doc)
}

// decodeTaskDefDoc is decodeTaskDef on a parsed document, which it may
// change (see checkShape).
func decodeTaskDefDoc(c *collector, file string, doc *jsonNode) *ecs.RegisterTaskDefinitionInput {
	// Shape errors are recorded, and the document is decoded as checkShape
	// repaired it, so the other rules still run on everything else. The
	// output of describe-task-definition ({"taskDefinition": …}) is the
	// exception: it is not a task definition at all.
	wrapper := doc.get("taskDefinition") != nil
	if !checkShape(c, file, doc, schemas.RegisterTaskDefinitionRequest, "", readOnlyTaskDefFields) || wrapper {
		return nil
	}
	// RegisterTaskDefinitionInput has no decoder of its own; the response of
	// DescribeTaskDefinition carries the same members (tags beside the task
	// definition), so decode through it and copy across.
	wrapped := &jsonNode{kind: '{', members: []jsonMember{{name: "taskDefinition", value: doc.without("tags")}}}
	if tags := doc.get("tags"); tags != nil {
		wrapped.members = append(wrapped.members, jsonMember{name: "tags", value: tags})
	}
	var out ecs.DescribeTaskDefinitionOutput
	if err := wireDecode(describeOp, wrapped.encode(), &out); err != nil {
		c.addf(file, "cannot be decoded: %v", err)
		return nil
	}
	if out.TaskDefinition == nil {
		out.TaskDefinition = &ecstypes.TaskDefinition{}
	}
	return RegisterFromDescribed(out.TaskDefinition, out.Tags)
}

// RegisterFromDescribed copies every member of a described task definition
// that RegisterTaskDefinition accepts (matching field names), leaving the
// read-only ones behind. Container definitions are copied so the caller can
// change an image without touching td.
func RegisterFromDescribed(td *ecstypes.TaskDefinition, tags []ecstypes.Tag) *ecs.RegisterTaskDefinitionInput {
	in := &ecs.RegisterTaskDefinitionInput{}
	src := reflect.ValueOf(td).Elem()
	dst := reflect.ValueOf(in).Elem()
	for i := 0; i < dst.NumField(); i++ {
		f := dst.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if sv := src.FieldByName(f.Name); sv.IsValid() && sv.Type() == f.Type {
			dst.Field(i).Set(sv)
		}
	}
	in.ContainerDefinitions = slices.Clone(td.ContainerDefinitions)
	if len(tags) > 0 {
		in.Tags = slices.Clone(tags)
	}
	return in
}

// encodeTaskDef renders a RegisterTaskDefinition input as taskdef.json.
func encodeTaskDef(in *ecs.RegisterTaskDefinitionInput) ([]byte, error) {
	wire, err := WireJSON(in)
	if err != nil {
		return nil, err
	}
	doc, err := parseJSONDoc(wire)
	if err != nil {
		return nil, fmt.Errorf("reading the serialized task definition: %w", err)
	}
	sortMembers(doc, "")
	return doc.encode(), nil
}

// findContainer returns the named container definition, or nil.
func findContainer(in *ecs.RegisterTaskDefinitionInput, name string) *ecstypes.ContainerDefinition {
	for i := range in.ContainerDefinitions {
		if cd := &in.ContainerDefinitions[i]; cd.Name != nil && *cd.Name == name {
			return cd
		}
	}
	return nil
}

// containerNames lists the container names of a task definition for messages.
func containerNames(in *ecs.RegisterTaskDefinitionInput) string {
	var names []string
	for _, cd := range in.ContainerDefinitions {
		if cd.Name != nil {
			names = append(names, fmt.Sprintf("%q", *cd.Name))
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// checkContainerPort records when the task definition has no container
// called name, or that container has no port mapping for port: the load
// balancer would have nothing to route to.
func checkContainerPort(c *collector, field string, in *ecs.RegisterTaskDefinitionInput, name string, port int32) {
	cd := findContainer(in, name)
	if cd == nil {
		c.addf(field+".ContainerName", "%q is not a container of the task definition; its containers are %s", name, containerNames(in))
		return
	}
	mapped, ports := mapsPort(cd, port)
	if mapped {
		return
	}
	if len(ports) == 0 {
		ports = []string{"none"}
	}
	c.addf(field+".ContainerPort", "%d is not a containerPort of container %q; its port mappings are %s", port, name, strings.Join(ports, ", "))
}

// mapsPort reports whether a container maps port, and lists the container
// ports it does map, for messages.
func mapsPort(cd *ecstypes.ContainerDefinition, port int32) (bool, []string) {
	var ports []string
	for _, pm := range cd.PortMappings {
		if pm.ContainerPort != nil {
			if *pm.ContainerPort == port {
				return true, nil
			}
			ports = append(ports, fmt.Sprint(*pm.ContainerPort))
		}
	}
	return false, ports
}
