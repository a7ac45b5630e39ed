package stackout

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/smithy-go"
)

// Outputs returns a stack's outputs as OutputKey → OutputValue. A stack that
// does not exist is reported as such, with a hint to run deploy-infra.
func Outputs(ctx context.Context, cfg aws.Config, stack string) (map[string]string, error) {
	if err := ValidateStackName(stack); err != nil {
		return nil, err
	}
	out, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		// DescribeStacks reports a missing stack as a generic ValidationError.
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "ValidationError" && strings.Contains(apiErr.ErrorMessage(), "does not exist") {
			return nil, fmt.Errorf("stack %s does not exist in %s: run deploy-infra first", stack, cfg.Region)
		}
		return nil, fmt.Errorf("reading stack %s (cloudformation:DescribeStacks): %w", stack, err)
	}
	if len(out.Stacks) == 0 {
		return nil, fmt.Errorf("stack %s does not exist in %s: run deploy-infra first", stack, cfg.Region)
	}
	s := out.Stacks[0]
	if err := CheckStatus(stack, string(s.StackStatus)); err != nil {
		return nil, err
	}
	outputs := make(map[string]string, len(s.Outputs))
	for _, o := range s.Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return outputs, nil
}

// CheckStatus refuses to release against a stack that is changing (its
// outputs may be about to change) or broken (a failed create or update, a
// deletion). UPDATE_ROLLBACK_COMPLETE is usable: the stack is back on its
// previous, working template.
func CheckStatus(stack, status string) error {
	switch {
	case strings.HasSuffix(status, "CLEANUP_IN_PROGRESS"):
		return nil // the new template is in place; only old resources are being removed
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		return fmt.Errorf("stack %s is %s: wait for the running operation to finish before releasing", stack, status)
	case strings.HasSuffix(status, "_FAILED"), status == "ROLLBACK_COMPLETE", strings.HasPrefix(status, "DELETE_"):
		return fmt.Errorf("stack %s is %s: repair it with deploy-infra before releasing", stack, status)
	}
	return nil
}

// Read returns the validated ReleaseTarget of a service stack.
func Read(ctx context.Context, cfg aws.Config, stack string) (ReleaseTarget, error) {
	outputs, err := Outputs(ctx, cfg, stack)
	if err != nil {
		return ReleaseTarget{}, err
	}
	return FromOutputs(stack, outputs)
}
