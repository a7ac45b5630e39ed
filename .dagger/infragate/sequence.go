package infragate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"dagger/ecs-bluegreen/cdkcmd"
	"dagger/ecs-bluegreen/changeset"
)

// ChangeSetName names the change sets of one deploy-infra or diff call.
func ChangeSetName(now time.Time) string {
	return "ecs-bluegreen-" + now.UTC().Format("20060102T150405Z")
}

// Plan is a gated deployment of several stacks.
type Plan struct {
	// Stacks in dependency order (cdkcmd.StackOrder).
	Stacks []cdkcmd.Stack
	// ChangeSet names every stack's change set.
	ChangeSet string
	Options
}

// Result is what a gated deployment did.
type Result struct {
	// Reports holds one report per stack reviewed, in order.
	Reports []changeset.Report
	// Outputs of the stacks that were executed or had no change (not
	// read on a dry run).
	Outputs cdkcmd.Outputs
}

// Prepare creates a stack's change set (cdk deploy --method
// prepare-change-set, in the CDK container).
type Prepare func(ctx context.Context, stack cdkcmd.Stack) error

// Sequence runs the gate over the stacks one at a time: prepare, review,
// execute (or delete). A stack is prepared only after the ones before it
// are deployed, so it sees their new exports. The first refusal or failure
// stops the sequence; the result holds the reports made so far.
func Sequence(ctx context.Context, c Clients, p Plan, prepare Prepare) (Result, error) {
	res := Result{Outputs: cdkcmd.Outputs{}}
	for _, s := range p.Stacks {
		if err := prepare(ctx, s); err != nil {
			return res, fmt.Errorf("preparing the change set of stack %s: %w", s.Name, err)
		}
		report, err := Run(ctx, c, Request{Stack: s.Name, ChangeSet: p.ChangeSet, Options: p.Options})
		if report.Stack != "" {
			res.Reports = append(res.Reports, report)
		}
		if err != nil {
			return res, err
		}
		if p.DryRun {
			continue
		}
		outputs, err := stackOutputs(ctx, c.CloudFormation, s.Name)
		if err != nil {
			return res, err
		}
		res.Outputs[s.Name] = outputs
	}
	return res, nil
}

// Text renders the result for people: every review table, then the outputs.
func (r Result) Text(dryRun bool) string {
	var b strings.Builder
	for _, rep := range r.Reports {
		b.WriteString(rep.Table())
		b.WriteString("\n")
	}
	if !dryRun {
		b.WriteString(r.Outputs.String())
	}
	return b.String()
}

// JSON renders the result as a changeset.Document.
func (r Result) JSON() (string, error) {
	var outputs map[string]map[string]string
	if len(r.Outputs) > 0 {
		outputs = r.Outputs
	}
	b, err := changeset.JSON(r.Reports, outputs)
	return string(b), err
}

// IsRefusal reports whether err is a change-set refusal.
func IsRefusal(err error) bool {
	var r *changeset.RefusalError
	return errors.As(err, &r)
}
