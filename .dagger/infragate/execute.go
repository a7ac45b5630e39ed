package infragate

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// PollInterval is how often an executing change set's stack is read.
const PollInterval = 5 * time.Second

// Execute runs a reviewed change set and follows the stack to the end,
// writing each new stack event to out as a progress line. It fails when the
// stack does not end in a *_COMPLETE state of the operation, naming the
// first resource that failed and why.
func Execute(ctx context.Context, api CloudFormationAPI, stack, changeSet string, out io.Writer, clock Clock) error {
	// Events already there (a first change set's REVIEW_IN_PROGRESS, the
	// previous update) are not progress: remember the newest page of them.
	// The time bound keeps the scan from paging through old history.
	started := clock.Now().Add(-time.Minute)
	seen := map[string]bool{}
	if _, err := newEvents(ctx, api, stack, started, seen); err != nil {
		return err
	}
	if _, err := api.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{
		StackName: aws.String(stack), ChangeSetName: aws.String(changeSet),
	}); err != nil {
		return fmt.Errorf("executing change set %s of stack %s (cloudformation:ExecuteChangeSet): %w", changeSet, stack, err)
	}
	var firstFailure string
	for {
		events, err := newEvents(ctx, api, stack, started, seen)
		if err != nil {
			return err
		}
		for _, e := range events {
			fmt.Fprintln(out, eventLine(e))
			if firstFailure == "" && strings.HasSuffix(string(e.ResourceStatus), "_FAILED") && aws.ToString(e.ResourceStatusReason) != "" {
				firstFailure = fmt.Sprintf("%s %s: %s", aws.ToString(e.LogicalResourceId), e.ResourceStatus, aws.ToString(e.ResourceStatusReason))
			}
		}
		status, err := stackStatus(ctx, api, stack)
		if err != nil {
			return err
		}
		if done, ok := finished(status); done {
			if ok {
				return nil
			}
			msg := fmt.Sprintf("stack %s ended %s", stack, status)
			if firstFailure != "" {
				msg += ": " + firstFailure
			}
			return fmt.Errorf("%s", msg)
		}
		if err := clock.Sleep(ctx, PollInterval); err != nil {
			return fmt.Errorf("following stack %s: %w (the update goes on in CloudFormation)", stack, err)
		}
	}
}

// finished reports whether a stack status ends an operation, and whether it
// ended well.
func finished(status string) (done, ok bool) {
	switch {
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		return false, false
	case status == "CREATE_COMPLETE", status == "UPDATE_COMPLETE", status == "IMPORT_COMPLETE":
		return true, true
	}
	return true, false
}

func stackStatus(ctx context.Context, api CloudFormationAPI, stack string) (string, error) {
	out, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		return "", fmt.Errorf("reading stack %s (cloudformation:DescribeStacks): %w", stack, err)
	}
	if len(out.Stacks) == 0 {
		return "", fmt.Errorf("stack %s disappeared while its change set ran", stack)
	}
	return string(out.Stacks[0].StackStatus), nil
}

// newEvents returns the stack's events since the execution began that were
// not seen yet, oldest first. DescribeStackEvents pages newest first, so
// reading stops at the first page that reaches back before the start.
func newEvents(ctx context.Context, api CloudFormationAPI, stack string, since time.Time, seen map[string]bool) ([]types.StackEvent, error) {
	var fresh []types.StackEvent
	var token *string
	for {
		out, err := api.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(stack), NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("reading events of stack %s (cloudformation:DescribeStackEvents): %w", stack, err)
		}
		older := false
		for _, e := range out.StackEvents {
			if e.Timestamp != nil && e.Timestamp.Before(since) {
				older = true
				continue
			}
			id := aws.ToString(e.EventId)
			if seen[id] {
				older = true
				continue
			}
			seen[id] = true
			fresh = append(fresh, e)
		}
		if older || aws.ToString(out.NextToken) == "" {
			break
		}
		token = out.NextToken
	}
	for i, j := 0, len(fresh)-1; i < j; i, j = i+1, j-1 {
		fresh[i], fresh[j] = fresh[j], fresh[i]
	}
	return fresh, nil
}

func eventLine(e types.StackEvent) string {
	ts := ""
	if e.Timestamp != nil {
		ts = e.Timestamp.UTC().Format("15:04:05")
	}
	line := fmt.Sprintf("%s %s %s %s", ts, aws.ToString(e.StackName), aws.ToString(e.LogicalResourceId), e.ResourceStatus)
	if r := aws.ToString(e.ResourceStatusReason); r != "" {
		line += " (" + r + ")"
	}
	return line
}

// Discard deletes a change set that will not run. When the change set was
// the stack's first, CloudFormation holds an empty placeholder stack in
// REVIEW_IN_PROGRESS; it is deleted too, so the next run starts clean.
func Discard(ctx context.Context, api CloudFormationAPI, stack, changeSet string) error {
	if _, err := api.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{
		StackName: aws.String(stack), ChangeSetName: aws.String(changeSet),
	}); err != nil {
		return fmt.Errorf("deleting change set %s of stack %s (cloudformation:DeleteChangeSet): %w", changeSet, stack, err)
	}
	status, err := stackStatus(ctx, api, stack)
	if err != nil || status != string(types.StackStatusReviewInProgress) {
		return nil // the stack was there before; deleting the change set is all
	}
	if _, err := api.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(stack)}); err != nil {
		return fmt.Errorf("deleting the empty stack %s the change set created (cloudformation:DeleteStack): %w", stack, err)
	}
	return nil
}
