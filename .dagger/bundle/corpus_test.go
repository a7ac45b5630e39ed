package bundle

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// corpusCase is one artifact set of testdata/corpus and what checking it
// must find, read from its expect.txt:
//
//	valid                      no errors (policy warn); "warnings: a, b" lists the warning rules
//	rule: / field: / message:  exactly one finding (policy strict), of that rule, at that field, containing message;
//	                           several such groups: exactly those findings, in file and line order (one run
//	                           reports every defect of a set)
//	mode:                      the mode to check in (default auto)
type corpusCase struct {
	name     string
	files    map[string][]byte
	valid    bool
	warnings []string
	mode     Mode
	rule     string // the first expected finding's
	expected []expectedFinding
}

// expectedFinding is one rule:/field:/message: group of expect.txt.
type expectedFinding struct{ rule, field, message string }

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	dirs, err := filepath.Glob("testdata/corpus/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var out []corpusCase
	for _, dir := range dirs {
		c := corpusCase{name: filepath.Base(dir), files: map[string][]byte{}, mode: ModeAuto}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if e.Name() == "expect.txt" {
				parseExpect(t, &c, data)
				continue
			}
			c.files[e.Name()] = data
		}
		if c.valid == (c.rule != "") {
			t.Fatalf("%s: expect.txt must say either valid or rule:", c.name)
		}
		out = append(out, c)
	}
	return out
}

func parseExpect(t testing.TB, c *corpusCase, data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		key, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch key {
		case "valid":
			c.valid = true
		case "warnings":
			for _, w := range strings.Split(value, ",") {
				c.warnings = append(c.warnings, strings.TrimSpace(w))
			}
		case "mode":
			c.mode = Mode(value)
		case "rule":
			if c.rule == "" {
				c.rule = value
			}
			c.expected = append(c.expected, expectedFinding{rule: value})
		case "field", "message":
			if len(c.expected) == 0 {
				t.Fatalf("%s: expect.txt: %q before rule:", c.name, line)
			}
			if e := &c.expected[len(c.expected)-1]; key == "field" {
				e.field = value
			} else {
				e.message = value
			}
		default:
			t.Fatalf("%s: expect.txt: unknown line %q", c.name, line)
		}
	}
}

// judge returns "" when checking c with opts gives what c expects, else why not.
func (c corpusCase) judge(opts CheckOptions) string {
	opts.Mode = c.mode
	if c.valid {
		opts.Policy = PolicyWarn
		rep := Check(c.files, opts)
		var warned []string
		for _, f := range rep.Findings {
			if f.Severity == SeverityError {
				return "refused a valid set: " + f.String()
			}
			if !slices.Contains(warned, f.Rule) {
				warned = append(warned, f.Rule)
			}
		}
		sort.Strings(warned)
		if !slices.Equal(warned, c.warnings) {
			return "warnings from " + strings.Join(warned, ", ") + "; want " + strings.Join(c.warnings, ", ")
		}
		return ""
	}
	opts.Policy = PolicyStrict
	rep := Check(c.files, opts)
	if len(rep.Findings) != len(c.expected) {
		var lines []string
		for _, f := range rep.Findings {
			lines = append(lines, f.String())
		}
		return fmt.Sprintf("want %d findings, got %d:", len(c.expected), len(rep.Findings)) + strings.Join(append([]string{""}, lines...), "\n  ")
	}
	for i, f := range rep.Findings {
		e := c.expected[i]
		if f.Rule != e.rule || f.Field != e.field || !strings.Contains(f.Message, e.message) || f.Severity != SeverityError {
			return "got " + f.String() + "; want [" + e.rule + "] at " + e.field + " with " + e.message
		}
	}
	return ""
}

// TestCorpus checks every artifact set of testdata/corpus: valid sets are
// accepted, each invalid set (one defect) is refused for exactly its finding.
func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	valid, invalid := 0, 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if why := c.judge(CheckOptions{}); why != "" {
				t.Error(why)
			}
		})
		if c.valid {
			valid++
		} else {
			invalid++
		}
	}
	if valid < 10 || valid+invalid < 60 {
		t.Errorf("corpus has %d valid and %d invalid sets; want at least 10 valid and 60 in all", valid, invalid)
	}
	t.Logf("corpus: %d valid sets, %d invalid sets", valid, invalid)
}

// TestEveryRuleIsNeeded proves each rule earns its place: for every rule some
// invalid set expects it, and with that rule switched off that set is
// accepted (no error at all) — no other rule would have caught the defect.
func TestEveryRuleIsNeeded(t *testing.T) {
	cases := loadCorpus(t)
	for _, rule := range Rules() {
		t.Run(rule.Name, func(t *testing.T) {
			covered := false
			for _, c := range cases {
				if c.rule != rule.Name {
					continue
				}
				rep := Check(c.files, CheckOptions{Mode: c.mode, Policy: PolicyStrict, skip: map[string]bool{rule.Name: true}})
				if rep.Errors() == 0 {
					covered = true
					break
				}
			}
			if !covered {
				t.Errorf("no invalid corpus set is accepted with rule %s switched off", rule.Name)
			}
		})
	}
}

// TestCorpusValidSetsAreCleanUnderStrictPolicy makes sure the valid sets that
// expect no warnings pass release's strict policy too.
func TestCorpusValidSetsAreCleanUnderStrictPolicy(t *testing.T) {
	for _, c := range loadCorpus(t) {
		if !c.valid || len(c.warnings) > 0 {
			continue
		}
		if rep := Check(c.files, CheckOptions{Mode: c.mode, Policy: PolicyStrict}); rep.Errors() != 0 {
			t.Errorf("%s: %v", c.name, rep.Violations())
		}
	}
}
