// Package cdkcmd is the single source of the AWS CDK command lines this
// project runs: it turns typed options into the argv and the environment for
// `cdk synth`, `cdk diff`, `cdk deploy` and `cdk bootstrap`, validated before
// anything runs, and it turns the CLI's --outputs-file back into readable
// text. The Dagger functions and the tests both build their commands here, so
// what is tested is exactly what runs.
//
// Credentials are never part of what this package returns: callers inject
// them under the names in SecretEnv (as Dagger secret variables, or from the
// process environment).
package cdkcmd

import (
	"sort"
	"strconv"
)

// CLIVersion is the pinned aws-cdk CLI version. 3.x rejects the cloud
// assembly schema aws-cdk-go v2.270.0 writes.
const CLIVersion = "2.1148.1"

// NpmPackage is the npm install spec of the pinned CLI.
const NpmPackage = "aws-cdk@" + CLIVersion

// Executable is the CLI's command name, used when Options.Executable is empty.
const Executable = "cdk"

// Subcommand is a CDK CLI command this package knows how to build.
type Subcommand string

// The supported subcommands.
const (
	// Synth writes the cloud assembly (cdk.out) without touching AWS.
	Synth Subcommand = "synth"
	// Diff compares the app with the deployed stacks.
	Diff Subcommand = "diff"
	// Deploy creates or updates stacks.
	Deploy Subcommand = "deploy"
	// Bootstrap deploys the CDKToolkit stack the deploy roles and staging bucket live in.
	Bootstrap Subcommand = "bootstrap"
)

// DeployMethod is how cdk deploy applies a stack (--method).
type DeployMethod string

// The deploy methods this project supports.
const (
	// MethodChangeSet (the CLI's default) creates and executes a change set.
	MethodChangeSet DeployMethod = "change-set"
	// MethodDirect calls CreateStack/UpdateStack without a change set; AWS
	// emulators whose change sets drop stack outputs need it.
	MethodDirect DeployMethod = "direct"
	// MethodPrepare creates the change set and leaves it for review
	// (ChangeSetName names it); the change-set gate executes or deletes it.
	MethodPrepare DeployMethod = "prepare-change-set"
)

// ParseDeployMethod validates a deploy method name; empty means MethodChangeSet.
func ParseDeployMethod(s string) (DeployMethod, error) {
	switch DeployMethod(s) {
	case "", MethodChangeSet:
		return MethodChangeSet, nil
	case MethodDirect:
		return MethodDirect, nil
	}
	return "", BadInput("deploy method", s, "change-set (default) or direct")
}

// DiffMethod is how cdk diff computes the differences (--method).
type DiffMethod string

// The diff methods of the CLI.
const (
	// DiffAuto (the CLI's default) tries a read-only change set, for exact
	// replacement information, and falls back to comparing templates.
	DiffAuto DiffMethod = "auto"
	// DiffChangeSet insists on a change set.
	DiffChangeSet DiffMethod = "change-set"
	// DiffTemplate only compares templates: fast, and works where change sets
	// are slow or unsupported (AWS emulators).
	DiffTemplate DiffMethod = "template"
)

// ParseDiffMethod validates a diff method name; empty means DiffAuto.
func ParseDiffMethod(s string) (DiffMethod, error) {
	switch DiffMethod(s) {
	case "", DiffAuto:
		return DiffAuto, nil
	case DiffChangeSet, DiffTemplate:
		return DiffMethod(s), nil
	}
	return "", BadInput("diff method", s, "auto (default), change-set or template")
}

// Options describes one CDK CLI invocation.
type Options struct {
	// Command is the subcommand (required).
	Command Subcommand
	// Executable replaces "cdk" as argv[0], e.g. a path to node_modules/.bin/cdk.
	Executable string
	// Stacks selects stacks by exact name (synth, diff, deploy).
	Stacks []string
	// All selects every stack; required for deploy when Stacks is empty,
	// implied for synth and diff.
	All bool
	// Environments are bootstrap targets, aws://<account>/<region>
	// (bootstrap only; empty means the environments of the app).
	Environments []string
	// Context holds CDK context values, passed as -c key=value in key order.
	Context map[string]string
	// ApproveAll passes --require-approval never (deploy only), so a
	// non-interactive deploy does not stop at IAM or security group changes.
	ApproveAll bool
	// Output is the cloud assembly directory to write (--output).
	Output string
	// App is a pre-synthesized cloud assembly directory or an app command
	// (--app); empty means cdk.json's "app".
	App string
	// OutputsFile is where deploy writes the stack outputs as JSON (deploy only).
	OutputsFile string
	// Method is the deploy method (deploy only; empty means the CLI's
	// default, a change set).
	Method DeployMethod
	// RollbackAlarms are CloudWatch metric alarm ARNs CloudFormation watches
	// during the deployment and for MonitoringMinutes after it, rolling the
	// update back when one fires (deploy only; at most 5). CloudFormation
	// keeps them for later updates of the stack.
	RollbackAlarms []string
	// MonitoringMinutes is how long the alarms are watched after the
	// resources are deployed, before old ones are cleaned up (0-180; deploy
	// with RollbackAlarms only).
	MonitoringMinutes int
	// ChangeSetName names the change set deploy creates (not with MethodDirect).
	ChangeSetName string
	// Exclusively deploys only the named stacks, not their dependencies
	// (deploy only): the gate reviews and deploys one stack at a time.
	Exclusively bool
	// DiffMethod is the diff method (diff only; empty means the CLI's default, auto).
	DiffMethod DiffMethod
	// Quiet suppresses printing the synthesized template (synth only).
	Quiet bool
	// Account binds the app's stacks to this AWS account (CDK_DEFAULT_ACCOUNT)
	// when the CLI cannot resolve it from credentials, e.g. a synth without
	// credentials. Requires Region. Credentials, when present, take precedence.
	Account string
	// Region is the AWS region (required for diff, deploy and bootstrap;
	// optional for synth, where it sets the default region of env-agnostic stacks).
	Region string
	// Endpoint overrides every AWS endpoint (LocalStack, moto); see NormalizeEndpoint.
	Endpoint string
}

