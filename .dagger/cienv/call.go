package cienv

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Step is one function of a call chain with the flags given to it.
type Step struct {
	// Name is the function's CLI name.
	Name string
	// Flags maps a flag name to its value ("true" for a bare boolean flag).
	Flags map[string]string
}

// Call is a parsed `dagger [global flags] call [constructor flags] step…`.
type Call struct {
	// Global are the flags before `call` (--progress plain…).
	Global map[string]string
	// Constructor are the module constructor's flags.
	Constructor map[string]string
	// Chain is the sequence of functions, first one on the module object.
	Chain []Step
}

// globalValueFlags are the Dagger CLI's own flags that take a value.
var globalValueFlags = map[string]bool{"progress": true, "mod": true, "m": true, "interactive-command": true, "model": true, "lock": true}

// ParseCall parses the words of a dagger call against the module, which
// decides which flags take a value (booleans do not) and which type each
// step returns. Every inconsistency with the module is an error.
func ParseCall(words []string, mod Module) (Call, error) {
	c := Call{Global: map[string]string{}, Constructor: map[string]string{}}
	i := 0
	for i < len(words) && path.Base(words[i]) != "dagger" {
		i++
	}
	if i == len(words) {
		return Call{}, fmt.Errorf("no dagger command in %q", strings.Join(words, " "))
	}
	i++
	for ; i < len(words) && words[i] != "call"; i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(words[i], "-"), "=")
		if !strings.HasPrefix(words[i], "-") {
			return Call{}, fmt.Errorf("dagger verb %q is not call", words[i])
		}
		if !hasValue && globalValueFlags[name] && i+1 < len(words) {
			i++
			value = words[i]
		}
		c.Global[name] = value
	}
	if i == len(words) {
		return Call{}, fmt.Errorf("dagger command without call")
	}
	i++

	// Constructor flags, then function steps.
	var err error
	if i, err = takeFlags(words, i, mod.Constructor, c.Constructor, "the module constructor"); err != nil {
		return Call{}, err
	}
	current := ""
	for i < len(words) {
		name := words[i]
		var fn Function
		var ok bool
		if current == "" {
			fn, ok = mod.Functions[name]
			if !ok {
				return Call{}, fmt.Errorf("function %q does not exist in the module (it has: %s)", name, strings.Join(mod.FunctionNames(), ", "))
			}
		} else {
			fn, ok = coreFunctions[current][name]
			if !ok {
				return Call{}, fmt.Errorf("%q cannot be chained after a step returning %s", name, current)
			}
		}
		step := Step{Name: name, Flags: map[string]string{}}
		if i, err = takeFlags(words, i+1, fn.Params, step.Flags, "function "+name); err != nil {
			return Call{}, err
		}
		c.Chain = append(c.Chain, step)
		current = fn.Returns
		if current == "" {
			current = "(nothing)"
		}
	}
	if len(c.Chain) == 0 {
		return Call{}, fmt.Errorf("dagger call names no function")
	}
	return c, nil
}

// takeFlags consumes --flag [value] words from i, checking each against the
// parameters, and returns the index of the next non-flag word.
func takeFlags(words []string, i int, params map[string]Param, into map[string]string, owner string) (int, error) {
	for i < len(words) && strings.HasPrefix(words[i], "--") {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(words[i], "--"), "=")
		p, ok := params[name]
		if !ok {
			known := make([]string, 0, len(params))
			for k := range params {
				known = append(known, "--"+k)
			}
			sort.Strings(known)
			return 0, fmt.Errorf("flag --%s is not an argument of %s (it has: %s)", name, owner, strings.Join(known, ", "))
		}
		if !hasValue {
			if p.Type == "bool" {
				value = "true"
			} else {
				if i+1 >= len(words) {
					return 0, fmt.Errorf("flag --%s of %s needs a value", name, owner)
				}
				i++
				value = words[i]
			}
		}
		if p.Type == "*dagger.Secret" && !strings.HasPrefix(value, "env:") && !strings.HasPrefix(value, "file:") {
			return 0, fmt.Errorf("secret flag --%s of %s must reference a variable or file (env:NAME), not a literal value", name, owner)
		}
		into[name] = value
		i++
	}
	return i, nil
}
