// Package livestate reads what a deployed <app>-service stack serves right
// now, so that deploy-infra can synthesize the next template from it.
//
// CodeDeploy moves the production and test listeners between the blue and
// green target groups on every deployment; CloudFormation does not know. A
// template that still says "production → blue" rewrites the listener back
// to blue on any update that touches it (a certificate, an SSL policy,
// HTTPS on, a CDK upgrade re-rendering it): an outage once blue's tasks are
// gone. deploy-infra passes State.Context() to the synth, and the infra app
// (config.Live) builds the listeners on the groups they serve. In ecs mode
// ECS moves the weights of the listener rules instead, so the rules are read
// the same way (rules.go). The service itself is read too (service.go): the
// task definition revision it runs, which the template keeps on the service
// so that an infrastructure update never deploys anything, and in hook mode
// the image that revision runs. For a hook-mode stack it also names the
// alarms CloudFormation should roll the update back on (RollbackTriggers).
package livestate

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// Context keys the infra app reads (infra/config: KeyLive*).
const (
	KeyProductionTarget = "liveProductionTarget"
	KeyTestTarget       = "liveTestTarget"
	KeyDeploymentMode   = "liveDeploymentMode"
	// KeyTaskDefinition is the revision the service runs (codedeploy and
	// ecs modes).
	KeyTaskDefinition = "liveTaskDefinition"
	// KeyImage is the app container's image in that revision (hook mode,
	// where the template's image is the release).
	KeyImage = "liveImage"
	// KeyProductionListenerTarget and KeyTestListenerTarget are where the
	// listeners' default actions forward in ecs mode, where the rules carry
	// the traffic (KeyProductionTarget, KeyTestTarget) and the default
	// actions only have to stay as they are.
	KeyProductionListenerTarget = "liveProductionListenerTarget"
	KeyTestListenerTarget       = "liveTestListenerTarget"
)

// Logical ids of the service stack's listeners and target groups: the CDK
// construct path plus an 8-hex hash (infra/stacks/service.go).
var (
	prodListenerID = regexp.MustCompile(`^LoadBalancerProductionListener[0-9A-F]{8}$`)
	testListenerID = regexp.MustCompile(`^LoadBalancerTestListener[0-9A-F]{8}$`)
	blueID         = regexp.MustCompile(`^Blue[0-9A-F]{8}$`)
	greenID        = regexp.MustCompile(`^Green[0-9A-F]{8}$`)
	prodRuleID     = regexp.MustCompile(`^ProductionRule[0-9A-F]{8}$`)
	testRuleID     = regexp.MustCompile(`^TestRule[0-9A-F]{8}$`)
)

// State is what the deployed service stack serves. The zero value means the
// stack does not exist yet: the template's initial state applies.
type State struct {
	// ProductionTarget is "blue" or "green": where production traffic goes,
	// the production listener's default action, or in ecs mode the
	// production listener rule.
	ProductionTarget string
	// TestTarget is "blue" or "green", read like ProductionTarget.
	TestTarget string
	// ProductionListenerTarget and TestListenerTarget are the listeners'
	// default actions in ecs mode (empty in the other modes, where they are
	// ProductionTarget and TestTarget).
	ProductionListenerTarget, TestListenerTarget string
	// TaskDefinition is the ARN of the revision the service runs (codedeploy
	// and ecs modes; empty before the service exists).
	TaskDefinition string
	// Image is the app container's image in the revision the service runs
	// (hook mode only).
	Image string
	// Mode is the stack's deployment mode ("" when it cannot be told).
	Mode string
	// Stack is the service stack's name.
	Stack string
	// Alarms are the ARNs of the stack's metric alarms, sorted.
	Alarms []string
}

// Context is the state as CDK context values (only the known ones).
func (s State) Context() map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{
		KeyProductionTarget: s.ProductionTarget, KeyTestTarget: s.TestTarget, KeyDeploymentMode: s.Mode,
		KeyProductionListenerTarget: s.ProductionListenerTarget, KeyTestListenerTarget: s.TestListenerTarget,
		KeyTaskDefinition: s.TaskDefinition, KeyImage: s.Image,
	} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// CloudFormationAPI is the part of the CloudFormation client Read uses.
type CloudFormationAPI interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackResources(context.Context, *cloudformation.DescribeStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error)
}

