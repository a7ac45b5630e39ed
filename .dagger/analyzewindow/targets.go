package analyzewindow

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"dagger/ecs-bluegreen/lifecyclehook"
)

// StackResources is the one CloudFormation call the analysis makes.
type StackResources interface {
	ListStackResources(ctx context.Context, in *cloudformation.ListStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
}

var _ StackResources = (*cloudformation.Client)(nil)

// Targets are the service stack's two target groups behind its load
// balancer, as CloudWatch dimensions.
type Targets struct {
	Blue, Green lifecyclehook.Dimensions
}

// ReadTargets finds the blue and green target groups and the load balancer
// among the service stack's resources (their physical ids are their ARNs).
// Every mode has them; production alternates between the two.
func ReadTargets(ctx context.Context, cfn StackResources, stack string) (Targets, error) {
	var lb, blue, green string
	in := &cloudformation.ListStackResourcesInput{StackName: aws.String(stack)}
	for page := 0; ; page++ {
		if page == 50 {
			return Targets{}, fmt.Errorf("cloudformation ListStackResources %s: still paging after %d pages", stack, page)
		}
		out, err := cfn.ListStackResources(ctx, in)
		if err != nil {
			return Targets{}, fmt.Errorf("cloudformation ListStackResources %s: %w", stack, err)
		}
		for _, r := range out.StackResourceSummaries {
			id, phys := aws.ToString(r.LogicalResourceId), aws.ToString(r.PhysicalResourceId)
			switch aws.ToString(r.ResourceType) {
			case "AWS::ElasticLoadBalancingV2::LoadBalancer":
				lb = phys
			case "AWS::ElasticLoadBalancingV2::TargetGroup":
				switch {
				case strings.HasPrefix(id, "Blue"):
					blue = phys
				case strings.HasPrefix(id, "Green"):
					green = phys
				}
			}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	if lb == "" || blue == "" || green == "" {
		return Targets{}, fmt.Errorf("stack %s has no load balancer with blue and green target groups (found load balancer %q, blue %q, green %q): is it the <app>-service stack?", stack, lb, blue, green)
	}
	lbDim, err := lifecyclehook.LoadBalancerDimension(lb)
	if err != nil {
		return Targets{}, fmt.Errorf("stack %s: %w", stack, err)
	}
	t := Targets{Blue: lifecyclehook.Dimensions{LoadBalancer: lbDim}, Green: lifecyclehook.Dimensions{LoadBalancer: lbDim}}
	if t.Blue.TargetGroup, err = lifecyclehook.TargetGroupDimension(blue); err != nil {
		return Targets{}, fmt.Errorf("stack %s: %w", stack, err)
	}
	if t.Green.TargetGroup, err = lifecyclehook.TargetGroupDimension(green); err != nil {
		return Targets{}, fmt.Errorf("stack %s: %w", stack, err)
	}
	return t, nil
}
