// Package config turns CDK context values and the CDK environment variables
// into one validated, typed configuration for every stack of the app. All
// problems are collected and reported together before anything is
// synthesized, so a user fixes a bad cdk.json in one pass.
package config

// Mode selects which blue/green design the service stack implements: the two
// CodeDeploy reference designs, or ECS's own (ModeECS, in ecs.go).
type Mode string

const (
	// ModeCodeDeploy (default): the ECS service uses the CODE_DEPLOY
	// controller and a CodeDeploy application and deployment group shift
	// traffic; releases go through CodePipeline or a direct CreateDeployment.
	ModeCodeDeploy Mode = "codedeploy"
	// ModeHook: the service uses the EXTERNAL controller with task sets and
	// the AWS::CodeDeployBlueGreen transform; a stack update that changes the
	// image is the deployment.
	ModeHook Mode = "hook"
)

// SourceType selects the CodePipeline source action.
type SourceType string

const (
	// SourceCodeCommit reads an existing AWS CodeCommit repository.
	SourceCodeCommit SourceType = "codecommit"
	// SourceGitHub reads a GitHub repository through a CodeStar/CodeConnections
	// connection.
	SourceGitHub SourceType = "github"
)

// Source holds the pipeline's source settings.
type Source struct {
	// Type is codecommit or github.
	Type SourceType
	// CodeCommitRepository names the existing CodeCommit repository
	// (codecommit only; defaults to the app name).
	CodeCommitRepository string
	// ConnectionArn is the CodeStar/CodeConnections connection (github only).
	ConnectionArn string
	// Owner is the GitHub owner (user or organisation; github only).
	Owner string
	// Repo is the GitHub repository name (github only).
	Repo string
	// Branch is the branch that triggers the pipeline.
	Branch string
}

// Config is the whole, validated configuration of the CDK app.
type Config struct {
	// AppName names every stack and resource (lowercase, DNS-like).
	AppName string
	// Account is the AWS account id; empty means environment-agnostic stacks.
	Account string
	// Region is the AWS region; empty means environment-agnostic stacks.
	Region string

	// VpcCidr is the VPC's private IPv4 range, /16 to /24.
	VpcCidr string
	// NatGateways is the number of NAT gateways (0-3). With 0 the tasks run
	// in isolated subnets and reach ECR and CloudWatch Logs through VPC
	// endpoints.
	NatGateways int

	// ContainerPort is the port the app container listens on.
	ContainerPort int
	// CPU is the task's CPU units (a Fargate pair with Memory).
	CPU int
	// Memory is the task's memory in MiB.
	Memory int
	// CPUArchitecture is the task's runtimePlatform.cpuArchitecture: X86_64
	// or ARM64 (Graviton, cheaper per vCPU). The image must hold a manifest
	// for it; release builds and checks that.
	CPUArchitecture string
	// DesiredCount is the number of running tasks.
	DesiredCount int
	// LogRetentionDays is the retention of the app's log group.
	LogRetentionDays int
	// Image is the digest-pinned image the service starts with; empty means
	// the synth-time placeholder (see InitialImageTag).
	Image string
	// HealthCheckCommand (optional) is a container health check in exec form,
	// split on spaces. The default image has no shell, so there is none by
	// default: the target groups' /healthz probe decides.
	HealthCheckCommand []string

	// Mode is the blue/green design (codedeploy, hook or ecs).
	Mode Mode
	// Deployment is the traffic-shifting strategy.
	Deployment Deployment
	// ECS is how ECS shifts traffic (ecs mode only; zero otherwise).
	ECS ECSDeployment
	// TerminationWaitMinutes is how long the old (blue) tasks stay after the
	// traffic moved, for a fast rollback.
	TerminationWaitMinutes int
	// AfterAllowTestTrafficHook is an optional Lambda function name run by
	// the hook-mode deployment once test traffic reaches the new tasks.
	AfterAllowTestTrafficHook string

	// CertificateArn (optional) turns the production listener into HTTPS
	// :443 with an HTTP :80 redirect.
	CertificateArn string
	// HostedZoneID, ZoneName and DomainName (optional, all or none) add a
	// Route 53 alias to the load balancer.
	HostedZoneID string
	// ZoneName is the hosted zone's domain name.
	ZoneName string
	// DomainName is the record created in the zone.
	DomainName string

	// UnhealthyHostThreshold raises the unhealthy-host alarm at this many
	// unhealthy targets.
	UnhealthyHostThreshold int
	// HTTP5xxThreshold raises the 5xx alarm at this many target 5xx
	// responses per minute.
	HTTP5xxThreshold int

	// Source is the pipeline's source.
	Source Source

	// TestListenerSources may reach the test listener, where the unreleased
	// version answers before production traffic moves; default the VPC CIDR.
	TestListenerSources []TrafficSource
	// MaxRequestSeconds is the longest request the app serves: the target
	// groups drain that long, the app's graceful shutdown waits that long,
	// and the container's stopTimeout leaves StopMarginSeconds on top.
	MaxRequestSeconds int
	// HookFunctions are the Lambda functions CodeDeploy may invoke as
	// lifecycle hooks (the names given to release --hooks); in hook mode
	// AfterAllowTestTrafficHook is added.
	HookFunctions []string
	// AlarmEmail (optional) subscribes an address to the alarm topic.
	AlarmEmail string
	// AlarmTopicArn (optional) is an existing SNS topic the composite alarm
	// notifies; with only AlarmEmail the stack creates one.
	AlarmTopicArn string
	// Profile selects defaults for safety settings (development or production).
	Profile Profile
	// AccessLogs writes the load balancer's access logs to an S3 bucket.
	AccessLogs bool
	// DeletionProtection protects the load balancer from deletion.
	DeletionProtection bool
	// RestrictDefaultSecurityGroup removes every rule of the VPC's default
	// security group (a Lambda-backed custom resource).
	RestrictDefaultSecurityGroup bool
	// FlowLogs records the VPC's traffic (accepted and rejected) in a
	// CloudWatch log group.
	FlowLogs bool
	// Pipeline adds the release pipeline stack (codedeploy and ecs modes).
	Pipeline bool
	// KeepImages is how many tagged images the repository keeps; older ones
	// expire.
	KeepImages int
	// Signing is how release provenance is signed (signingKey).
	Signing Signing
	// Live is the deployed state deploy-infra reads before a synth.
	Live Live
	// Analysis is the automated deployment check (analysis=on).
	Analysis Analysis
}

