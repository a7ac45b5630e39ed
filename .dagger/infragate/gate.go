package infragate

import (
	"context"
	"fmt"
	"io"

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
	// Allow lets these refusal classes through.
	Allow []changeset.Class
	// DryRun reviews and deletes the change set, whatever the review says.
	DryRun bool
	// Out receives the review table.
	Out io.Writer
	// Progress receives the stack events of an execution; nil means Out.
	Progress io.Writer
	// Clock paces polling; nil means the wall clock.
	Clock Clock
}

// Run reviews a prepared change set and acts on the decision: execute it
// (following the stack to the end), or delete it (a dry run, a refusal, or
// an empty change set). A refusal returns the report and a
// *changeset.RefusalError after the change set is deleted.
func Run(ctx context.Context, c Clients, req Request) (changeset.Report, error) {
	clock := req.Clock
	if clock == nil {
		clock = systemClock
	}
	pages, err := ReadChangeSet(ctx, c.CloudFormation, req.Stack, req.ChangeSet, clock)
	if err != nil {
		return changeset.Report{}, err
	}
	checkDeployments := true
	for _, a := range req.Allow {
		if a == changeset.DeploymentInProgress {
			checkDeployments = false
		}
	}
	live, err := ReadLive(ctx, c, req.Stack, checkDeployments)
	if err != nil {
		// Unreviewed, so it must not stay behind to be executed by hand.
		if pages != nil {
			if derr := Discard(ctx, c.CloudFormation, req.Stack, req.ChangeSet); derr != nil {
				err = fmt.Errorf("%w (and %v)", err, derr)
			}
		}
		return changeset.Report{}, err
	}
	review := changeset.Classify(pages, live)
	if review.Stack == "" {
		review.Stack, review.ChangeSet = req.Stack, req.ChangeSet
	}
	report := changeset.Report{Review: review, Decision: changeset.Decide(review, req.Allow, req.DryRun)}
	fmt.Fprint(req.Out, report.Table())

	switch report.Decision.Action {
	case changeset.Execute:
		progress := req.Progress
		if progress == nil {
			progress = req.Out
		}
		fmt.Fprintf(progress, "executing change set %s of stack %s\n", req.ChangeSet, req.Stack)
		return report, Execute(ctx, c.CloudFormation, req.Stack, req.ChangeSet, progress, clock)
	case changeset.NoChanges:
		if pages == nil {
			return report, nil // nothing was left to delete
		}
	}
	if err := Discard(ctx, c.CloudFormation, req.Stack, req.ChangeSet); err != nil {
		return report, err
	}
	if report.Decision.Action == changeset.Refuse {
		return report, &changeset.RefusalError{Review: review, Decision: report.Decision}
	}
	return report, nil
}
