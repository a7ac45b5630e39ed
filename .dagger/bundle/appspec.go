package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// TaskDefinitionPlaceholder is what the CodeDeploy-to-ECS action replaces
// with the ARN of the task definition it registers from taskdef.json.
const TaskDefinitionPlaceholder = "<TASK_DEFINITION>"

// AppSpecVersion is the only appspec version CodeDeploy knows.
const AppSpecVersion = "0.0"

// ECSServiceType is the resource type of an ECS appspec target.
const ECSServiceType = "AWS::ECS::Service"

// AppSpec is the Go shape of an ECS appspec.yaml. Decoding into it with
// unknown fields refused catches misspelt keys CodeDeploy would ignore.
type AppSpec struct {
	// Version is always 0.0.
	Version string `yaml:"version"`
	// Resources holds exactly one entry mapping a name (TargetService) to the service.
	Resources []map[string]AppSpecResource `yaml:"Resources"`
	// Hooks maps lifecycle events to Lambda functions, one event per entry.
	Hooks []map[string]string `yaml:"Hooks,omitempty"`
}

// AppSpecResource is the ECS service being deployed.
type AppSpecResource struct {
	// Type is AWS::ECS::Service.
	Type string `yaml:"Type"`
	// Properties describe the replacement task set.
	Properties AppSpecProperties `yaml:"Properties"`
}

// AppSpecProperties are the properties of the replacement task set.
type AppSpecProperties struct {
	// TaskDefinition is <TASK_DEFINITION> (pipeline) or a task definition ARN (direct).
	TaskDefinition string `yaml:"TaskDefinition"`
	// LoadBalancerInfo names the container and port the target groups route to.
	LoadBalancerInfo LoadBalancerInfo `yaml:"LoadBalancerInfo"`
	// PlatformVersion is the Fargate platform version, if pinned.
	PlatformVersion string `yaml:"PlatformVersion,omitempty"`
	// NetworkConfiguration is the awsvpc configuration, if given.
	NetworkConfiguration *NetworkConfiguration `yaml:"NetworkConfiguration,omitempty"`
	// CapacityProviderStrategy is the service's strategy, if it has one.
	CapacityProviderStrategy []CapacityProvider `yaml:"CapacityProviderStrategy,omitempty"`
}

// LoadBalancerInfo names the container and port behind the load balancer.
type LoadBalancerInfo struct {
	// ContainerName must be a container of the task definition.
	ContainerName string `yaml:"ContainerName"`
	// ContainerPort must be a containerPort of that container (an integer in YAML).
	ContainerPort int32 `yaml:"ContainerPort"`
}

// NetworkConfiguration wraps the awsvpc configuration, as the appspec nests it.
type NetworkConfiguration struct {
	// AwsvpcConfiguration holds subnets, security groups and the public IP choice.
	AwsvpcConfiguration AwsvpcConfiguration `yaml:"AwsvpcConfiguration"`
}

// AwsvpcConfiguration is the appspec form of Network.
type AwsvpcConfiguration struct {
	// Subnets are subnet ids.
	Subnets []string `yaml:"Subnets"`
	// SecurityGroups are security group ids.
	SecurityGroups []string `yaml:"SecurityGroups"`
	// AssignPublicIp is ENABLED or DISABLED.
	AssignPublicIp string `yaml:"AssignPublicIp"`
}

// CapacityProvider is one item of a capacity provider strategy.
type CapacityProvider struct {
	// Base is the minimum number of tasks on this provider.
	Base int32 `yaml:"Base"`
	// CapacityProvider is the provider name, e.g. FARGATE_SPOT.
	CapacityProvider string `yaml:"CapacityProvider"`
	// Weight is the relative share of tasks after the bases are met.
	Weight int32 `yaml:"Weight"`
}

// AppSpecContent is an appspec sent inline to CodeDeploy CreateDeployment
// (revision type AppSpecContent) in direct mode.
type AppSpecContent struct {
	// Content is the appspec.yaml document.
	Content string
	// Sha256 is the hex SHA-256 of Content, which CodeDeploy checks.
	Sha256 string
}

