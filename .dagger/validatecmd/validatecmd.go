// Package validatecmd is the ecs-validate command: it reads deployment
// artifacts (task definitions, appspecs, imageDetail.json,
// imagedefinitions.json, release.json, under any names) from directories or
// files, checks them with the rules of package bundle, and prints a report as
// text, JSON or SARIF 2.1.0, each finding at its file, line and column.
//
// The standalone CLI (cmd/ecs-validate) and the Dagger function validate are
// thin wrappers over Run and Validate.
package validatecmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"dagger/ecs-bluegreen/bundle"
)

// Exit codes of Run.
const (
	// ExitOK: no errors (warnings may have been printed).
	ExitOK = 0
	// ExitFindings: at least one error was found.
	ExitFindings = 1
	// ExitUsage: bad flags, unreadable paths or no artifacts to check.
	ExitUsage = 2
)

// Options say how to check and how to print.
type Options struct {
	// Mode is auto, pipeline or direct.
	Mode string
	// Policy is strict, warn or off.
	Policy string
	// Format is text, json or sarif (SARIF 2.1.0, for code scanning).
	Format string
}

// ErrUsage marks an error in the options or the input paths, not in the artifacts.
var ErrUsage = errors.New("usage")

// Validate checks files (artifact name or path → content) and returns the
// report rendered in opts.Format and the number of errors found. A bad
// option or an empty set is an error wrapping ErrUsage.
func Validate(files map[string][]byte, opts Options) (string, int, error) {
	mode, err := bundle.ParseCheckMode(opts.Mode)
	if err != nil {
		return "", 0, fmt.Errorf("%w: --mode: %v", ErrUsage, err)
	}
	if opts.Policy == "" {
		opts.Policy = string(bundle.PolicyWarn)
	}
	policy, err := bundle.ParsePolicy(opts.Policy)
	if err != nil {
		return "", 0, fmt.Errorf("%w: --policy: %v", ErrUsage, err)
	}
	rep := bundle.Check(files, bundle.CheckOptions{Mode: mode, Policy: policy})
	if len(rep.Files) == 0 {
		return "", 0, fmt.Errorf("%w: no deployment artifacts among %s; want a task definition, an appspec, imageDetail.json, imagedefinitions.json or release.json (*.json, *.yaml or *.yml, any name)",
			ErrUsage, describeNames(rep.Ignored))
	}
	var b strings.Builder
	switch opts.Format {
	case "", "text":
		writeText(&b, rep)
	case "json":
		if err := writeJSON(&b, rep); err != nil {
			return "", 0, err
		}
	case "sarif":
		if err := writeSARIF(&b, rep); err != nil {
			return "", 0, err
		}
	default:
		return "", 0, fmt.Errorf("%w: --format %q is not accepted; want text, json or sarif", ErrUsage, opts.Format)
	}
	return b.String(), rep.Errors(), nil
}

// Run is the ecs-validate command line: flags, then paths (directories or
// files). It returns the exit code: 0 without errors, 1 with errors, 2 for
// usage errors.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ecs-validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts Options
	fs.StringVar(&opts.Mode, "mode", "auto", "auto (infer from placeholders and files), pipeline or direct")
	fs.StringVar(&opts.Policy, "policy", "warn", "policy findings as errors (strict), warnings (warn) or hidden (off)")
	fs.StringVar(&opts.Format, "format", "text", "report format: text, json or sarif (SARIF 2.1.0 for GitHub code scanning)")
	strict := fs.Bool("strict", false, "same as --policy strict: warnings (policy findings, files that are no artifact) are errors")
	listRules := fs.Bool("rules", false, "list the rules and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: ecs-validate [--mode auto|pipeline|direct] [--policy strict|warn|off] [--strict] [--format text|json|sarif] PATH...\n"+
			"PATH is a directory (its *.json, *.yaml and *.yml files, each taken for what it holds) or a file.\n"+
			"Exit 0: no errors; 1: errors; 2: usage.\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *strict {
		opts.Policy = string(bundle.PolicyStrict)
	}
	if *listRules {
		writeRules(stdout)
		return ExitOK
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "ecs-validate: give at least one PATH (a directory or an artifact file)")
		fs.Usage()
		return ExitUsage
	}
	files, err := ReadPaths(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "ecs-validate: %v\n", err)
		return ExitUsage
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(stderr, "ecs-validate: %v\n", err)
		return ExitUsage
	}
	out, errs, err := Validate(files, opts)
	if err != nil {
		fmt.Fprintf(stderr, "ecs-validate: %v\n", strings.TrimPrefix(err.Error(), ErrUsage.Error()+": "))
		return ExitUsage
	}
	fmt.Fprint(stdout, out)
	if errs > 0 {
		return ExitFindings
	}
	return ExitOK
}

func describeNames(names []string) string {
	if len(names) == 0 {
		return "no files"
	}
	return strings.Join(names, ", ")
}
