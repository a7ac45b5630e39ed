// Package stackout reads the outputs of the <app>-service CloudFormation stack
// into the typed ReleaseTarget a release works from, so nothing about the
// deployed infrastructure (cluster, roles, subnets, ports) is ever typed by
// hand or guessed.
package stackout

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Output keys of the <app>-service stack (the infrastructure/release contract).
const (
	KeyClusterName           = "ClusterName"
	KeyServiceName           = "ServiceName"
	KeyCodeDeployApplication = "CodeDeployApplication"
	KeyDeploymentGroup       = "DeploymentGroup"
	KeyTaskFamily            = "TaskFamily"
	KeyTaskDefinitionArn     = "TaskDefinitionArn"
	KeyContainerName         = "ContainerName"
	KeyContainerPort         = "ContainerPort"
	KeyExecutionRoleArn      = "ExecutionRoleArn"
	KeyTaskRoleArn           = "TaskRoleArn"
	KeyLogGroupName          = "LogGroupName"
	KeySubnets               = "Subnets"
	KeySecurityGroups        = "SecurityGroups"
	KeyRepositoryUri         = "RepositoryUri"
	KeyProductionUrl         = "ProductionUrl"
	KeyTestUrl               = "TestUrl"
	KeyDeploymentMode        = "DeploymentMode"
)

// Deployment modes of the service stack.
const (
	// ModeCodeDeploy: the service uses the CODE_DEPLOY controller and a
	// CodeDeploy application + deployment group shift traffic.
	ModeCodeDeploy = "codedeploy"
	// ModeHook: traffic shifting is driven by a CloudFormation stack update
	// (the blue/green hook); no CodeDeploy outputs are required.
	ModeHook = "hook"
)

// requiredKeys must be present in every mode; codeDeployKeys only in codedeploy mode.
var (
	requiredKeys = []string{
		KeyClusterName, KeyServiceName, KeyTaskFamily, KeyTaskDefinitionArn, KeyContainerName, KeyContainerPort,
		KeyExecutionRoleArn, KeyTaskRoleArn, KeyLogGroupName, KeySubnets, KeySecurityGroups, KeyRepositoryUri,
		KeyProductionUrl, KeyTestUrl, KeyDeploymentMode,
	}
	codeDeployKeys = []string{KeyCodeDeployApplication, KeyDeploymentGroup}
)

// ReleaseTarget is everything a release needs to know about the deployed
// service, read from the <app>-service stack outputs.
type ReleaseTarget struct {
	// Stack is the stack the values came from.
	Stack string
	// ClusterName is the ECS cluster.
	ClusterName string
	// ServiceName is the ECS service.
	ServiceName string
	// CodeDeployApplication is the CodeDeploy application (codedeploy mode).
	CodeDeployApplication string
	// DeploymentGroup is the CodeDeploy deployment group (codedeploy mode).
	DeploymentGroup string
	// TaskFamily is the task definition family.
	TaskFamily string
	// TaskDefinitionArn is the task definition the stack registered.
	TaskDefinitionArn string
	// ContainerName is the application container (== appName).
	ContainerName string
	// ContainerPort is the port the container listens on.
	ContainerPort int
	// ExecutionRoleArn is the role ECS uses to pull the image and write logs.
	ExecutionRoleArn string
	// TaskRoleArn is the role the application runs with.
	TaskRoleArn string
	// LogGroupName is the CloudWatch Logs group of the container.
	LogGroupName string
	// Subnets are the task subnets.
	Subnets []string
	// SecurityGroups are the task security groups.
	SecurityGroups []string
	// RepositoryUri is the ECR repository (registry/name, no tag).
	RepositoryUri string
	// ProductionUrl is the production listener URL.
	ProductionUrl string
	// TestUrl is the test listener URL.
	TestUrl string
	// DeploymentMode is ModeCodeDeploy, ModeHook or ModeECS.
	DeploymentMode string
	// ECS is what ecs mode adds (zero in the other modes).
	ECS ECSTarget
}