// NewAppSpecContent pairs an appspec document with its SHA-256.
func NewAppSpecContent(appspec []byte) AppSpecContent {
	sum := sha256.Sum256(appspec)
	return AppSpecContent{Content: string(appspec), Sha256: hex.EncodeToString(sum[:])}
}

// Target returns the single resource's properties, or nil when Resources does
// not hold exactly one resource.
func (a *AppSpec) Target() *AppSpecProperties {
	if len(a.Resources) != 1 || len(a.Resources[0]) != 1 {
		return nil
	}
	for _, r := range a.Resources[0] {
		return &r.Properties
	}
	return nil
}

// DecodeAppSpec decodes an ECS appspec in YAML or JSON, matching keys
// without regard to case as CodeDeploy does; unknown keys, wrong types (a
// quoted ContainerPort, a list where a map belongs) and more than one
// document are errors.
func DecodeAppSpec(data []byte) (*AppSpec, error) {
	e := &engine{}
	spec := decodeAppSpecRules(e, &Artifacts{damaged: map[string][]string{}}, FileAppSpec, data, nil)
	if vs := (&Report{Findings: e.findings}).Violations(); len(vs) > 0 {
		return nil, vs
	}
	return spec, nil
}

func countResources(a *AppSpec) int {
	n := 0
	for _, r := range a.Resources {
		n += len(r)
	}
	return n
}

// encodeAppSpec renders a as deterministic YAML in the layout of the AWS
// documentation: version 0.0 as a plain number, strings double-quoted, the
// <TASK_DEFINITION> placeholder plain, ports and weights as integers.
func encodeAppSpec(a *AppSpec) ([]byte, error) {
	root := mapping(
		"version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: a.Version},
	)
	resources := &yaml.Node{Kind: yaml.SequenceNode}
	for _, res := range a.Resources {
		for _, name := range sortedKeys(res) {
			r := res[name]
			resources.Content = append(resources.Content, mapping(name, mapping(
				"Type", str(r.Type),
				"Properties", propertiesNode(&r.Properties),
			)))
		}
	}
	root.Content = append(root.Content, key("Resources"), resources)
	if len(a.Hooks) > 0 {
		hooks := &yaml.Node{Kind: yaml.SequenceNode}
		for _, h := range a.Hooks {
			for _, name := range sortedKeys(h) {
				hooks.Content = append(hooks.Content, mapping(name, str(h[name])))
			}
		}
		root.Content = append(root.Content, key("Hooks"), hooks)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encoding appspec: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding appspec: %w", err)
	}
	return b.Bytes(), nil
}

func propertiesNode(pr *AppSpecProperties) *yaml.Node {
	td := str(pr.TaskDefinition)
	if pr.TaskDefinition == TaskDefinitionPlaceholder {
		td.Style = 0
	}
	n := mapping(
		"TaskDefinition", td,
		"LoadBalancerInfo", mapping(
			"ContainerName", str(pr.LoadBalancerInfo.ContainerName),
			"ContainerPort", integer(pr.LoadBalancerInfo.ContainerPort),
		),
	)
	if pr.PlatformVersion != "" {
		n.Content = append(n.Content, key("PlatformVersion"), str(pr.PlatformVersion))
	}
	if nc := pr.NetworkConfiguration; nc != nil {
		v := nc.AwsvpcConfiguration
		n.Content = append(n.Content, key("NetworkConfiguration"), mapping("AwsvpcConfiguration", mapping(
			"Subnets", strList(v.Subnets),
			"SecurityGroups", strList(v.SecurityGroups),
			"AssignPublicIp", str(v.AssignPublicIp),
		)))
	}
	if len(pr.CapacityProviderStrategy) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, it := range pr.CapacityProviderStrategy {
			seq.Content = append(seq.Content, mapping(
				"Base", integer(it.Base),
				"CapacityProvider", str(it.CapacityProvider),
				"Weight", integer(it.Weight),
			))
		}
		n.Content = append(n.Content, key("CapacityProviderStrategy"), seq)
	}
	return n
}

// mapping builds a YAML mapping from alternating keys and value nodes.
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i < len(kv); i += 2 {
		n.Content = append(n.Content, key(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

func key(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}

func integer(i int32) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(int(i))}
}

func strList(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}
