package taskdefdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/bundle"
)

// sep joins the segments of an internal key; it never occurs in a member
// name or an identity.
const sep = '\x00'

// Ranks order the changes of one container: the container itself, then its
// image (what a release is about), then everything else by path.
const (
	rankEntry = iota
	rankImage
	rankOther
)

// node is a value (a leaf) or a list entry of a flattened task definition.
type node struct {
	path      string
	container string
	rank      int
	whole     bool
	value     string // a leaf's value
	summary   string // an entry's short description
	hidden    bool
}

func (n node) change(k Kind, from, to string) Change {
	return Change{Path: n.path, Kind: k, From: from, To: to, container: n.container, rank: n.rank, whole: n.whole}
}

// flat is a task definition as leaves and entries by internal key.
type flat struct {
	leaves  map[string]node
	entries map[string]node
}

// at is a position while walking: the internal key, the path shown, and
// where in a container it is.
type at struct {
	key, path string
	plain     bool // path ends in a member name (the next one joins with ".")
	container string
	top       bool // directly inside a container definition
}

func (a at) field(name string) at {
	b := at{key: a.key + string(sep) + name, container: a.container, plain: true}
	switch {
	case a.path == "":
		b.path = name
	case a.plain:
		b.path = a.path + "." + name
	default:
		b.path = a.path + ": " + name
	}
	return b
}

// entry is the position of a list entry; the list's member name stays in the
// key but the path shows the entry's label and identity instead.
func (a at) entry(list, label, id string) at {
	b := at{key: a.key + string(sep) + list + string(sep) + id, container: a.container, path: label + " " + id}
	if a.path != "" {
		b.path = a.path + ": " + b.path
	}
	return b
}

// flattenInput serializes in as taskdef.json and flattens it. The SDK's own
// protocol names every member as taskdef.json does and knows every member of
// the SDK in use, so the diff never misses one.
func flattenInput(in *ecs.RegisterTaskDefinitionInput) (*flat, error) {
	f := &flat{leaves: map[string]node{}, entries: map[string]node{}}
	if in == nil {
		return f, nil
	}
	body, err := bundle.WireJSON(in)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding the serialized task definition: %w", err)
	}
	f.object(at{}, doc)
	return f, nil
}

func (f *flat) object(a at, m map[string]any) {
	for _, k := range sortedKeys(m) {
		f.member(a, k, m[k])
	}
}

// member records one member; empty objects and lists count as absent, as
// ECS treats them.
func (f *flat) member(a at, name string, v any) {
	switch v := v.(type) {
	case nil:
	case map[string]any:
		if len(v) == 0 {
			return
		}
		if freeForm[name] {
			// Driver options hold credentials as often as not
			// (splunk-token, a Datadog apikey, an auth header): every
			// key is shown, a value only when the option is known to
			// hold none.
			sub := a.field(name)
			for _, k := range sortedKeys(v) {
				f.leaf(sub.field(k), scalar(v[k]), false, !plainOption(k))
			}
			return
		}
		f.object(a.field(name), v)
	case []any:
		if len(v) > 0 {
			f.list(a, name, v)
		}
	default:
		f.leaf(a.field(name), scalar(v), a.top && name == "image", false)
	}
}

// freeForm are the string maps of a task definition whose values a log or
// volume driver reads: logConfiguration and firelensConfiguration options,
// a Docker volume's driverOpts.
var freeForm = map[string]bool{"options": true, "driverOpts": true}

// plainOption reports a driver option whose value is no credential: the
// awslogs driver's own options and Docker's delivery settings.
func plainOption(key string) bool {
	return strings.HasPrefix(key, "awslogs-") || key == "mode" || key == "max-buffer-size"
}

func (f *flat) leaf(a at, value string, image, hidden bool) {
	n := node{path: a.path, container: a.container, rank: rankOther, value: value, hidden: hidden}
	if image {
		n.rank = rankImage
	}
	f.leaves[a.key] = n
}

// list records a list member: scalars as one value (order may matter, as in
// a command), objects entry by entry.
func (f *flat) list(a at, name string, items []any) {
	objs := make([]map[string]any, 0, len(items))
	for _, it := range items {
		o, ok := it.(map[string]any)
		if !ok {
			f.leaf(a.field(name), compact(items), false, false)
			return
		}
		objs = append(objs, o)
	}
	kind, known := lists[name]
	seen := map[string]int{}
	for i, o := range objs {
		id := fmt.Sprintf("[%d]", i+1)
		label := name
		if known {
			label = kind.label
			if got := identity(o, kind.ids); got != "" {
				id = got
			}
		}
		if seen[id]++; seen[id] > 1 {
			id = fmt.Sprintf("%s #%d", id, seen[id])
		}
		e := a.entry(name, label, id)
		n := node{path: e.path, container: a.container, rank: rankOther, whole: true}
		if name == "containerDefinitions" && a.key == "" {
			e.container, e.top = id, true
			n.container, n.rank = id, rankEntry
		}
		n.summary = summarize(o, name, kind)
		f.entries[e.key] = n
		for _, k := range sortedKeys(o) {
			switch {
			case known && contains(kind.ids, k):
				// Part of the identity: equal on both sides by definition.
			case known && k == kind.value:
				f.leaf(at{key: e.key + string(sep) + k, path: e.path, container: e.container}, scalar(o[k]), false, kind.hidden)
			default:
				f.member(e, k, o[k])
			}
		}
	}
}

// identity joins the identity members of an entry, e.g. "3000/tcp".
func identity(o map[string]any, ids []string) string {
	var parts []string
	for _, k := range ids {
		if v, ok := o[k]; ok && v != nil {
			parts = append(parts, scalar(v))
		}
	}
	return strings.Join(parts, "/")
}

// summaryLimit keeps an added or removed entry's summary to a glance.
const summaryLimit = 100

// summarize describes an entry added or removed as a whole: a container by
// its image, an entry with a value by that value (unless hidden), anything
// else by its members, cut short. Images and values are never cut: a
// digest or an ARN is only useful whole.
func summarize(o map[string]any, list string, kind listKind) string {
	switch {
	case list == "containerDefinitions":
		if img, ok := o["image"]; ok {
			return "image " + scalar(img)
		}
		return ""
	case kind.hidden:
		return ""
	case kind.value != "":
		if v, ok := o[kind.value]; ok {
			return scalar(v)
		}
		return ""
	}
	rest := map[string]any{}
	for k, v := range o {
		if !contains(kind.ids, k) {
			rest[k] = v
		}
	}
	if len(rest) == 0 {
		return ""
	}
	s := compact(rest)
	if utf8.RuneCountInString(s) > summaryLimit {
		s = string([]rune(s)[:summaryLimit-1]) + "…"
	}
	return s
}

// scalar renders a JSON value for a line: strings as they are, anything
// else as compact JSON.
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return fmt.Sprint(v)
	}
	return compact(v)
}

func compact(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	// Values decoded from JSON always encode again.
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String())
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
