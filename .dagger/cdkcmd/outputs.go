package cdkcmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Outputs are stack outputs as `cdk deploy --outputs-file` writes them:
// stack name → output key → value.
type Outputs map[string]map[string]string

// ParseOutputs decodes an --outputs-file document. Scalar values are kept as
// their JSON text (numbers, booleans); nested objects or arrays are refused
// because CloudFormation outputs are strings.
func ParseOutputs(data []byte) (Outputs, error) {
	var raw map[string]map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading CDK outputs file: want {\"<stack>\": {\"<key>\": \"<value>\"}}: %w", err)
	}
	out := make(Outputs, len(raw))
	for stack, kv := range raw {
		out[stack] = make(map[string]string, len(kv))
		for key, rv := range kv {
			var s string
			if err := json.Unmarshal(rv, &s); err == nil {
				out[stack][key] = s
				continue
			}
			t := strings.TrimSpace(string(rv))
			if t == "" || t[0] == '{' || t[0] == '[' {
				return nil, fmt.Errorf("reading CDK outputs file: output %s.%s is %s, want a string", stack, key, t)
			}
			out[stack][key] = t
		}
	}
	return out, nil
}

// String renders the outputs stack by stack, keys aligned, everything
// sorted, so two deploys with the same result print the same text:
//
//	webapp-ecr
//	  RepositoryName = webapp
//	  RepositoryUri  = 123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp
func (o Outputs) String() string {
	if len(o) == 0 {
		return "(no stack outputs)\n"
	}
	stacks := make([]string, 0, len(o))
	for s := range o {
		stacks = append(stacks, s)
	}
	sort.Strings(stacks)
	var b strings.Builder
	for _, s := range stacks {
		b.WriteString(s)
		b.WriteByte('\n')
		kv := o[s]
		if len(kv) == 0 {
			b.WriteString("  (no outputs)\n")
			continue
		}
		keys := make([]string, 0, len(kv))
		width := 0
		for k := range kv {
			keys = append(keys, k)
			width = max(width, len(k))
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %-*s = %s\n", width, k, kv[k])
		}
	}
	return b.String()
}

// FormatOutputs parses an --outputs-file document and renders it with String.
func FormatOutputs(data []byte) (string, error) {
	o, err := ParseOutputs(data)
	if err != nil {
		return "", err
	}
	return o.String(), nil
}