// ListenersAPI is the part of the ELBv2 client Read uses.
type ListenersAPI interface {
	DescribeListeners(context.Context, *elb.DescribeListenersInput, ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
}

var (
	_ CloudFormationAPI = (*cloudformation.Client)(nil)
	_ ListenersAPI      = (*elb.Client)(nil)
	_ ServiceAPI        = (*ecs.Client)(nil)
)

// Read returns the state of the named service stack with clients built from
// cfg.
func Read(ctx context.Context, cfg aws.Config, stack string) (State, error) {
	return ReadWith(ctx, Clients{CloudFormation: cloudformation.NewFromConfig(cfg), Listeners: elb.NewFromConfig(cfg), Service: ecs.NewFromConfig(cfg)}, stack)
}

// Clients are the AWS clients Read uses.
type Clients struct {
	CloudFormation CloudFormationAPI
	Listeners      ListenersAPI
	Service        ServiceAPI
}

// ReadWith is Read with the clients given.
func ReadWith(ctx context.Context, c Clients, stack string) (State, error) {
	cf, lb := c.CloudFormation, c.Listeners
	stacks, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if isMissing(err) || (err == nil && len(stacks.Stacks) == 0) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("reading stack %s (cloudformation:DescribeStacks): %w", stack, err)
	}
	if status := string(stacks.Stacks[0].StackStatus); status == "REVIEW_IN_PROGRESS" || status == "ROLLBACK_COMPLETE" || strings.HasPrefix(status, "DELETE_") {
		return State{}, nil // nothing was ever (or is any longer) deployed
	}
	res, err := cf.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(stack)})
	if err != nil {
		return State{}, fmt.Errorf("reading the resources of %s (cloudformation:DescribeStackResources): %w", stack, err)
	}
	var prodArn, testArn, prodRule, testRule, cluster, service string
	colors := map[string]string{} // target group ARN → colour
	var types, alarms []string
	for _, r := range res.StackResources {
		id, phys, typ := aws.ToString(r.LogicalResourceId), aws.ToString(r.PhysicalResourceId), aws.ToString(r.ResourceType)
		types = append(types, typ)
		switch {
		case typ == "AWS::CloudWatch::Alarm" && phys != "":
			alarms = append(alarms, alarmArn(aws.ToString(stacks.Stacks[0].StackId), phys))
		case typ == "AWS::ECS::Cluster":
			cluster = phys
		case typ == "AWS::ECS::Service":
			service = phys
		case prodListenerID.MatchString(id):
			prodArn = phys
		case testListenerID.MatchString(id):
			testArn = phys
		case prodRuleID.MatchString(id):
			prodRule = phys
		case testRuleID.MatchString(id):
			testRule = phys
		case blueID.MatchString(id):
			colors[phys] = "blue"
		case greenID.MatchString(id):
			colors[phys] = "green"
		}
	}
	outputs := map[string]string{}
	for _, o := range stacks.Stacks[0].Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	sort.Strings(alarms)
	state := State{Mode: Mode(outputs, types), Stack: stack, Alarms: alarms}
	if err := readService(ctx, c.Service, &state, cluster, service); err != nil {
		return State{}, err
	}
	if prodArn == "" || testArn == "" {
		return state, nil // the listeners were never created
	}
	out, err := lb.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{prodArn, testArn}})
	if err != nil {
		return State{}, fmt.Errorf("reading the listeners of %s (elasticloadbalancing:DescribeListeners): %w", stack, err)
	}
	for _, l := range out.Listeners {
		arn := aws.ToString(l.ListenerArn)
		color, err := Serves(l, colors)
		if err != nil {
			return State{}, fmt.Errorf("%s listener of %s: %w", listenerName(arn, prodArn), stack, err)
		}
		if arn == prodArn {
			state.ProductionTarget = color
		} else if arn == testArn {
			state.TestTarget = color
		}
	}
	if state.ProductionTarget == "" || state.TestTarget == "" {
		return State{}, fmt.Errorf("the listeners of %s were not found (%s, %s): is the stack being changed? Run deploy-infra again when it is stable", stack, prodArn, testArn)
	}
	if prodRule == "" || testRule == "" {
		return state, nil // no rules: the listeners carry the traffic
	}
	return readRules(ctx, lb, state, colors, prodRule, testRule)
}

// Serves returns the colour of the one target group a listener forwards all
// its traffic to. A split (a deployment shifting traffic) or a group that is
// neither blue nor green is an error: deploying now would pin a state that is
// about to change.
func Serves(l elbtypes.Listener, colors map[string]string) (string, error) {
	return serves(l.DefaultActions, colors)
}

// serves is the colour of the one target group actions forward all their
// traffic to (a listener's default actions or a rule's actions).
func serves(actions []elbtypes.Action, colors map[string]string) (string, error) {
	weights := map[string]int32{}
	for _, a := range actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
			for _, tg := range a.ForwardConfig.TargetGroups {
				w := int32(1)
				if tg.Weight != nil {
					w = *tg.Weight
				}
				weights[aws.ToString(tg.TargetGroupArn)] += w
			}
		} else if a.TargetGroupArn != nil {
			weights[aws.ToString(a.TargetGroupArn)] += 1
		}
	}
	var serving []string
	for arn, w := range weights {
		if w > 0 {
			serving = append(serving, arn)
		}
	}
	sort.Strings(serving)
	switch {
	case len(serving) == 0:
		return "", errors.New("forwards to no target group")
	case len(serving) > 1:
		return "", fmt.Errorf("forwards to %d target groups at once (%s): a deployment is shifting traffic; let it finish or roll back before deploy-infra", len(serving), strings.Join(serving, ", "))
	}
	color, ok := colors[serving[0]]
	if !ok {
		return "", fmt.Errorf("forwards to %s, neither the stack's blue nor its green target group: fix it before deploy-infra", serving[0])
	}
	return color, nil
}

// Mode tells the deployment mode of a deployed service stack: its
// DeploymentMode output, or (hook mode, whose template may not declare
// outputs) its task sets.
func Mode(outputs map[string]string, resourceTypes []string) string {
	if m := outputs["DeploymentMode"]; m != "" {
		return m
	}
	for _, t := range resourceTypes {
		if t == "AWS::ECS::TaskSet" || t == "AWS::ECS::PrimaryTaskSet" {
			return "hook"
		}
	}
	for _, t := range resourceTypes {
		if t == "AWS::CodeDeploy::DeploymentGroup" {
			return "codedeploy"
		}
	}
	return ""
}

func listenerName(arn, prodArn string) string {
	if arn == prodArn {
		return "the production"
	}
	return "the test"
}

// isMissing reports CloudFormation's answer for a stack that does not exist.
func isMissing(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "ValidationError" && strings.Contains(apiErr.ErrorMessage(), "does not exist")
}
