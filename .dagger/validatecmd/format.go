package validatecmd

import (
	"encoding/json"
	"fmt"
	"io"
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
	taken := make([]string, len(rep.Files))
	for i, name := range rep.Files {
		taken[i] = name + " (" + rep.Kinds[name] + ")"
	}
	fmt.Fprintf(w, "checked: %s\n", strings.Join(taken, ", "))
	if len(rep.Ignored) > 0 {
		fmt.Fprintf(w, "ignored: %s (not deployment artifacts; see the warnings)\n", strings.Join(rep.Ignored, ", "))
	}
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
