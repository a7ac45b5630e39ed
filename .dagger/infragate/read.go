package infragate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

// CreateTimeout bounds the wait for CloudFormation to finish creating a
// change set (normally seconds).
const CreateTimeout = 10 * time.Minute

// ReadChangeSet returns every page of a change set, described with property
// values, once CloudFormation has finished creating it; one CloudFormation
// marked FAILED because it holds no change reads as an empty list. A change
// set (or stack) that is not there is an error naming where the gate
// looked: the CDK CLI always prepares the change set it is asked for, so a
// missing one was prepared somewhere else (another region or account) and
// would be left there unreviewed, never "no changes". stack may be empty
// when name is a change set ARN (a nested stack's).
func ReadChangeSet(ctx context.Context, api CloudFormationAPI, stack, name string, where Location, clock Clock) ([]*cloudformation.DescribeChangeSetOutput, error) {
	var pages []*cloudformation.DescribeChangeSetOutput
	var token *string
	start := clock.Now()
	for {
		in := &cloudformation.DescribeChangeSetInput{
			ChangeSetName: aws.String(name), IncludePropertyValues: aws.Bool(true), NextToken: token,
		}
		if stack != "" {
			in.StackName = aws.String(stack)
		}
		out, err := api.DescribeChangeSet(ctx, in)
		if err != nil {
			if IsNotFound(err) {
				return nil, &NotFoundError{Stack: stack, ChangeSet: name, Where: where, Err: err}
			}
			return nil, fmt.Errorf("reading change set %s of stack %s (cloudformation:DescribeChangeSet): %w", name, stack, err)
		}
		switch out.Status {
		case types.ChangeSetStatusCreatePending, types.ChangeSetStatusCreateInProgress:
			if token != nil {
				return nil, fmt.Errorf("change set %s of stack %s changed status while being read", name, stack)
			}
			if clock.Now().Sub(start) > CreateTimeout {
				return nil, fmt.Errorf("change set %s of stack %s is still %s after %s", name, stack, out.Status, CreateTimeout)
			}
			if err := clock.Sleep(ctx, 2*time.Second); err != nil {
				return nil, err
			}
			continue
		case types.ChangeSetStatusFailed:
			if noChanges(aws.ToString(out.StatusReason)) {
				// Empty, not nil: the change set exists and is deleted.
				return []*cloudformation.DescribeChangeSetOutput{}, nil
			}
			return nil, fmt.Errorf("change set %s of stack %s failed: %s", name, stack, aws.ToString(out.StatusReason))
		}
		pages = append(pages, out)
		if aws.ToString(out.NextToken) == "" {
			return pages, nil
		}
		token = out.NextToken
	}
}

// IsNotFound recognises CloudFormation's answers for a change set or stack
// that is not there: ChangeSetNotFound, or (for a stack, and from AWS
// emulators for a change set) a ValidationError saying it does not exist.
func IsNotFound(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode() == "ChangeSetNotFound" ||
		apiErr.ErrorCode() == "ValidationError" && strings.Contains(apiErr.ErrorMessage(), "does not exist"))
}

// Location is where the gate reads: the region of its clients and, when
// known, the account.
type Location struct {
	Region  string
	Account string
}

func (l Location) String() string {
	region := l.Region
	if region == "" {
		region = "(unset)"
	}
	if l.Account == "" {
		return "region " + region
	}
	return "region " + region + ", account " + l.Account
}

// NotFoundError is a change set or stack missing where the gate looked.
type NotFoundError struct {
	Stack, ChangeSet string
	Where            Location
	Err              error
}

func (e *NotFoundError) Error() string {
	stack := e.Stack
	if stack == "" {
		stack = "(named by its ARN)"
	}
	return fmt.Sprintf("change set %s of stack %s was not found in %s (%v): it was prepared elsewhere, or not at all; "+
		"check that the stacks' environment (the infra context's account and region) matches --region and the credentials' account, "+
		"and delete any change set of that name left in the other region", e.ChangeSet, stack, e.Where, e.Err)
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// noChanges recognises CloudFormation's reasons for an empty change set.
func noChanges(reason string) bool {
	return strings.Contains(reason, "didn't contain changes") || strings.Contains(reason, "No updates are to be performed")
}
