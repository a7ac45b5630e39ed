package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// jsonNode is a JSON value that keeps what encoding/json's maps lose: the
// order of object members, so the rendered file is stable and readable.
type jsonNode struct {
	members []jsonMember // object
	items   []*jsonNode  // array
	scalar  any          // string, json.Number, bool or nil
	kind    byte         // '{', '[' or 0 for a scalar
}

// jsonMember is one name/value pair of an object.
type jsonMember struct {
	name  string
	value *jsonNode
}

// parseJSONDoc reads exactly one JSON value from data.
func parseJSONDoc(data []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseJSONNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON document")
	}
	return n, nil
}

func parseJSONNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jsonNode{kind: '{'}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseJSONNode(dec)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, jsonMember{name: k.(string), value: v})
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &jsonNode{kind: '['}
			for dec.More() {
				v, err := parseJSONNode(dec)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return &jsonNode{scalar: t}, nil
	}
}

// get returns the value of an object member, or nil.
func (n *jsonNode) get(name string) *jsonNode {
	if n == nil || n.kind != '{' {
		return nil
	}
	for _, m := range n.members {
		if m.name == name {
			return m.value
		}
	}
	return nil
}

// without returns a copy of an object without the named members.
func (n *jsonNode) without(names ...string) *jsonNode {
	out := &jsonNode{kind: n.kind}
	for _, m := range n.members {
		drop := false
		for _, d := range names {
			drop = drop || m.name == d
		}
		if !drop {
			out.members = append(out.members, m)
		}
	}
	return out
}

// describe names the JSON type of n for messages.
func (n *jsonNode) describe() string {
	switch n.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	switch v := n.scalar.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return fmt.Sprintf("the boolean %t", v)
	}
	return "null"
}

// memberOrder ranks object members by where they sit, so the important ones
// come first; unranked members follow in name order.
var memberOrder = map[string][]string{
	"": {"family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities",
		"cpu", "memory", "runtimePlatform", "ephemeralStorage", "containerDefinitions", "volumes"},
	"containerDefinitions[]": {"name", "image", "essential", "portMappings"},
}

// sortMembers orders every object in n (recursively) by memberOrder.
func sortMembers(n *jsonNode, where string) {
	switch n.kind {
	case '[':
		for _, it := range n.items {
			sortMembers(it, where+"[]")
		}
	case '{':
		rank := map[string]int{}
		for i, name := range memberOrder[where] {
			rank[name] = i + 1
		}
		sort.SliceStable(n.members, func(i, j int) bool {
			ri, rj := rank[n.members[i].name], rank[n.members[j].name]
			switch {
			case ri != 0 && rj != 0:
				return ri < rj
			case ri != 0 || rj != 0:
				return ri != 0
			}
			return n.members[i].name < n.members[j].name
		})
		for _, m := range n.members {
			child := m.name
			if where != "" {
				child = where + "." + m.name
			}
			sortMembers(m.value, child)
		}
	}
}

// encode writes n with 2-space indentation and a trailing newline. Strings
// are not HTML-escaped, so the <IMAGE1_NAME> placeholder stays literal for
// the CodeDeploy-to-ECS action to find.
func (n *jsonNode) encode() []byte {
	var b bytes.Buffer
	n.write(&b, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func (n *jsonNode) write(b *bytes.Buffer, depth int) {
	indent := func(d int) { b.WriteString(strings.Repeat("  ", d)) }
	switch n.kind {
	case '{':
		if len(n.members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, m := range n.members {
			indent(depth + 1)
			writeJSONScalar(b, m.name)
			b.WriteString(": ")
			m.value.write(b, depth+1)
			if i < len(n.members)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(depth)
		b.WriteByte('}')
	case '[':
		if len(n.items) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, it := range n.items {
			indent(depth + 1)
			it.write(b, depth+1)
			if i < len(n.items)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(depth)
		b.WriteByte(']')
	default:
		writeJSONScalar(b, n.scalar)
	}
}

func writeJSONScalar(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings, numbers, booleans and null always encode
	b.Truncate(b.Len() - 1)
}

// marshalIndent encodes v like json.MarshalIndent with two spaces, without
// HTML escaping, and with a trailing newline.
func marshalIndent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
