package bundle

import (
	"fmt"
	"strings"
)

// The coverage audit: every parameter of the ECS task definition parameters
// page (as RegisterTaskDefinition names them) and of the CodeDeploy AppSpec
// reference for ECS, with the rules that check it, or why what is left
// cannot be checked without AWS. COVERAGE.md is generated from this table
// (go test ./bundle -run TestCoverageDoc -update) and a test keeps both in
// step with the API schema and the rules.
//
// Every task definition parameter is also checked for its name and JSON type
// by taskdef-shape, every appspec key by appspec-shape; the table lists the
// rules beyond those.

// Coverage is one parameter of the audit.
type Coverage struct {
	// Source is "task definition" or "appspec".
	Source string
	// Parameter is the parameter's path, e.g.
	// containerDefinitions.portMappings.containerPort or
	// Resources.Properties.LoadBalancerInfo.ContainerPort.
	Parameter string
	// Rules are the rules that check it.
	Rules []string
	// Offline says what cannot be checked without AWS (or without the
	// running environment), and why; empty when the rules check all of it.
	Offline string
}

// auditAdded are the rules the audit found missing, and which were added;
// auditExtended the checks it added to existing rules.
var (
	auditAdded    = []string{"awsvpc-host-settings", "windows-unsupported", "port-unique", "container-port-range", "restart-policy", "environment-files"}
	auditExtended = []string{"fargate-unsupported: pidMode host"}
)

// Reasons shared by several parameters.
const (
	offIAM      = "whether the role exists and ECS may assume it is known to IAM only"
	offRegistry = "whether the image exists and can be pulled is known to the registry only"
	offSecret   = "whether the secret or parameter exists and the execution role may read it is known to Secrets Manager / SSM only"
	offHost     = "what the container instance (AMI, agent version, Docker daemon) supports is known on the instance only"
	offFree     = "a free value (any string the application or Docker reads): nothing to check beyond its type"
	offAccount  = "the resource lives in the account; whether it exists is known to AWS only"
)

func td(param string, rules []string, offline string) Coverage {
	return Coverage{Source: "task definition", Parameter: param, Rules: rules, Offline: offline}
}

func as(param string, rules []string, offline string) Coverage {
	return Coverage{Source: "appspec", Parameter: param, Rules: rules, Offline: offline}
}

func r(names ...string) []string { return names }

