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
// values, once CloudFormation has finished creating it. A change set that
// does not exist reads as nil (the CDK CLI skips a stack whose template is
// unchanged), and one CloudFormation marked FAILED because it holds no
// change as an empty list: there is nothing to review in either.
func ReadChangeSet(ctx context.Context, api CloudFormationAPI, stack, name string, clock Clock) ([]*cloudformation.DescribeChangeSetOutput, error) {
	var pages []*cloudformation.DescribeChangeSetOutput
	var token *string
	start := clock.Now()
	for {
		out, err := api.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{
			StackName: aws.String(stack), ChangeSetName: aws.String(name),
			IncludePropertyValues: aws.Bool(true), NextToken: token,
		})
		if err != nil {
			var apiErr smithy.APIError
			// AWS answers ChangeSetNotFound; emulators a ValidationError.
			if errors.As(err, &apiErr) && (apiErr.ErrorCode() == "ChangeSetNotFound" ||
				apiErr.ErrorCode() == "ValidationError" && strings.Contains(apiErr.ErrorMessage(), "does not exist")) {
				return nil, nil
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

// noChanges recognises CloudFormation's reasons for an empty change set.
func noChanges(reason string) bool {
	return strings.Contains(reason, "didn't contain changes") || strings.Contains(reason, "No updates are to be performed")
}
