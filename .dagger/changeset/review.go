package changeset

import (
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"dagger/ecs-bluegreen/stackout"
)

// Deployment modes as the service stack's DeploymentMode output names them;
// stackout owns the output contract.
const (
	ModeCodeDeploy = stackout.ModeCodeDeploy
	ModeHook       = stackout.ModeHook
	ModeECS        = stackout.ModeECS
)

// Live is what the gate knows about the running service behind a stack.
type Live struct {
	// Mode is the stack's DeploymentMode output; empty for a stack without
	// one (a new stack, or one that holds no service).
	Mode string
	// InProgress describes each deployment running on the stack's service,
	// e.g. "CodeDeploy deployment d-ABC123 is InProgress".
	InProgress []string
	// Serving names, for each existing listener or load balancer (by ARN)
	// that a new or rewritten route points at (see TrafficSources), the
	// target groups that receive its traffic now: forwards with a weight
	// above zero, in its default actions and rules (every listener's, for a
	// load balancer). A route to an existing listener missing here is
	// judged as one whose traffic cannot be told.
	Serving map[string][]string

	// creates are the resource types the whole change set creates (set by
	// ClassifyTree; see creations).
	creates map[string]bool
}

// Property is one changed property of a resource.
type Property struct {
	// Name is the top-level property, e.g. TaskDefinition.
	Name string `json:"name"`
	// Path is the property path, e.g. /Properties/LoadBalancers/0/TargetGroupArn.
	Path string `json:"path,omitempty"`
	// Recreation is Never, Conditionally or Always.
	Recreation string `json:"recreation,omitempty"`
	// Source is what causes the change (DirectModification, ResourceReference, …).
	Source string `json:"source,omitempty"`
	// Cause names the causing entity (a resource or parameter), if any.
	Cause string `json:"cause,omitempty"`
	// Before and After are the values, when the change set has them (truncated).
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// Finding is the judgement of one change (or of the update as a whole, for
// a deployment in progress).
type Finding struct {
	LogicalID string `json:"logicalId"`
	// NestedStack is the path of logical ids of the nested stacks holding
	// the resource ("Database" or "Database/Cluster"); empty in the stack itself.
	NestedStack  string     `json:"nestedStack,omitempty"`
	ResourceType string     `json:"resourceType"`
	PhysicalID   string     `json:"physicalId,omitempty"`
	Action       string     `json:"action"`
	Replacement  string     `json:"replacement,omitempty"`
	Properties   []Property `json:"properties,omitempty"`
	Verdict      Verdict    `json:"verdict"`
	Class        Class      `json:"class,omitempty"`
	Reason       string     `json:"reason"`
	// Allow is the --allow value that lets a refused change through.
	Allow string `json:"allow,omitempty"`
}

// Review is the classified content of one stack's change set.
type Review struct {
	Stack      string    `json:"stack"`
	ChangeSet  string    `json:"changeSet"`
	Mode       string    `json:"mode,omitempty"`
	InProgress []string  `json:"inProgress,omitempty"`
	Findings   []Finding `json:"findings"`
}

// valueLimit caps the property values kept in a review.
const valueLimit = 160

// ChangeSet is a change set as read: its pages, in order (the first names
// the stack and the change set), and the change sets of the nested stacks
// it changes, by change set id (the ChangeSetId of their resource change).
type ChangeSet struct {
	Pages  []*cloudformation.DescribeChangeSetOutput
	Nested map[string]ChangeSet
}
