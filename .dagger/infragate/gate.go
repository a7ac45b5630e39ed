package infragate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"dagger/ecs-bluegreen/changeset"
)

// Request is one stack's pass through the gate.
type Request struct {
	// Stack is the CloudFormation stack name.
	Stack string
	// ChangeSet is the prepared change set's name.
	ChangeSet string
	Options
}

// Options are the settings every stack's pass shares.
type Options struct {
	// Allow lets these refused changes through (a class on one resource).
	Allow []changeset.Allowance
	// Where is the region (and account) the clients read, named when a
	// change set or stack is not there.
	Where Location
	// DryRun reviews and deletes the change set, whatever the review says.
	DryRun bool
	// Out receives the review table.
	Out io.Writer
	// Progress receives the stack events of an execution; nil means Out.
	Progress io.Writer
	// Clock paces polling; nil means the wall clock.
	Clock Clock
}

// Run reviews a prepared change set (and the nested change sets under it)
// and acts on the decision: execute it (following the stack to the end), or
// delete it (a dry run, a refusal, or an empty change set). A refusal
// returns the report and a *changeset.RefusalError after the change set is
// deleted (or with DeleteErr set when it could not be). A change set that
// cannot be read or judged is deleted too: it must not stay behind to be
// executed unreviewed.
func Run(ctx context.Context, c Clients, req Request) (changeset.Report, error) {
	clock := req.Clock
	if clock == nil {
		clock = systemClock
	}
	tree, err := ReadTree(ctx, c.CloudFormation, req.Stack, req.ChangeSet, req.Where, clock)
	var missing *NotFoundError
	if errors.As(err, &missing) && missing.Stack == req.Stack {
		return changeset.Report{}, err // nothing of that name to delete here
	}
	if err != nil {
		return changeset.Report{}, discardAfter(ctx, c.CloudFormation, req, err)
	}
	checkDeployments := !slices.Contains(req.Allow, changeset.Allowance{Class: changeset.DeploymentInProgress, Stack: req.Stack})
	live, err := ReadLive(ctx, c, req.Stack, checkDeployments)
	if err == nil {
		live.Serving, err = readServing(ctx, c, tree)
	}
	if err != nil {
		return changeset.Report{}, discardAfter(ctx, c.CloudFormation, req, err)
	}
	review := changeset.ClassifyTree(tree, live)
	if review.Stack == "" {
		review.Stack, review.ChangeSet = req.Stack, req.ChangeSet
		review.SetAllow()
	}
	report := changeset.Report{Review: review, Decision: changeset.Decide(review, req.Allow, req.DryRun)}
	fmt.Fprint(req.Out, report.Table())

	if report.Decision.Action == changeset.Execute {
		progress := req.Progress
		if progress == nil {
			progress = req.Out
		}
		fmt.Fprintf(progress, "executing change set %s of stack %s\n", req.ChangeSet, req.Stack)
		return report, Execute(ctx, c.CloudFormation, req.Stack, req.ChangeSet, progress, clock)
	}
	derr := Discard(ctx, c.CloudFormation, req.Stack, req.ChangeSet)
	if report.Decision.Action == changeset.Refuse {
		// The refusal stands whatever the delete did; a failed delete is
		// part of it, since the change set can still be executed.
		return report, &changeset.RefusalError{Review: review, Decision: report.Decision, DeleteErr: derr}
	}
	return report, derr
}

// readServing reads what serves the listeners and load balancers the
// change set's new or rewritten routes point at. Without a load-balancer
// client nothing is read, and such routes are refused.
func readServing(ctx context.Context, c Clients, tree changeset.ChangeSet) (map[string][]string, error) {
	arns := changeset.TrafficSources(tree)
	if len(arns) == 0 || c.ELB == nil {
		return nil, nil
	}
	return ReadServing(ctx, c.ELB, arns)
}

// discardAfter deletes a change set that could not be reviewed and returns
// why, adding the delete's failure (naming the change set) if it failed.
func discardAfter(ctx context.Context, api CloudFormationAPI, req Request, err error) error {
	if derr := Discard(ctx, api, req.Stack, req.ChangeSet); derr != nil && !IsNotFound(derr) {
		return fmt.Errorf("%w; the unreviewed change set %s of stack %s could not be deleted either, delete it before anything else: %v", err, req.ChangeSet, req.Stack, derr)
	}
	return fmt.Errorf("%w (the unreviewed change set %s was deleted)", err, req.ChangeSet)
}
