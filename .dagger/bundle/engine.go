package bundle

import (
	"fmt"
)

// Rule is one named check of the engine. Every rule checks one documented
// constraint (AWS's, or a policy's) and runs only when the artifacts it reads
// are present, so any subset of files can be checked.
type Rule struct {
	// Name identifies the rule in findings, e.g. "port-range".
	Name string
	// Class is aws (AWS refuses it) or policy (a careful team refuses it).
	Class Class
	// Summary says in a line what the rule checks.
	Summary string
	// Doc is the documentation page of the constraint.
	Doc string
	// check runs the rule; nil for the decoding rules, which report while
	// the files are read.
	check func(r *run)
	// always keeps the rule's findings under PolicyOff (as warnings): what
	// it reports must never pass unseen.
	always bool
}

// CheckOptions say how an artifact set is checked.
type CheckOptions struct {
	// Mode is pipeline, direct or auto ("" means auto): auto infers the mode
	// from placeholders and which files are present.
	Mode Mode
	// Policy makes policy findings errors (strict), warnings (warn) or
	// hides them (off). "" means warn.
	Policy Policy
	// skip names rules not to run; tests use it to prove each rule is needed.
	skip map[string]bool
}

// ModeAuto asks Check to infer the mode.
const ModeAuto Mode = "auto"

// ParseCheckMode accepts auto, pipeline or direct.
func ParseCheckMode(s string) (Mode, error) {
	if Mode(s) == ModeAuto || s == "" {
		return ModeAuto, nil
	}
	m, err := ParseMode(s)
	if err != nil {
		return "", fmt.Errorf("mode %q is not accepted; want %q, %q or %q", s, ModeAuto, ModePipeline, ModeDirect)
	}
	return m, nil
}

// Rules lists every rule of the engine, in the order they run.
func Rules() []Rule {
	out := make([]Rule, len(allRules))
	copy(out, allRules)
	return out
}

// ruleIndex finds a rule by name; decoding code reports through it.
var ruleIndex = map[string]*Rule{}

func init() {
	for i := range allRules {
		r := &allRules[i]
		if ruleIndex[r.Name] != nil {
			panic("bundle: two rules named " + r.Name)
		}
		ruleIndex[r.Name] = r
	}
}

// engine holds one pass over an artifact set.
type engine struct {
	opts     CheckOptions
	a        *Artifacts
	findings []Finding
}

// run is a rule's view of the pass: what it reads and where it reports.
type run struct {
	*engine
	rule *Rule
}

// addf records a finding of the running rule at file and field.
func (r *run) addf(file, field, format string, args ...any) {
	if r.opts.skip[r.rule.Name] {
		return
	}
	sev := SeverityError
	if r.rule.Class == ClassPolicy {
		switch r.opts.Policy {
		case PolicyOff:
			if !r.rule.always {
				return
			}
			sev = SeverityWarning
		case PolicyWarn, "":
			sev = SeverityWarning
		}
	}
	r.findings = append(r.findings, Finding{
		Rule: r.rule.Name, Class: r.rule.Class, Severity: sev,
		File: file, Field: field, Message: fmt.Sprintf(format, args...), Doc: r.rule.Doc,
	})
}

// rule returns the named rule's view of the pass.
func (e *engine) rule(name string) *run {
	r := ruleIndex[name]
	if r == nil {
		panic("bundle: no rule named " + name)
	}
	return &run{engine: e, rule: r}
}

// Check validates artifact files: files maps file names (or paths) to their
// contents. Each file is taken for what its content is, whatever its name
// (see Classify); a file that is no artifact is reported. Every rule whose
// inputs are present runs, and every finding is reported. When there are
// several files of a kind, each pairing is checked (see fileSet.sets).
func Check(files map[string][]byte, opts CheckOptions) *Report {
	e := &engine{opts: opts}
	if e.opts.Mode == "" {
		e.opts.Mode = ModeAuto
	}
	fs := loadFiles(e, files)
	rep := &Report{Files: fs.checked, Ignored: fs.ignored, Kinds: fs.kinds}
	e.checkSets(fs, fs.sets(e), rep)
	rep.Findings = e.findings
	locate(files, rep.Findings)
	sortFindings(rep.Findings)
	return rep
}

// runRules runs every rule that has a check. What a rule finds where a
// decoder already reported a value it could not keep (a misspelt key, a
// list that is an object) only repeats that finding, and is dropped.
func (e *engine) runRules() {
	decoded := len(e.findings)
	for i := range allRules {
		if r := &allRules[i]; r.check != nil && !e.opts.skip[r.Name] {
			r.check(&run{engine: e, rule: r})
		}
	}
	kept := e.findings[:decoded]
	for _, f := range e.findings[decoded:] {
		if !e.a.isDamaged(f.File, f.Field) {
			kept = append(kept, f)
		}
	}
	e.findings = kept
}

// releaseSkips are the policy rules release does not enforce: release deploys
// the task definition the stack already runs with a new image, so refusing
// that task definition's logging or privileges would block every release
// without changing them. They belong to the infrastructure code, and
// validate reports them.
var releaseSkips = map[string]bool{"container-logging": true, "no-privileged": true}

// releaseOptions are the options of the checks inside release: policy
// findings are errors, except releaseSkips.
func releaseOptions(mode Mode) CheckOptions {
	return CheckOptions{Mode: mode, Policy: PolicyStrict, skip: releaseSkips}
}

// checkParsed runs release's checks over artifacts already decoded (Render's
// input), recording error findings as violations in c.
func checkParsed(c *collector, a *Artifacts) {
	e := &engine{opts: releaseOptions(a.Mode), a: a}
	e.runRules()
	for _, v := range (&Report{Findings: e.findings}).Violations() {
		c.vs = append(c.vs, v)
	}
}
