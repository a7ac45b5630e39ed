package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// CodeDeploy reads an ECS appspec as YAML or JSON (JSON is read as YAML here,
// which it is a subset of) and matches its keys without regard to case: the
// AWS samples write both "Resources" and "resources", "AwsvpcConfiguration"
// and "awsvpcConfiguration". So keys are matched case-insensitively; unknown
// keys, keys given twice and values of the wrong type are reported.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html

// appSpecDecoder fills an AppSpec from a YAML node tree, reporting through
// the appspec-shape rule.
type appSpecDecoder struct {
	r    *run
	file string
	// damaged collects the paths of values reported and not kept.
	damaged []string
}

// decodeAppSpecRules parses an appspec (YAML or JSON) and decodes it, or
// returns nil when it cannot be read at all. parsed is the file's single
// YAML document when the caller has parsed it already, else nil.
func decodeAppSpecRules(e *engine, a *Artifacts, file string, data []byte, parsed *yaml.Node) *AppSpec {
	root := parsed
	if root == nil {
		root = &yaml.Node{}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(root); err != nil {
			e.rule("appspec-syntax").addf(file, "", "is not valid YAML or JSON: %v", err)
			return nil
		}
		var extra yaml.Node
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			e.rule("appspec-syntax").addf(file, "", "holds more than one YAML document; want exactly one")
			return nil
		}
	}
	d := &appSpecDecoder{r: e.rule("appspec-shape"), file: file}
	defer func() { a.damaged[file] = append(a.damaged[file], d.damaged...) }()
	spec := &AppSpec{}
	if len(root.Content) == 0 {
		d.r.addf(file, "", "is empty; want version, Resources and optional Hooks")
		return nil
	}
	d.object(root.Content[0], "", map[string]func(*yaml.Node, string){
		"version": func(n *yaml.Node, p string) { spec.Version, _ = d.scalar(n, p, "a number such as 0.0") },
		"Resources": func(n *yaml.Node, p string) {
			d.list(n, p, func(i int, item *yaml.Node, ip string) {
				spec.Resources = append(spec.Resources, d.resource(item, ip))
			})
		},
		"Hooks": func(n *yaml.Node, p string) {
			d.list(n, p, func(i int, item *yaml.Node, ip string) {
				hook := map[string]string{}
				d.mapping(item, ip, func(k string, v *yaml.Node, vp string) {
					hook[k], _ = d.scalar(v, vp, "a Lambda function name or ARN")
				})
				spec.Hooks = append(spec.Hooks, hook)
			})
		},
	})
	// Whatever was read is returned even after shape findings (a key
	// unknown, a port quoted), so the rules on the rest of the appspec and
	// between files still run: one problem must not hide another.
	return spec
}

// resource decodes one "- Name: {Type, Properties}" entry of Resources.
func (d *appSpecDecoder) resource(n *yaml.Node, p string) map[string]AppSpecResource {
	out := map[string]AppSpecResource{}
	d.mapping(n, p, func(name string, v *yaml.Node, vp string) {
		var res AppSpecResource
		d.object(v, vp, map[string]func(*yaml.Node, string){
			"Type":       func(n *yaml.Node, p string) { res.Type, _ = d.scalar(n, p, "AWS::ECS::Service") },
			"Properties": func(n *yaml.Node, p string) { res.Properties = d.properties(n, p) },
		})
		out[name] = res
	})
	return out
}

