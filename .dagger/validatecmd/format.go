package validatecmd

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"dagger/ecs-bluegreen/bundle"
)

// writeText prints the report for people: the mode and why, the files, one
// line per finding, and the totals.
func writeText(w io.Writer, rep *bundle.Report) {
	mode := string(rep.Mode)
	if rep.ModeReason != "" {
		mode += " (inferred: " + rep.ModeReason + ")"
	}
	fmt.Fprintf(w, "mode:    %s\n", mode)
	// Every file read is listed with what it was taken for, those that are
	// no artifact too: nothing given is skipped silently.
	names := append(slices.Clone(rep.Files), rep.Ignored...)
	slices.Sort(names)
	taken := make([]string, len(names))
	for i, name := range names {
		taken[i] = name + " (" + rep.Kinds[name] + ")"
	}
	fmt.Fprintf(w, "checked: %s\n", strings.Join(taken, ", "))
	for i, set := range rep.Sets {
		fmt.Fprintf(w, "set %d:   %s\n", i+1, strings.Join(set, " + "))
	}
	for _, f := range rep.Findings {
		label := "ERROR  "
		if f.Severity == bundle.SeverityWarning {
			label = "WARNING"
		}
		fmt.Fprintf(w, "%s %s\n", label, f.String())
	}
	fmt.Fprintf(w, "%s, %s\n", plural(rep.Errors(), "error"), plural(rep.Warnings(), "warning"))
}

// jsonReport is the --format json document.
type jsonReport struct {
	*bundle.Report
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// writeJSON prints the report for machines.
func writeJSON(w io.Writer, rep *bundle.Report) error {
	if rep.Findings == nil {
		rep.Findings = []bundle.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Report: rep, Errors: rep.Errors(), Warnings: rep.Warnings()})
}

// writeRules lists the rules: name, class and what each checks.
func writeRules(w io.Writer) {
	for _, r := range bundle.Rules() {
		fmt.Fprintf(w, "%-26s %-6s %s\n", r.Name, r.Class, r.Summary)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
