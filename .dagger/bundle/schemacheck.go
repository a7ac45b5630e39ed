package bundle

import (
	"encoding/json"
	"fmt"
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
//
// It also repairs the document so the rest of it can still be decoded and
// checked: one shape error must not hide the findings of every other rule.
// Members it reported are removed, except scalars whose intent is plain (the
// number 256 where the string "256" belongs, "true" for true), which are
// converted. It returns false when n itself must be removed.
func checkShape(c *collector, file string, n *jsonNode, s *smithy.Schema, path string, readOnly map[string]bool) bool {
	field := file + ": " + path
	if path == "" {
		field = file
	}
	want := func(what string) {
		c.addf(field, "is %s; want %s", n.describe(), what)
	}
	keep := checkShapeValue(c, file, n, s, path, readOnly, want)
	if !keep {
		c.damaged = append(c.damaged, path)
	}
	return keep
}

// checkShapeValue is checkShape's walk; want reports n's type as wrong.
func checkShapeValue(c *collector, file string, n *jsonNode, s *smithy.Schema, path string, readOnly map[string]bool, want func(string)) bool {
	field := file + ": " + path
	if path == "" {
		field = file
	}
	if n.kind == 0 && n.scalar == nil {
		c.addf(field, "is null; remove it or give a value")
		return false
	}
	switch s.Type() {
	case smithy.ShapeTypeStructure, smithy.ShapeTypeUnion:
		if n.kind != '{' {
			want("an object")
			return false
		}
		kept := n.members[:0]
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
				accepted := sortedKeys(s.Members())
				c.addf(file+": "+child, "is not a known field here; accepted: %s", strings.Join(accepted, ", "))
				if near := nearestKey(m.name, accepted); near != "" {
					c.damaged = append(c.damaged, joinPath(path, near))
				}
				continue
			}
			if checkShape(c, file, m.value, ms, child, nil) {
				kept = append(kept, m)
			}
		}
		n.members = kept
	case smithy.ShapeTypeList, smithy.ShapeTypeSet:
		if n.kind != '[' {
			want("an array")
			return false
		}
		kept := n.items[:0]
		for i, it := range n.items {
			if checkShape(c, file, it, s.ListMember(), path+"["+strconv.Itoa(i)+"]", nil) {
				kept = append(kept, it)
			}
		}
		n.items = kept
	case smithy.ShapeTypeMap:
		if n.kind != '{' {
			want("an object")
			return false
		}
		kept := n.members[:0]
		for _, m := range n.members {
			if checkShape(c, file, m.value, s.MapValue(), path+"."+m.name, nil) {
				kept = append(kept, m)
			}
		}
		n.members = kept
	case smithy.ShapeTypeString, smithy.ShapeTypeEnum, smithy.ShapeTypeBlob:
		if _, ok := n.scalar.(string); !ok || n.kind != 0 {
			want("a string")
			switch v := n.scalar.(type) {
			case json.Number:
				n.scalar = v.String()
			case bool:
				n.scalar = strconv.FormatBool(v)
			default:
				return false
			}
		}
	case smithy.ShapeTypeBoolean:
		if _, ok := n.scalar.(bool); !ok || n.kind != 0 {
			want("true or false")
			b, err := strconv.ParseBool(fmt.Sprint(n.scalar))
			if n.kind != 0 || err != nil {
				return false
			}
			n.scalar = b
		}
	case smithy.ShapeTypeByte, smithy.ShapeTypeShort, smithy.ShapeTypeInteger, smithy.ShapeTypeLong,
		smithy.ShapeTypeIntEnum, smithy.ShapeTypeBigInteger:
		num, ok := n.scalar.(json.Number)
		if _, err := num.Int64(); !ok || n.kind != 0 || err != nil {
			want("an integer")
			s, _ := n.scalar.(string)
			if _, err := strconv.ParseInt(s, 10, 64); n.kind != 0 || err != nil {
				return false
			}
			n.scalar = json.Number(s)
		}
	case smithy.ShapeTypeFloat, smithy.ShapeTypeDouble, smithy.ShapeTypeBigDecimal:
		if _, ok := n.scalar.(json.Number); !ok || n.kind != 0 {
			want("a number")
			s, _ := n.scalar.(string)
			if _, err := strconv.ParseFloat(s, 64); n.kind != 0 || err != nil {
				return false
			}
			n.scalar = json.Number(s)
		}
	case smithy.ShapeTypeTimestamp:
		switch n.scalar.(type) {
		case json.Number, string:
		default:
			want("a timestamp")
			return false
		}
	}
	return true
}

// joinPath appends a member name to a path inside a document.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// nearestKey returns the accepted key a misspelt one most likely means: the
// same but for case, one a prefix of the other (LoadBalancer,
// LoadBalancerInfo), or at most two edits away; "" when none is close.
func nearestKey(key string, accepted []string) string {
	k := strings.ToLower(key)
	best, bestDist := "", 3
	for _, a := range accepted {
		l := strings.ToLower(a)
		if len(k) >= 4 && len(l) >= 4 && (strings.HasPrefix(l, k) || strings.HasPrefix(k, l)) {
			return a
		}
		if d := editDistance(k, l); d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