var (
	stackNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	arnPattern       = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$`)
)

// ValidateStackName checks a CloudFormation stack name (a letter, then up to
// 127 letters, digits or hyphens).
func ValidateStackName(stack string) error {
	if !stackNamePattern.MatchString(stack) {
		return fmt.Errorf("stack name %q is invalid: expected a letter followed by letters, digits or '-' (at most 128), e.g. webapp-service", stack)
	}
	return nil
}

// FromOutputs builds and validates a ReleaseTarget from a stack's outputs
// (OutputKey → OutputValue). Every missing key is named at once, so one
// deploy-infra run fixes them all.
func FromOutputs(stack string, outputs map[string]string) (ReleaseTarget, error) {
	if len(outputs) == 0 {
		// A template with the AWS::CodeDeployBlueGreen transform may not
		// declare Outputs, so an output-less service stack is most likely
		// in hook mode, where CloudFormation itself runs the blue/green
		// deployment.
		return ReleaseTarget{}, fmt.Errorf("stack %s has no outputs. If it deploys in hook mode (deploymentMode=hook), a release is a stack update: "+
			"publish the image, then run deploy-infra --cdk-context image=<repository>@sha256:<digest>. Otherwise run deploy-infra to create it", stack)
	}
	get := func(k string) string { return strings.TrimSpace(outputs[k]) }
	mode := get(KeyDeploymentMode)
	want := append([]string{}, requiredKeys...)
	switch mode {
	case ModeHook:
	case ModeECS:
		want = append(want, ecsKeys...)
	default:
		want = append(want, codeDeployKeys...)
	}
	var missing []string
	for _, k := range want {
		if get(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return ReleaseTarget{}, fmt.Errorf("stack %s lacks output(s) %s: run deploy-infra to create or update it with the current infrastructure code",
			stack, strings.Join(missing, ", "))
	}
	t := ReleaseTarget{
		Stack:                 stack,
		ClusterName:           get(KeyClusterName),
		ServiceName:           get(KeyServiceName),
		CodeDeployApplication: get(KeyCodeDeployApplication),
		DeploymentGroup:       get(KeyDeploymentGroup),
		TaskFamily:            get(KeyTaskFamily),
		TaskDefinitionArn:     get(KeyTaskDefinitionArn),
		ContainerName:         get(KeyContainerName),
		ExecutionRoleArn:      get(KeyExecutionRoleArn),
		TaskRoleArn:           get(KeyTaskRoleArn),
		LogGroupName:          get(KeyLogGroupName),
		Subnets:               splitList(get(KeySubnets)),
		SecurityGroups:        splitList(get(KeySecurityGroups)),
		RepositoryUri:         get(KeyRepositoryUri),
		ProductionUrl:         get(KeyProductionUrl),
		TestUrl:               get(KeyTestUrl),
		DeploymentMode:        mode,
	}
	bad := func(key, value, accepted string) error {
		return fmt.Errorf("stack %s output %s = %q is invalid: expected %s; run deploy-infra to repair the stack", stack, key, value, accepted)
	}
	if mode != ModeCodeDeploy && mode != ModeHook && mode != ModeECS {
		return ReleaseTarget{}, bad(KeyDeploymentMode, mode, `"codedeploy", "hook" or "ecs"`)
	}
	port, err := strconv.Atoi(get(KeyContainerPort))
	if err != nil || port < 1 || port > 65535 {
		return ReleaseTarget{}, bad(KeyContainerPort, get(KeyContainerPort), "a port number 1-65535")
	}
	t.ContainerPort = port
	for key, v := range map[string]string{KeyExecutionRoleArn: t.ExecutionRoleArn, KeyTaskRoleArn: t.TaskRoleArn, KeyTaskDefinitionArn: t.TaskDefinitionArn} {
		if !arnPattern.MatchString(v) {
			return ReleaseTarget{}, bad(key, v, "an ARN like arn:aws:iam::123456789012:role/name")
		}
	}
	if err := checkIDs(t.Subnets, "subnet-"); err != nil {
		return ReleaseTarget{}, bad(KeySubnets, get(KeySubnets), "comma-separated subnet ids (subnet-…)")
	}
	if err := checkIDs(t.SecurityGroups, "sg-"); err != nil {
		return ReleaseTarget{}, bad(KeySecurityGroups, get(KeySecurityGroups), "comma-separated security group ids (sg-…)")
	}
	if host, path, ok := strings.Cut(t.RepositoryUri, "/"); !ok || host == "" || path == "" ||
		strings.Contains(host, "@") || strings.ContainsAny(path, ":@") {
		return ReleaseTarget{}, bad(KeyRepositoryUri, t.RepositoryUri, "registry/name without scheme, tag or digest")
	}
	for key, v := range map[string]string{KeyProductionUrl: t.ProductionUrl, KeyTestUrl: t.TestUrl} {
		if u, err := url.Parse(v); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return ReleaseTarget{}, bad(key, v, "an http(s) URL")
		}
	}
	if mode == ModeECS {
		if t.ECS, err = ecsTarget(get, bad); err != nil {
			return ReleaseTarget{}, err
		}
	}
	return t, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func checkIDs(ids []string, prefix string) error {
	if len(ids) == 0 {
		return fmt.Errorf("empty list")
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, prefix) || len(id) == len(prefix) {
			return fmt.Errorf("%q lacks prefix %s", id, prefix)
		}
	}
	return nil
}