// properties decodes the ECS service properties of a resource.
func (d *appSpecDecoder) properties(n *yaml.Node, p string) AppSpecProperties {
	var pr AppSpecProperties
	d.object(n, p, map[string]func(*yaml.Node, string){
		"TaskDefinition": func(n *yaml.Node, p string) {
			pr.TaskDefinition, _ = d.scalar(n, p, "a task definition ARN or <TASK_DEFINITION>")
		},
		"LoadBalancerInfo": func(n *yaml.Node, p string) {
			d.object(n, p, map[string]func(*yaml.Node, string){
				"ContainerName": func(n *yaml.Node, p string) {
					pr.LoadBalancerInfo.ContainerName, _ = d.scalar(n, p, "a container name")
				},
				"ContainerPort": func(n *yaml.Node, p string) { pr.LoadBalancerInfo.ContainerPort = d.integer(n, p) },
			})
		},
		"PlatformVersion": func(n *yaml.Node, p string) {
			pr.PlatformVersion, _ = d.scalar(n, p, "LATEST or a version such as 1.4.0")
		},
		"NetworkConfiguration": func(n *yaml.Node, p string) {
			nc := &NetworkConfiguration{}
			pr.NetworkConfiguration = nc
			d.object(n, p, map[string]func(*yaml.Node, string){
				"AwsvpcConfiguration": func(n *yaml.Node, p string) {
					v := &nc.AwsvpcConfiguration
					d.object(n, p, map[string]func(*yaml.Node, string){
						"Subnets":        func(n *yaml.Node, p string) { v.Subnets = d.strings(n, p) },
						"SecurityGroups": func(n *yaml.Node, p string) { v.SecurityGroups = d.strings(n, p) },
						"AssignPublicIp": func(n *yaml.Node, p string) { v.AssignPublicIp, _ = d.scalar(n, p, "ENABLED or DISABLED") },
					})
				},
			})
		},
		"CapacityProviderStrategy": func(n *yaml.Node, p string) {
			d.list(n, p, func(i int, item *yaml.Node, ip string) {
				var cp CapacityProvider
				d.object(item, ip, map[string]func(*yaml.Node, string){
					"Base":             func(n *yaml.Node, p string) { cp.Base = d.integer(n, p) },
					"CapacityProvider": func(n *yaml.Node, p string) { cp.CapacityProvider, _ = d.scalar(n, p, "a capacity provider name") },
					"Weight":           func(n *yaml.Node, p string) { cp.Weight = d.integer(n, p) },
				})
				pr.CapacityProviderStrategy = append(pr.CapacityProviderStrategy, cp)
			})
		},
	})
	return pr
}

// join appends a key to a path.
func join(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

// mapping calls fn for each key of a mapping node, reporting keys given twice.
func (d *appSpecDecoder) mapping(n *yaml.Node, p string, fn func(key string, v *yaml.Node, vp string)) {
	if n.Kind != yaml.MappingNode {
		d.r.addf(d.file, p, "must be a mapping (key: value), got %s", nodeKind(n))
		d.damaged = append(d.damaged, p)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if seen[strings.ToLower(k)] {
			d.r.addf(d.file, join(p, k), "is given twice; give each key once")
			continue
		}
		seen[strings.ToLower(k)] = true
		fn(k, n.Content[i+1], join(p, k))
	}
}

// object decodes a mapping with known keys (matched case-insensitively),
// reporting unknown ones.
func (d *appSpecDecoder) object(n *yaml.Node, p string, fields map[string]func(*yaml.Node, string)) {
	d.mapping(n, p, func(k string, v *yaml.Node, vp string) {
		for name, fn := range fields {
			if strings.EqualFold(name, k) {
				fn(v, join(p, name))
				return
			}
		}
		accepted := sortedKeys(fields)
		d.r.addf(d.file, vp, "is not a known key here; accepted: %s", strings.Join(accepted, ", "))
		if near := nearestKey(k, accepted); near != "" {
			d.damaged = append(d.damaged, join(p, near))
		}
	})
}

// list calls fn for each item of a sequence node.
func (d *appSpecDecoder) list(n *yaml.Node, p string, fn func(i int, item *yaml.Node, ip string)) {
	if n.Kind != yaml.SequenceNode {
		d.r.addf(d.file, p, "must be a list, got %s", nodeKind(n))
		d.damaged = append(d.damaged, p)
		return
	}
	for i, item := range n.Content {
		fn(i, item, fmt.Sprintf("%s[%d]", p, i))
	}
}

// scalar returns a scalar's text, reporting anything else.
func (d *appSpecDecoder) scalar(n *yaml.Node, p, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.r.addf(d.file, p, "must be %s, got %s", want, nodeKind(n))
		d.damaged = append(d.damaged, p)
		return "", false
	}
	return n.Value, true
}

// integer returns an integer scalar, reporting a quoted number or anything else.
func (d *appSpecDecoder) integer(n *yaml.Node, p string) int32 {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if v, err := strconv.ParseInt(n.Value, 0, 32); err == nil {
			return int32(v)
		}
		d.r.addf(d.file, p, "must be a 32-bit integer, got %s", n.Value)
		d.damaged = append(d.damaged, p)
		return 0
	}
	d.r.addf(d.file, p, "must be an integer (unquoted), got %s", nodeKind(n))
	// A quoted number's intent is plain: the other rules see the number.
	if v, err := strconv.ParseInt(n.Value, 10, 32); n.Kind == yaml.ScalarNode && err == nil {
		return int32(v)
	}
	d.damaged = append(d.damaged, p)
	return 0
}

// strings returns a list of scalars.
func (d *appSpecDecoder) strings(n *yaml.Node, p string) []string {
	var out []string
	d.list(n, p, func(i int, item *yaml.Node, ip string) {
		s, _ := d.scalar(item, ip, "a string")
		out = append(out, s)
	})
	return out
}

// nodeKind describes a YAML node for messages.
func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	}
	return n.Value
}
