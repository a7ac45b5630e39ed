// Package changeset reviews a CloudFormation change set before it runs
// against a live blue/green service. Classify turns DescribeChangeSet output
// (every page, with property-level details) and what is known about the live
// service into a Review: each change is safe, needs care, or refused under a
// named Class with the reason in words. Decide turns a Review and the classes
// a user allows into a Decision. Nothing here calls AWS; the gate package
// reads the change set and the live state, and executes or deletes.
package changeset

import "sort"

// Verdict is how a single change is judged.
type Verdict string

// The verdicts, from harmless to blocking.
const (
	// Safe changes cannot disturb traffic: additions, and in-place updates
	// of resources outside the serving path.
	Safe Verdict = "safe"
	// Care changes run, but deserve a look: IAM and security-group edits,
	// removals and replacements of resources outside the serving path.
	Care Verdict = "needs-care"
	// Refused changes stop the deployment unless their class is allowed.
	Refused Verdict = "refused"
)

// Class names a kind of refused change; `--allow` takes these names.
type Class string

// The refusal classes.
const (
	// ReplaceService: the ECS service would be replaced (a new service,
	// the old one drained and deleted: an outage and a lost deployment history).
	ReplaceService Class = "replace-service"
	// ReplaceTargetGroup: a blue or green target group would be replaced;
	// its registered tasks and the listener's forward action go with it.
	ReplaceTargetGroup Class = "replace-target-group"
	// ReplaceListener: a production or test listener would be replaced,
	// closing its port while the new one is created.
	ReplaceListener Class = "replace-listener"
	// ReplaceListenerRule: a listener rule would be replaced, dropping the
	// traffic weights a deployment has set.
	ReplaceListenerRule Class = "replace-listener-rule"
	// ReplaceLoadBalancer: the load balancer would be replaced: a new DNS
	// name, and the service's traffic stops.
	ReplaceLoadBalancer Class = "replace-load-balancer"
	// ReplaceCluster: the ECS cluster would be replaced, and every service in it.
	ReplaceCluster Class = "replace-cluster"
	// RemoveServing: the service, a target group, listener, rule, load
	// balancer or cluster would be deleted.
	RemoveServing Class = "remove-serving"
	// CodeDeployServiceUpdate: a property of a CODE_DEPLOY service that
	// UpdateService refuses for that controller would change (everything but
	// the desired count, deployment configuration, health check grace
	// period, placement constraints and strategies, managed tags and tag
	// propagation): CloudFormation cannot apply it and fails late,
	// mid-update (releases go through CodeDeploy instead).
	CodeDeployServiceUpdate Class = "codedeploy-service-update"
	// DeploymentInProgress: a CodeDeploy or ECS service deployment is running
	// on the service, and a stack update would fight it.
	DeploymentInProgress Class = "deployment-in-progress"
	// ListenerWeightReset: in ECS-native mode, a listener or listener-rule
	// action would be rewritten from the template, resetting the traffic
	// weights ECS has shifted.
	ListenerWeightReset Class = "listener-weight-reset"
	// DeleteRepository: the ECR repository and the images the service runs
	// would be deleted.
	DeleteRepository Class = "delete-repository"
	// TakesLiveTraffic: a new listener rule or listener, or a rewritten
	// forward action, would send a live listener's (or load balancer's)
	// traffic somewhere other than the target group serving it now.
	TakesLiveTraffic Class = "takes-live-traffic"
	// DynamicServing: a Dynamic change (decided by CloudFormation at run
	// time) on a resource of the traffic path: nothing can be reviewed.
	DynamicServing Class = "dynamic-serving"
	// UnreviewedNestedStack: a nested stack changes but its own change set
	// cannot be read, so what runs inside it is unknown.
	UnreviewedNestedStack Class = "unreviewed-nested-stack"
)

// classInfo describes each class for the table and the help text.
var classInfo = map[Class]string{
	ReplaceService:          "replacement of the ECS service",
	ReplaceTargetGroup:      "replacement of a target group",
	ReplaceListener:         "replacement of a listener",
	ReplaceListenerRule:     "replacement of a listener rule",
	ReplaceLoadBalancer:     "replacement of the load balancer",
	ReplaceCluster:          "replacement of the ECS cluster",
	RemoveServing:           "deletion of the service, a target group, listener, rule, load balancer or cluster",
	CodeDeployServiceUpdate: "a CODE_DEPLOY service property UpdateService refuses for that controller (task definition, load balancers, network configuration, platform version, …)",
	DeploymentInProgress:    "any update while a CodeDeploy or ECS service deployment is in progress",
	ListenerWeightReset:     "in ECS-native mode, a listener (rule) action rewrite that resets live traffic weights",
	DeleteRepository:        "deletion of the ECR repository",
	TakesLiveTraffic:        "a new listener rule or listener, or a rewritten forward, that sends live traffic to a target group not serving it now",
	DynamicServing:          "a Dynamic change (decided at run time) on a resource of the traffic path",
	UnreviewedNestedStack:   "a nested stack change whose own change set cannot be read",
}

// Classes returns every refusal class, sorted.
func Classes() []Class {
	out := make([]Class, 0, len(classInfo))
	for c := range classInfo {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Describe returns what a class covers, in words.
func (c Class) Describe() string { return classInfo[c] }