// coverage is the audit table.
var coverage = []Coverage{
	// Task-level parameters.
	td("family", r("sdk-required", "family-format", "direct-arn-family"), ""),
	td("taskRoleArn", r("role-format"), offIAM),
	td("executionRoleArn", r("role-format", "execution-role"), offIAM),
	td("networkMode", r("enum-values", "fargate-network-mode", "host-port-network-mode", "none-mode-ports", "links-bridge-only", "appspec-network-mode", "awsvpc-host-settings"), ""),
	td("requiresCompatibilities", r("enum-values", "fargate-network-mode", "fargate-size", "fargate-unsupported"), ""),
	td("cpu", r("fargate-size", "task-size-ec2", "resources-fit-task"), ""),
	td("memory", r("fargate-size", "task-size-ec2", "resources-fit-task", "container-memory"), "on EC2, whether an instance type has that much memory is known to the cluster only"),
	td("runtimePlatform", r("fargate-size"), ""),
	td("runtimePlatform.cpuArchitecture", r("enum-values"), "whether the image has that architecture is known to the registry only"),
	td("runtimePlatform.operatingSystemFamily", r("enum-values", "fargate-size", "windows-unsupported"), ""),
	td("ephemeralStorage", r("ephemeral-storage"), ""),
	td("ephemeralStorage.sizeInGiB", r("sdk-required", "ephemeral-storage"), ""),
	td("volumes", r("volume-references", "fargate-unsupported"), ""),
	td("volumes.name", r("volume-references"), ""),
	td("volumes.host", r("fargate-unsupported"), "whether the host path exists is known on the instance only"),
	td("volumes.configuredAtLaunch", nil, "which volumes a service or task configures at launch is in the service, not in these files"),
	td("volumes.dockerVolumeConfiguration", r("fargate-unsupported", "enum-values"), "whether the volume driver is installed is known on the instance only"),
	td("volumes.efsVolumeConfiguration", r("sdk-required", "enum-values"), "whether the file system and access point exist is known to EFS only"),
	td("volumes.fsxWindowsFileServerVolumeConfiguration", r("sdk-required"), "whether the file system and its credentials exist is known to FSx / Secrets Manager only"),
	td("volumes.s3filesVolumeConfiguration", r("sdk-required"), offAccount),
	td("placementConstraints", r("fargate-unsupported"), ""),
	td("placementConstraints.type", r("enum-values"), ""),
	td("placementConstraints.expression", nil, "cluster query language over instance attributes: what matches is known to the cluster only"),
	td("proxyConfiguration", r("sdk-required"), ""),
	td("proxyConfiguration.type", r("enum-values"), ""),
	td("proxyConfiguration.containerName", r("sdk-required"), "App Mesh reads it at run time; the API does not document a check against the containers"),
	td("proxyConfiguration.properties", nil, "App Mesh settings read by the proxy at run time"),
	td("inferenceAccelerators", r("fargate-unsupported"), ""),
	td("inferenceAccelerators.deviceName", r("sdk-required"), ""),
	td("inferenceAccelerators.deviceType", r("sdk-required"), "which accelerator types exist is known to AWS only (Elastic Inference is retired)"),
	td("ipcMode", r("enum-values", "fargate-unsupported"), ""),
	td("pidMode", r("enum-values", "fargate-unsupported"), ""),
	td("tags", r("tags"), ""),
	td("tags.key", r("tags"), ""),
	td("tags.value", r("tags"), ""),
	td("enableFaultInjection", nil, "a switch: nothing to check beyond its type"),

	// Container definition parameters.
	td("containerDefinitions", r("sdk-required", "container-count", "essential-container"), ""),
	td("containerDefinitions.name", r("sdk-required", "container-name", "appspec-container-port", "imagedefinitions-entries"), ""),
	td("containerDefinitions.image", r("container-image", "image-pinned", "pipeline-placeholder", "direct-no-placeholder", "direct-image-matches", "execution-role"), offRegistry),
	td("containerDefinitions.memory", r("container-memory", "resources-fit-task"), ""),
	td("containerDefinitions.memoryReservation", r("container-memory", "resources-fit-task"), ""),
	td("containerDefinitions.cpu", r("resources-fit-task"), ""),
	td("containerDefinitions.resourceRequirements", r("fargate-unsupported", "enum-values", "sdk-required"), "whether the instances have GPUs is known to the cluster only"),
	td("containerDefinitions.portMappings", r("none-mode-ports", "port-unique", "appspec-container-port"), ""),
	td("containerDefinitions.portMappings.containerPort", r("port-range", "port-unique", "appspec-container-port"), ""),
	td("containerDefinitions.portMappings.hostPort", r("port-range", "host-port-network-mode"), "on bridge networking, whether the port is free on the instance is known there only"),
	td("containerDefinitions.portMappings.protocol", r("enum-values"), ""),
	td("containerDefinitions.portMappings.name", nil, "Service Connect names, read by the service's Service Connect configuration, which is not in these files"),
	td("containerDefinitions.portMappings.appProtocol", r("enum-values"), ""),
	td("containerDefinitions.portMappings.containerPortRange", r("container-port-range"), "whether the instance has the host ports free is known there only"),
	td("containerDefinitions.essential", r("essential-container"), ""),
	td("containerDefinitions.entryPoint", nil, offFree),
	td("containerDefinitions.command", nil, offFree),
	td("containerDefinitions.workingDirectory", nil, offFree),
	td("containerDefinitions.environment", nil, offFree),
	td("containerDefinitions.environmentFiles", r("environment-files", "execution-role"), "whether the object exists and the execution role may read it is known to S3 only"),
	td("containerDefinitions.secrets", r("sdk-required", "execution-role"), offSecret),
	td("containerDefinitions.disableNetworking", nil, "a switch: nothing to check beyond its type"),
	td("containerDefinitions.links", r("links-bridge-only", "fargate-unsupported"), ""),
	td("containerDefinitions.hostname", r("awsvpc-host-settings", "windows-unsupported"), ""),
	td("containerDefinitions.dnsServers", r("awsvpc-host-settings", "windows-unsupported"), ""),
	td("containerDefinitions.dnsSearchDomains", r("awsvpc-host-settings", "windows-unsupported"), ""),
	td("containerDefinitions.extraHosts", r("awsvpc-host-settings", "windows-unsupported", "sdk-required"), ""),
	td("containerDefinitions.readonlyRootFilesystem", r("windows-unsupported"), ""),
	td("containerDefinitions.mountPoints", r("volume-references"), ""),
	td("containerDefinitions.volumesFrom", r("volume-references"), ""),
	td("containerDefinitions.logConfiguration", r("sdk-required", "container-logging", "fargate-unsupported", "awslogs-options", "firelens-router", "execution-role"), "whether the log group or destination exists is known to AWS only"),
	td("containerDefinitions.firelensConfiguration", r("firelens-router", "enum-values"), ""),
	td("containerDefinitions.credentialSpecs", nil, "Active Directory credential specs, resolved on the instance at run time"),
	td("containerDefinitions.privileged", r("no-privileged", "fargate-unsupported", "windows-unsupported"), ""),
	td("containerDefinitions.user", r("windows-unsupported"), "whether the user exists is known to the image only"),
	td("containerDefinitions.dockerSecurityOptions", r("fargate-unsupported"), offHost),
	td("containerDefinitions.ulimits", r("enum-values", "sdk-required"), offHost),
	td("containerDefinitions.dockerLabels", nil, offFree),
	td("containerDefinitions.linuxParameters", r("fargate-unsupported", "windows-unsupported"), offHost),
	td("containerDefinitions.dependsOn", r("depends-on"), ""),
	td("containerDefinitions.healthCheck", r("health-check", "depends-on"), ""),
	td("containerDefinitions.startTimeout", nil, "its limits depend on the agent version (EC2) or platform version (Fargate), which are not in these files"),
	td("containerDefinitions.stopTimeout", r("stop-timeout"), ""),
	td("containerDefinitions.restartPolicy", r("restart-policy", "sdk-required"), ""),
	td("containerDefinitions.systemControls", nil, "which kernel parameters a network mode allows is enforced by Docker on the instance"),
	td("containerDefinitions.interactive", nil, "a switch: nothing to check beyond its type"),
	td("containerDefinitions.pseudoTerminal", nil, "a switch: nothing to check beyond its type"),
	td("containerDefinitions.repositoryCredentials", r("execution-role", "sdk-required"), offSecret),
	td("containerDefinitions.versionConsistency", r("enum-values"), ""),

	// The appspec's ECS resources and hooks.
	as("version", r("appspec-version"), ""),
	as("Resources", r("appspec-resources"), ""),
	as("Resources.Type", r("appspec-resources"), ""),
	as("Resources.Properties.TaskDefinition", r("appspec-task-definition", "direct-arn-family"), "whether the revision is registered and ACTIVE is known to ECS only"),
	as("Resources.Properties.LoadBalancerInfo.ContainerName", r("appspec-load-balancer", "appspec-container-port"), ""),
	as("Resources.Properties.LoadBalancerInfo.ContainerPort", r("appspec-load-balancer", "appspec-container-port"), "whether the target groups route to that port is known to the deployment group only"),
	as("Resources.Properties.PlatformVersion", r("appspec-platform-version", "appspec-platform-fargate"), "whether the version exists in the Region is known to AWS only"),
	as("Resources.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets", r("appspec-network", "appspec-network-mode"), "whether the subnets exist, in the service's VPC, is known to EC2 only"),
	as("Resources.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups", r("appspec-network"), "whether the groups exist, in the service's VPC, is known to EC2 only"),
	as("Resources.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp", r("appspec-network", "public-ip"), ""),
	as("Resources.Properties.CapacityProviderStrategy.Base", r("appspec-capacity-strategy"), ""),
	as("Resources.Properties.CapacityProviderStrategy.CapacityProvider", r("appspec-capacity-strategy"), "whether the provider is attached to the cluster is known to ECS only"),
	as("Resources.Properties.CapacityProviderStrategy.Weight", r("appspec-capacity-strategy"), ""),
	as("Hooks.BeforeInstall", r("appspec-hooks"), "whether the function exists and CodeDeploy may invoke it is known to Lambda / IAM only"),
	as("Hooks.AfterInstall", r("appspec-hooks"), "as BeforeInstall"),
	as("Hooks.AfterAllowTestTraffic", r("appspec-hooks"), "as BeforeInstall"),
	as("Hooks.BeforeAllowTraffic", r("appspec-hooks"), "as BeforeInstall"),
	as("Hooks.AfterAllowTraffic", r("appspec-hooks"), "as BeforeInstall"),
}

