package bundle

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aws/smithy-go"
)

// readOnlyTaskDefFields are the members DescribeTaskDefinition returns that
// RegisterTaskDefinition refuses: ECS sets them.
var readOnlyTaskDefFields = map[string]bool{
	"taskDefinitionArn": true, "revision": true, "status": true, "requiresAttributes": true,
	"compatibilities": true, "registeredAt": true, "registeredBy": true, "deregisteredAt": true,
	"deleteRequestedAt": true,
}

// checkShape walks a JSON document against an ECS API shape and records every
// member the API does not know, every value of the wrong JSON type and every
// null, the same checks the AWS CLI's parameter validation makes. readOnly
// names members (at the top level) that are known but refused because ECS
// sets them.
func checkShape(c *collector, file string, n *jsonNode, s *smithy.Schema, path string, readOnly map[string]bool) {
	field := file + ": " + path
	if path == "" {
		field = file
	}
	want := func(what string) {
		c.addf(field, "is %s; want %s", n.describe(), what)
	}
	if n.kind == 0 && n.scalar == nil {
		c.addf(field, "is null; remove it or give a value")
		return
	}
	switch s.Type() {
	case smithy.ShapeTypeStructure, smithy.ShapeTypeUnion:
		if n.kind != '{' {
			want("an object")
			return
		}
		for _, m := range n.members {
			child := m.name
			if path != "" {
				child = path + "." + m.name
			}
			ms := s.Member(m.name)
			if ms == nil {
				if path == "" && readOnly[m.name] {
					c.addf(file+": "+child, "is read-only (ECS sets it when registering); remove it")
					continue
				}
				c.addf(file+": "+child, "is not a known field here; accepted: %s", strings.Join(sortedKeys(s.Members()), ", "))
				continue
			}
			checkShape(c, file, m.value, ms, child, nil)
		}
	case smithy.ShapeTypeList, smithy.ShapeTypeSet:
		if n.kind != '[' {
			want("an array")
			return
		}
		for i, it := range n.items {
			checkShape(c, file, it, s.ListMember(), path+"["+strconv.Itoa(i)+"]", nil)
		}
	case smithy.ShapeTypeMap:
		if n.kind != '{' {
			want("an object")
			return
		}
		for _, m := range n.members {
			checkShape(c, file, m.value, s.MapValue(), path+"."+m.name, nil)
		}
	case smithy.ShapeTypeString, smithy.ShapeTypeEnum, smithy.ShapeTypeBlob:
		if _, ok := n.scalar.(string); !ok || n.kind != 0 {
			want("a string")
		}
	case smithy.ShapeTypeBoolean:
		if _, ok := n.scalar.(bool); !ok || n.kind != 0 {
			want("true or false")
		}
	case smithy.ShapeTypeByte, smithy.ShapeTypeShort, smithy.ShapeTypeInteger, smithy.ShapeTypeLong,
		smithy.ShapeTypeIntEnum, smithy.ShapeTypeBigInteger:
		num, ok := n.scalar.(json.Number)
		if _, err := num.Int64(); !ok || n.kind != 0 || err != nil {
			want("an integer")
		}
	case smithy.ShapeTypeFloat, smithy.ShapeTypeDouble, smithy.ShapeTypeBigDecimal:
		if _, ok := n.scalar.(json.Number); !ok || n.kind != 0 {
			want("a number")
		}
	case smithy.ShapeTypeTimestamp:
		switch n.scalar.(type) {
		case json.Number, string:
		default:
			want("a timestamp")
		}
	}
}
