package bundle

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Mode says who fills in the image and the task definition.
type Mode string

const (
	// ModePipeline renders CodePipeline artifacts: the image is <IMAGE1_NAME>
	// and the appspec's TaskDefinition is <TASK_DEFINITION>.
	ModePipeline Mode = "pipeline"
	// ModeDirect renders a deployment the caller runs itself: the image is the
	// digest-pinned URI and TaskDefinition is a registered ARN.
	ModeDirect Mode = "direct"
)

// ParseMode accepts "pipeline" or "direct".
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModePipeline, ModeDirect:
		return m, nil
	}
	return "", fmt.Errorf("mode %q is not accepted; want %q or %q", s, ModePipeline, ModeDirect)
}

// File names of the bundle.
const (
	// FileImageDetail is the image URI for the CodeDeploy-to-ECS action.
	FileImageDetail = "imageDetail.json"
	// FileTaskDef is the RegisterTaskDefinition input.
	FileTaskDef = "taskdef.json"
	// FileAppSpec is the CodeDeploy application specification.
	FileAppSpec = "appspec.yaml"
	// FileRelease is the machine-readable release summary.
	FileRelease = "release.json"
)

// Network is the awsvpc configuration CodeDeploy gives the replacement task
// set. It is all-or-none: a partial one would silently replace the service's
// subnets or security groups.
type Network struct {
	// Subnets are subnet ids (subnet-…), 1 to 16.
	Subnets []string
	// SecurityGroups are security group ids (sg-…), 1 to 5.
	SecurityGroups []string
	// AssignPublicIp is ENABLED or DISABLED.
	AssignPublicIp string
}

// AssignPublicIPDisabled keeps tasks off the internet: they sit in private
// subnets behind the load balancer.
const AssignPublicIPDisabled = "DISABLED"

// NetworkFromOutputs builds a Network from the service stack's Subnets and
// SecurityGroups outputs (comma-separated ids), with public IPs disabled.
// Validation happens in Render, with every other input.
func NetworkFromOutputs(subnets, securityGroups string) *Network {
	return &Network{
		Subnets:        SplitIDs(subnets),
		SecurityGroups: SplitIDs(securityGroups),
		AssignPublicIp: AssignPublicIPDisabled,
	}
}

