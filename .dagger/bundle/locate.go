package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Findings name a value by its path (containerDefinitions[web].portMappings[0].containerPort);
// editors and code scanning want a line and a column. Every artifact is YAML
// or JSON, and JSON is YAML, so one YAML parse of the file gives the position
// of every key. The walk follows the path as far as the file has it: the
// position is that of the deepest key found, so a missing member points at
// the object it is missing from.

// locate sets Line and Column of each finding that names a file of files.
func locate(files map[string][]byte, fs []Finding) {
	roots := map[string]*yaml.Node{}
	for i := range fs {
		f := &fs[i]
		data, ok := files[f.File]
		if f.File == "" || !ok {
			continue
		}
		root, parsed := roots[f.File]
		if !parsed {
			root = parsePositions(data)
			roots[f.File] = root
		}
		if root == nil || len(root.Content) == 0 {
			f.Line, f.Column = errorPosition(data)
			continue
		}
		f.Line, f.Column = position(root.Content[0], f.Field)
	}
}

// parsePositions parses data as YAML for its positions, or returns nil.
func parsePositions(data []byte) *yaml.Node {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil
	}
	return &root
}

var yamlErrLineRE = regexp.MustCompile(`line ([0-9]+)`)

// errorPosition is where a file that cannot be parsed breaks: JSON's
// syntax error offset, YAML's error line, or the start of the file.
func errorPosition(data []byte) (int, int) {
	if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		var v any
		var se *json.SyntaxError
		if err := json.Unmarshal(data, &v); errors.As(err, &se) {
			return lineColumn(data, int(se.Offset))
		}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		if m := yamlErrLineRE.FindStringSubmatch(err.Error()); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
				return n, 1
			}
		}
	}
	return 1, 1
}

// lineColumn turns a byte offset into a line and a column (in characters).
// encoding/json's offset is just past the offending byte, so it steps back one.
func lineColumn(data []byte, offset int) (int, int) {
	if offset > 0 {
		offset--
	}
	offset = min(offset, len(data))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// position walks field (keys joined by dots, list items as [index] or
// [container name]) from n and returns the line and column of the deepest
// key or item it reaches.
func position(n *yaml.Node, field string) (int, int) {
	line, col := 1, 1
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 && field == "" {
		return line, col
	}
	rest := field
	for rest != "" && n != nil {
		rest = strings.TrimPrefix(rest, ".")
		switch n.Kind {
		case yaml.MappingNode:
			k, v := matchKey(n, rest)
			if k == nil {
				return line, col
			}
			line, col = k.Line, k.Column
			rest, n = rest[len(k.Value):], v
		case yaml.SequenceNode:
			if !strings.HasPrefix(rest, "[") {
				// Resources.TargetService: the item holding that key.
				item := itemWithKey(n, rest)
				if item == nil {
					return line, col
				}
				n = item
				continue
			}
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return line, col
			}
			item := listItem(n, rest[1:end])
			if item == nil {
				return line, col
			}
			line, col = item.Line, item.Column
			rest, n = rest[end+1:], item
		default:
			return line, col
		}
	}
	return line, col
}

// matchKey finds the key of mapping n that path starts with: exactly first,
// then in any case (appspec keys), the longest one when keys hold dots.
func matchKey(n *yaml.Node, path string) (*yaml.Node, *yaml.Node) {
	for _, fold := range []bool{false, true} {
		var bestK, bestV *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if len(k.Value) > len(path) || (bestK != nil && len(k.Value) <= len(bestK.Value)) {
				continue
			}
			head := path[:len(k.Value)]
			if head != k.Value && !(fold && strings.EqualFold(head, k.Value)) {
				continue
			}
			if tail := path[len(k.Value):]; tail == "" || tail[0] == '.' || tail[0] == '[' {
				bestK, bestV = k, n.Content[i+1]
			}
		}
		if bestK != nil {
			return bestK, bestV
		}
	}
	return nil, nil
}

// listItem returns item i of a sequence, or the mapping item whose name is i.
func listItem(n *yaml.Node, i string) *yaml.Node {
	if idx, err := strconv.Atoi(i); err == nil {
		if idx >= 0 && idx < len(n.Content) {
			return n.Content[idx]
		}
		return nil
	}
	for _, item := range n.Content {
		if v := mapValueFold(item, "name"); v != nil && v.Value == i {
			return item
		}
	}
	return nil
}

// itemWithKey returns the first mapping item of a sequence that has the key
// path starts with.
func itemWithKey(n *yaml.Node, path string) *yaml.Node {
	for _, item := range n.Content {
		if item.Kind == yaml.MappingNode {
			if k, _ := matchKey(item, path); k != nil {
				return item
			}
		}
	}
	return nil
}