// EnvVar is one environment variable of a command.
type EnvVar struct {
	// Name of the variable.
	Name string
	// Value of the variable; never a credential.
	Value string
}

// Command is a validated CDK CLI invocation.
type Command struct {
	// Args is the full argv, starting with the executable.
	Args []string
	// Env holds the non-secret environment, sorted by name.
	Env []EnvVar
}

// Environ returns Env as NAME=value strings, for os/exec.
func (c Command) Environ() []string {
	out := make([]string, len(c.Env))
	for i, e := range c.Env {
		out[i] = e.Name + "=" + e.Value
	}
	return out
}

// Lookup returns the value of the named variable in Env.
func (c Command) Lookup(name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// Build validates o and returns the argv and environment of the command.
func Build(o Options) (Command, error) {
	if err := validate(o); err != nil {
		return Command{}, err
	}
	exe := o.Executable
	if exe == "" {
		exe = Executable
	}
	args := []string{exe, string(o.Command)}
	switch o.Command {
	case Bootstrap:
		args = append(args, o.Environments...)
	default:
		args = append(args, o.Stacks...)
	}
	if o.All && o.Command == Deploy {
		args = append(args, "--all")
	}
	if o.App != "" {
		args = append(args, "--app", o.App)
	}
	if o.Output != "" {
		args = append(args, "--output", o.Output)
	}
	keys := make([]string, 0, len(o.Context))
	for k := range o.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-c", k+"="+o.Context[k])
	}
	if o.Quiet {
		args = append(args, "--quiet")
	}
	if o.Command == Deploy {
		if o.ApproveAll {
			args = append(args, "--require-approval", "never")
		}
		if o.OutputsFile != "" {
			args = append(args, "--outputs-file", o.OutputsFile)
		}
		if o.Method != "" {
			args = append(args, "--method", string(o.Method))
		}
		if len(o.RollbackAlarms) > 0 {
			args = append(args, "--rollback-trigger-alarm-arns")
			args = append(args, o.RollbackAlarms...)
			args = append(args, "--monitoring-time-minutes", strconv.Itoa(o.MonitoringMinutes))
		}
		if o.ChangeSetName != "" {
			args = append(args, "--change-set-name", o.ChangeSetName)
		}
		if o.Exclusively {
			args = append(args, "--exclusively")
		}
		args = append(args, "--progress", "events")
	}
	if o.Command == Diff && o.DiffMethod != "" {
		args = append(args, "--method", string(o.DiffMethod))
	}
	// No notices (they need the network), CI-style logging to stdout, and
	// no colour codes in captured logs.
	args = append(args, "--no-notices", "--ci", "--no-color")

	endpoint, err := NormalizeEndpoint(o.Endpoint)
	if err != nil {
		return Command{}, err
	}
	return Command{Args: args, Env: environment(o.Account, o.Region, endpoint)}, nil
}

// environment is the offline/CI environment every CDK command runs with.
func environment(account, region, endpoint string) []EnvVar {
	env := []EnvVar{
		// No call home for a newer version or telemetry.
		{"CDK_DISABLE_VERSION_CHECK", "true"},
		{"CDK_DISABLE_CLI_TELEMETRY", "true"},
		// Never probe the EC2 instance metadata service for credentials
		// (slow timeouts off EC2, and wrong credentials on a CI runner).
		{"AWS_EC2_METADATA_DISABLED", "true"},
		// jsii prints a banner on stderr for Node 20 on every synth.
		{"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"},
	}
	if region != "" {
		env = append(env,
			EnvVar{"AWS_REGION", region},
			EnvVar{"AWS_DEFAULT_REGION", region},
			EnvVar{"CDK_DEFAULT_REGION", region})
	}
	if account != "" {
		env = append(env, EnvVar{"CDK_DEFAULT_ACCOUNT", account})
	}
	if endpoint != "" {
		env = append(env, EnvVar{"AWS_ENDPOINT_URL", endpoint},
			// S3 clients address a bucket as a sub-domain of a host-name
			// endpoint (<bucket>.aws-localhost), which no stand-in's DNS
			// answers; the CLI switches to path style by itself only for
			// loopback names and addresses.
			EnvVar{"CDK_S3_FORCE_PATH_STYLE", "true"})
	}
	sort.Slice(env, func(i, j int) bool { return env[i].Name < env[j].Name })
	return env
}
