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
	if strings.HasSuffix(string(s.StackStatus), "_IN_PROGRESS") && !strings.HasSuffix(string(s.StackStatus), "CLEANUP_IN_PROGRESS") {
		return nil, fmt.Errorf("stack %s is %s: wait for the running update to finish before releasing", stack, s.StackStatus)
	}
	if strings.HasSuffix(string(s.StackStatus), "_FAILED") || s.StackStatus == "ROLLBACK_COMPLETE" || strings.HasPrefix(string(s.StackStatus), "DELETE_") {
		return nil, fmt.Errorf("stack %s is %s: fix it with deploy-infra before releasing", stack, s.StackStatus)
	}
	outputs := make(map[string]string, len(s.Outputs))
	for _, o := range s.Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return outputs, nil
}

// Read returns the validated ReleaseTarget of a service stack.
func Read(ctx context.Context, cfg aws.Config, stack string) (ReleaseTarget, error) {
	outputs, err := Outputs(ctx, cfg, stack)
	if err != nil {
		return ReleaseTarget{}, err
	}
	return FromOutputs(stack, outputs)
}