// SplitIDs splits a comma-separated CloudFormation output into ids, dropping
// blanks and white space.
func SplitIDs(csv string) []string {
	var out []string
	for _, s := range strings.Split(csv, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Input is everything a bundle is rendered from. The caller fetches it (from
// DescribeTaskDefinition, DescribeServices, the stack outputs and the push);
// nothing here calls AWS.
type Input struct {
	// Mode is ModePipeline or ModeDirect.
	Mode Mode
	// TaskDefinition is the deployed task definition as DescribeTaskDefinition
	// returns it. Exactly one of TaskDefinition and TaskDefinitionJSON is set.
	TaskDefinition *ecstypes.TaskDefinition
	// TaskDefinitionJSON is a user-supplied taskdef.json (RegisterTaskDefinition
	// input, camelCase). It is decoded strictly: unknown and read-only members
	// are violations.
	TaskDefinitionJSON []byte
	// Tags are the task definition's tags (DescribeTaskDefinition with
	// include=TAGS), carried over to the new revision; when set they replace
	// the tags of TaskDefinitionJSON. Optional.
	Tags []ecstypes.Tag
	// ImageURI is the pushed image, pinned by digest.
	ImageURI string
	// ContainerName is the app container (stack output ContainerName).
	ContainerName string
	// ContainerPort is the port the load balancer targets (stack output ContainerPort).
	ContainerPort int32
	// TaskDefinitionArn is the registered revision the appspec deploys; direct
	// mode only.
	TaskDefinitionArn string
	// PlatformVersion is the Fargate platform version, e.g. LATEST or 1.4.0. Optional.
	PlatformVersion string
	// Network is the awsvpc configuration. Optional; all-or-none.
	Network *Network
	// CapacityProviderStrategy is the service's strategy, carried into the
	// appspec: CodeDeploy drops a strategy the appspec omits. Optional.
	CapacityProviderStrategy []ecstypes.CapacityProviderStrategyItem
	// Hooks maps lifecycle events (BeforeInstall, AfterInstall,
	// AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic) to Lambda
	// function names or ARNs. Optional.
	Hooks map[string]string
	// Attestations are the image's referrers, for release.json. Optional.
	Attestations []Attestation
	// GitRevision is the commit the image was built from, for release.json. Optional.
	GitRevision string
	// Timestamp is when the release was made, for release.json. Optional: the
	// package reads no clock, so the output depends only on the input.
	Timestamp time.Time
}

// HookEvents are the ECS lifecycle events an appspec may hook, in the order
// CodeDeploy runs them.
var HookEvents = []string{"BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"}

var (
	lambdaNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	lambdaARNRE  = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$`)
	subnetRE     = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	sgRE         = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	containerRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	platformRE   = regexp.MustCompile(`^(LATEST|[0-9]+\.[0-9]+\.[0-9]+)$`)
	taskDefARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:task-definition/([A-Za-z0-9_-]{1,255}):[1-9][0-9]*$`)
	providerRE   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	gitRevRE     = regexp.MustCompile(`^[0-9a-f]{7,64}$`)
)

// checkHooks records unknown lifecycle events and function names Lambda
// would refuse.
func checkHooks(c *collector, field string, hooks map[string]string) {
	for _, name := range sortedKeys(hooks) {
		fn := hooks[name]
		if !isHookEvent(name) {
			c.addf(field+"."+name, "is not an ECS lifecycle hook; want one of %s", strings.Join(HookEvents, ", "))
		}
		if !lambdaNameRE.MatchString(fn) && !lambdaARNRE.MatchString(fn) {
			c.addf(field+"."+name, "function %q is not a Lambda function name (1-64 of A-Za-z0-9_-) or function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])", fn)
		}
	}
}

func isHookEvent(name string) bool {
	for _, e := range HookEvents {
		if e == name {
			return true
		}
	}
	return false
}

// checkNetwork records a partial or malformed awsvpc configuration.
func checkNetwork(c *collector, field string, n *Network) {
	if n == nil {
		return
	}
	var missing []string
	if len(n.Subnets) == 0 {
		missing = append(missing, "Subnets")
	}
	if len(n.SecurityGroups) == 0 {
		missing = append(missing, "SecurityGroups")
	}
	if n.AssignPublicIp == "" {
		missing = append(missing, "AssignPublicIp")
	}
	if len(missing) > 0 {
		c.addf(field, "is partial: %s missing; give Subnets, SecurityGroups and AssignPublicIp together, or no network configuration at all", strings.Join(missing, ", "))
	}
	if len(n.Subnets) > 16 {
		c.addf(field+".Subnets", "has %d subnets; at most 16 are accepted", len(n.Subnets))
	}
	for i, s := range n.Subnets {
		if !subnetRE.MatchString(s) {
			c.addf(fmt.Sprintf("%s.Subnets[%d]", field, i), "%q is not a subnet id; want subnet- followed by 8 or 17 lowercase hex digits", s)
		}
	}
	if len(n.SecurityGroups) > 5 {
		c.addf(field+".SecurityGroups", "has %d security groups; at most 5 are accepted", len(n.SecurityGroups))
	}
	for i, s := range n.SecurityGroups {
		if !sgRE.MatchString(s) {
			c.addf(fmt.Sprintf("%s.SecurityGroups[%d]", field, i), "%q is not a security group id; want sg- followed by 8 or 17 lowercase hex digits", s)
		}
	}
	if n.AssignPublicIp != "" && n.AssignPublicIp != "ENABLED" && n.AssignPublicIp != "DISABLED" {
		c.addf(field+".AssignPublicIp", "%q is not accepted; want ENABLED or DISABLED", n.AssignPublicIp)
	}
}

// checkStrategy records a capacity provider strategy ECS would refuse.
func checkStrategy(c *collector, field string, items []CapacityProvider) {
	if len(items) > 20 {
		c.addf(field, "has %d capacity providers; at most 20 are accepted", len(items))
	}
	withBase, weighted := 0, 0
	for i, it := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !providerRE.MatchString(it.CapacityProvider) {
			c.addf(f+".CapacityProvider", "%q is not a capacity provider name (e.g. FARGATE, FARGATE_SPOT)", it.CapacityProvider)
		}
		if it.Base < 0 || it.Base > 100000 {
			c.addf(f+".Base", "%d is out of range; want 0 to 100000", it.Base)
		}
		if it.Weight < 0 || it.Weight > 1000 {
			c.addf(f+".Weight", "%d is out of range; want 0 to 1000", it.Weight)
		}
		if it.Base > 0 {
			withBase++
		}
		if it.Weight > 0 {
			weighted++
		}
	}
	if withBase > 1 {
		c.addf(field, "%d capacity providers have a base; at most one may", withBase)
	}
	if len(items) > 0 && weighted == 0 {
		c.addf(field, "no capacity provider has a weight above 0; at least one must")
	}
}