// CoverageCounts are the totals of the audit: parameters checked by at least
// one rule, parameters no rule can check offline, and rules the audit added.
func CoverageCounts() (checked, offline, added int) {
	for _, c := range coverage {
		if len(c.Rules) > 0 {
			checked++
		} else {
			offline++
		}
	}
	return checked, offline, len(auditAdded)
}

// CoverageMarkdown renders the audit as the COVERAGE.md document.
func CoverageMarkdown() string {
	var b strings.Builder
	checked, offline, added := CoverageCounts()
	b.WriteString("# Parameter coverage of the validator\n\n")
	b.WriteString("Generated from `coverage.go` (`go test ./bundle -run TestCoverageDoc -update`); do not edit by hand.\n\n")
	b.WriteString("Every parameter of the ECS task definition parameters page (" + docTaskDefParams + ") and of the CodeDeploy\n")
	b.WriteString("AppSpec reference for ECS (" + docAppSpecRes + ", " + docAppSpecHooks + "), with the rules\n")
	b.WriteString("that check it, and what cannot be checked without AWS. Every task definition parameter is also checked for its\n")
	b.WriteString("name and JSON type (`taskdef-shape`), every appspec key for its name and type (`appspec-shape`).\n\n")
	fmt.Fprintf(&b, "%d parameters: %d checked by a rule, %d not checkable offline. The audit added %d rules (`%s`)\nand extended one (%s).\n",
		len(coverage), checked, offline, added, strings.Join(auditAdded, "`, `"), strings.Join(auditExtended, "; "))
	source := ""
	for _, c := range coverage {
		if c.Source != source {
			source = c.Source
			fmt.Fprintf(&b, "\n## %s\n\n| parameter | rules | not checkable offline |\n|---|---|---|\n", source)
		}
		rules := "—"
		if len(c.Rules) > 0 {
			rules = "`" + strings.Join(c.Rules, "`, `") + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Parameter, rules, c.Offline)
	}
	return b.String()
}