// Profile selects the defaults of the safety settings that cost money or
// slow down tearing a stack down.
type Profile string

const (
	// ProfileDevelopment (default): no access logs, no deletion protection.
	ProfileDevelopment Profile = "development"
	// ProfileProduction: access logs and deletion protection on by default.
	ProfileProduction Profile = "production"
)

// StopMarginSeconds is what the container's stopTimeout adds to
// MaxRequestSeconds: the time the app needs to close its listener and exit
// after the last request.
const StopMarginSeconds = 10

// StopTimeoutSeconds is the container's stopTimeout: SIGKILL comes this long
// after SIGTERM.
func (c Config) StopTimeoutSeconds() int { return c.MaxRequestSeconds + StopMarginSeconds }

// HasPipeline reports whether the app has a release pipeline. Hook mode has
// none: its release is a stack update, which would need the CDK deploy role
// (and through it the bootstrap's administrator execution role) in a build
// that runs the branch's buildspec. The other modes have one unless
// pipeline=false.
func (c Config) HasPipeline() bool { return c.Mode != ModeHook && c.Pipeline }

// AlarmNotifications reports whether the composite alarm notifies a topic.
func (c Config) AlarmNotifications() bool { return c.AlarmEmail != "" || c.AlarmTopicArn != "" }

// CPU architectures Fargate runs Linux tasks on.
const (
	CPUArchitectureX86   = "X86_64"
	CPUArchitectureARM64 = "ARM64"
)

// InitialImageTag is the tag of the app repository the service stack points
// at when no image is configured. It only lets every stack synthesize (the
// CDK CLI synthesizes the whole app even to deploy <app>-ecr); deploy
// <app>-service with -c image=<digest-pinned URI> once an image exists.
const InitialImageTag = "initial"

// HTTPS reports whether the production listener serves HTTPS.
func (c Config) HTTPS() bool { return c.CertificateArn != "" }

// HasDomain reports whether a Route 53 alias is configured.
func (c Config) HasDomain() bool { return c.DomainName != "" }

// EnvSpecific reports whether account and region are both known, so the
// stacks are bound to them (and availability zones come from context).
func (c Config) EnvSpecific() bool { return c.Account != "" && c.Region != "" }

// ProductionPort is the production listener's port.
func (c Config) ProductionPort() int {
	if c.HTTPS() {
		return 443
	}
	return 80
}

// TestPort is the test listener's port (test traffic reaches the new tasks
// there before production traffic moves).
func (c Config) TestPort() int { return 8080 }

// StackName returns the CloudFormation stack name for a part of the app
// ("ecr", "network", "service", "pipeline").
func (c Config) StackName(part string) string { return c.AppName + "-" + part }
