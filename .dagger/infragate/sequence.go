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
	// Recheck, if set, runs right before a stack's change set is prepared;
	// its error stops the sequence there, nothing prepared. deploy-infra
	// re-reads the live service state before the service stack's (see
	// LiveMoved): earlier stacks can take many minutes.
	Recheck func(ctx context.Context, stack cdkcmd.Stack) error
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
func Sequence(ctx context.Context, c Clients, p Plan, prepare Prepare) (res Result, err error) {
	res = Result{Outputs: cdkcmd.Outputs{}}
	defer func() {
		// Said whatever the outcome: a mistyped allowance is often why a
		// run was refused.
		if len(res.Reports) > 0 {
			for _, a := range changeset.Unused(res.Reports, p.Allow) {
				fmt.Fprintf(p.Out, "note: --allow %s matched no refused change of the stacks reviewed\n", a)
			}
		}
	}()
	// Every stack's environment before the first is touched: a stack
	// synthesized for another account or region found half-way would leave
	// the run half applied.
	for _, s := range p.Stacks {
		if err := CheckEnvironment(s, p.Where); err != nil {
			return res, err
		}
	}
	for _, s := range p.Stacks {
		if p.Recheck != nil {
			if err := p.Recheck(ctx, s); err != nil {
				return res, err
			}
		}
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

// CheckEnvironment refuses a stack synthesized for another region or
// account than the one the gate reads: the CLI would prepare its change set
// there, out of the gate's sight.
func CheckEnvironment(s cdkcmd.Stack, where Location) error {
	if s.Region != "" && where.Region != "" && s.Region != where.Region {
		return fmt.Errorf("stack %s is synthesized for region %s (the infra context's environment), but deploy-infra reads %s (--region): its change set would be prepared where the gate does not look; use the same region in both", s.Name, s.Region, where)
	}
	if s.Account != "" && where.Account != "" && s.Account != where.Account {
		return fmt.Errorf("stack %s is synthesized for account %s, but the credentials are of %s: its change set would be prepared where the gate does not look; use credentials of the stack's account", s.Name, s.Account, where)
	}
	return nil
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

// Failed is the error of a gated run that stopped on err, for the caller
// to return: in JSON, once a stack was reviewed, the result's document with
// the error in it (CI reads the same document as on success, and the call
// still fails); in text, a refusal leads with the review tables. It
// unwraps to err.
func (r Result) Failed(err error, asJSON bool) error {
	if asJSON && len(r.Reports) > 0 {
		var outputs map[string]map[string]string
		if len(r.Outputs) > 0 {
			outputs = r.Outputs
		}
		doc := changeset.Document{Action: changeset.Overall(r.Reports), Stacks: r.Reports, Outputs: outputs, Error: err.Error()}
		if b, jerr := doc.Encode(); jerr == nil {
			return &reportedError{text: string(b), err: err}
		}
	}
	if IsRefusal(err) {
		// A user sees the error first: lead with the reviews.
		return &reportedError{text: r.Text(true) + err.Error(), err: err}
	}
	return err
}

type reportedError struct {
	text string
	err  error
}

func (e *reportedError) Error() string { return e.text }
func (e *reportedError) Unwrap() error { return e.err }

// IsRefusal reports whether err is a change-set refusal.
func IsRefusal(err error) bool {
	var r *changeset.RefusalError
	return errors.As(err, &r)
}
