// Package changeset reviews a CloudFormation change set before it runs
// against a live blue/green service. Classify turns DescribeChangeSet output
// (every page, with property-level details) and what is known about the live
// service into a Review: each change is safe, needs care, or refused under a
// named Class with the reason in words. Decide turns a Review and the classes
// a user allows into a Decision. Nothing here calls AWS; the gate package
// reads the change set and the live state, and executes or deletes.
package changeset

import (
	"fmt"
	"sort"
	"strings"
)

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
	// CodeDeployServiceUpdate: a CODE_DEPLOY service's TaskDefinition or
	// LoadBalancers would change; CloudFormation cannot apply that and fails
	// late, mid-update (releases go through CodeDeploy instead).
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
	CodeDeployServiceUpdate: "a CODE_DEPLOY service's TaskDefinition or LoadBalancers change",
	DeploymentInProgress:    "any update while a CodeDeploy or ECS service deployment is in progress",
	ListenerWeightReset:     "in ECS-native mode, a listener (rule) action rewrite that resets live traffic weights",
	DeleteRepository:        "deletion of the ECR repository",
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

// ParseAllow validates the classes given to --allow. Each element may itself
// be a comma-separated list; empty elements are ignored, unknown names are an
// error listing the accepted ones.
func ParseAllow(values []string) ([]Class, error) {
	seen := map[Class]bool{}
	var out []Class
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name := strings.TrimSpace(part)
			if name == "" {
				continue
			}
			c := Class(name)
			if _, ok := classInfo[c]; !ok {
				names := make([]string, 0, len(classInfo))
				for _, k := range Classes() {
					names = append(names, string(k))
				}
				return nil, fmt.Errorf("invalid allow class %q: expected one of %s", name, strings.Join(names, ", "))
			}
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}
