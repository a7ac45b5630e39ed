package bundle

import (
	"fmt"
	"sort"
)

// Class says who would refuse an artifact: AWS itself (the API, CodeDeploy or
// the pipeline action), or a policy a careful team adds on top.
type Class string

const (
	// ClassAWS marks a problem AWS refuses, or that makes the deployment fail.
	ClassAWS Class = "aws"
	// ClassPolicy marks something AWS accepts but a careful team forbids
	// (an image not pinned by digest, a public IP on a task…).
	ClassPolicy Class = "policy"
)

// Severity says whether a finding fails validation.
type Severity string

const (
	// SeverityError fails validation.
	SeverityError Severity = "error"
	// SeverityWarning is reported but does not fail validation.
	SeverityWarning Severity = "warning"
)

// Policy chooses what policy findings are: errors (strict), warnings (warn)
// or not reported (off). AWS findings are always errors.
type Policy string

const (
	// PolicyStrict makes policy findings errors, as release does.
	PolicyStrict Policy = "strict"
	// PolicyWarn reports policy findings as warnings (the default of validate).
	PolicyWarn Policy = "warn"
	// PolicyOff drops policy findings.
	PolicyOff Policy = "off"
)

// ParsePolicy accepts strict, warn or off.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case PolicyStrict, PolicyWarn, PolicyOff:
		return p, nil
	}
	return "", fmt.Errorf("policy %q is not accepted; want %q, %q or %q", s, PolicyStrict, PolicyWarn, PolicyOff)
}

// Finding is one problem a rule found in an artifact set.
type Finding struct {
	// Rule is the name of the rule that found it, e.g. "port-range".
	Rule string `json:"rule"`
	// Class is aws or policy.
	Class Class `json:"class"`
	// Severity is error or warning (from the class and the policy).
	Severity Severity `json:"severity"`
	// File is the artifact, e.g. taskdef.json; empty for the set as a whole.
	File string `json:"file,omitempty"`
	// Field is the path of the value inside the file, e.g.
	// containerDefinitions[web].portMappings[0].containerPort; empty for the whole file.
	Field string `json:"field,omitempty"`
	// Message says what is wrong in plain words, e.g. "must be 0–65535, got 70000".
	Message string `json:"message"`
	// Doc is the AWS documentation page of the constraint.
	Doc string `json:"doc,omitempty"`
	// Line and Column (both from 1) are where in File the offending key is,
	// or the deepest key of Field the file has (the object a required
	// member is missing from); 0 when there is no file.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

// Position is "file:line:column", or the file alone when the line is unknown.
func (f Finding) Position() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
	}
	return f.File
}

// Where is "file: field", "file" or "field", whichever parts are known.
func (f Finding) Where() string {
	switch {
	case f.File != "" && f.Field != "":
		return f.File + ": " + f.Field
	case f.File != "":
		return f.File
	}
	return f.Field
}

// String renders the finding as one line: where (file:line:column: field),
// what, and the rule.
func (f Finding) String() string {
	where := f.Where()
	if f.Line > 0 {
		where = f.Position() + ":"
		if f.Field != "" {
			where += " " + f.Field
		}
	}
	return fmt.Sprintf("%s %s [%s, %s]", where, f.Message, f.Rule, f.Class)
}

// Report is the result of checking one artifact set.
type Report struct {
	// Mode is the mode the set was checked in (given, or inferred by auto).
	Mode Mode `json:"mode"`
	// ModeReason says why auto chose Mode; empty when the mode was given.
	ModeReason string `json:"modeReason,omitempty"`
	// Files are the artifact files that were checked, by name.
	Files []string `json:"files"`
	// Kinds says what each file was taken for, by name: "task definition",
	// "appspec (ECS)", "not a deployment artifact"…
	Kinds map[string]string `json:"kinds,omitempty"`
	// Ignored are files that are not deployment artifacts: each has an
	// unrecognized-file finding, and nothing else was checked in them.
	Ignored []string `json:"ignored,omitempty"`
	// Sets lists the files of each set checked, when there were several
	// files of a kind and so several sets.
	Sets [][]string `json:"sets,omitempty"`
	// Findings are every problem found, in file and field order.
	Findings []Finding `json:"findings"`
}

// Errors counts the findings that fail validation.
func (r *Report) Errors() int { return r.count(SeverityError) }

// Warnings counts the findings that do not fail validation.
func (r *Report) Warnings() int { return r.count(SeverityWarning) }

func (r *Report) count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Violations returns the error findings in the form Render and ValidateFiles
// have always returned, or nil when there are none.
func (r *Report) Violations() Violations {
	var vs Violations
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			vs = append(vs, Violation{Field: f.Where(), Message: f.Message + " [" + f.Rule + "]"})
		}
	}
	return vs
}

// sortFindings orders findings by file, then by line and column, then by
// the order the rules found them, so a report reads top to bottom.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
