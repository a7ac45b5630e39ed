package bundle

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Rules the parameter coverage audit (coverage.go) found missing: container
// settings whose documented constraints no other rule checked.

// Documentation pages of these rules.
const (
	docRestartPolicy = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerRestartPolicy.html"
	docEnvFiles      = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EnvironmentFile.html"
	docContainerDef  = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html"
)

// With awsvpc networking the task's network interface is its own: Docker's
// hostname, DNS and /etc/hosts settings are not supported.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
func ruleAwsvpcHostSettings(r *run) {
	td := r.a.TaskDef
	if td == nil || networkMode(td) != ecstypes.NetworkModeAwsvpc {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		for _, s := range hostSettings(cd) {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+"."+s, "is not supported with the awsvpc network mode; remove it (the task's network interface sets it)")
		}
	}
}

// hostSettings lists the Docker host settings a container sets.
func hostSettings(cd ecstypes.ContainerDefinition) []string {
	var out []string
	if cd.Hostname != nil {
		out = append(out, "hostname")
	}
	if len(cd.DnsServers) > 0 {
		out = append(out, "dnsServers")
	}
	if len(cd.DnsSearchDomains) > 0 {
		out = append(out, "dnsSearchDomains")
	}
	if len(cd.ExtraHosts) > 0 {
		out = append(out, "extraHosts")
	}
	return out
}

// Windows containers take none of the Linux-only settings: privileged, user,
// readonlyRootFilesystem, linuxParameters, and Docker's DNS and /etc/hosts
// settings.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
func ruleWindowsUnsupported(r *run) {
	td := r.a.TaskDef
	if td == nil || td.RuntimePlatform == nil || !strings.HasPrefix(string(td.RuntimePlatform.OperatingSystemFamily), "WINDOWS") {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		var bad []string
		if cd.Privileged != nil {
			bad = append(bad, "privileged")
		}
		if cd.User != nil {
			bad = append(bad, "user")
		}
		if cd.ReadonlyRootFilesystem != nil {
			bad = append(bad, "readonlyRootFilesystem")
		}
		if cd.LinuxParameters != nil {
			bad = append(bad, "linuxParameters")
		}
		bad = append(bad, hostSettings(cd)...)
		for _, s := range bad {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+"."+s, "is not supported for Windows containers (%s); remove it", td.RuntimePlatform.OperatingSystemFamily)
		}
	}
}

// A container port is exposed once: ECS refuses the same containerPort for
// two protocols (or twice for one).
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
func rulePortUnique(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		first := map[int32]int{}
		for j, pm := range cd.PortMappings {
			if pm.ContainerPort == nil {
				continue
			}
			if k, dup := first[*pm.ContainerPort]; dup {
				r.addf(r.a.fileOf(FileTaskDef), fmt.Sprintf("%s.portMappings[%d].containerPort", containerPath(td, i), j),
					"%d is already mapped by portMappings[%d]; a container port is exposed once, for one protocol", *pm.ContainerPort, k)
				continue
			}
			first[*pm.ContainerPort] = j
		}
	}
}

// A restart policy waits 60-1800 seconds between restarts and ignores at
// most 50 exit codes.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerRestartPolicy.html
func ruleRestartPolicy(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		rp := cd.RestartPolicy
		if rp == nil {
			continue
		}
		p := containerPath(td, i) + ".restartPolicy"
		if v := rp.RestartAttemptPeriod; v != nil && (*v < 60 || *v > 1800) {
			r.addf(r.a.fileOf(FileTaskDef), p+".restartAttemptPeriod", "must be 60–1800 seconds, got %d", *v)
		}
		if n := len(rp.IgnoredExitCodes); n > 50 {
			r.addf(r.a.fileOf(FileTaskDef), p+".ignoredExitCodes", "holds %d exit codes; at most 50 are accepted", n)
		}
	}
}

// envFileRE is an S3 object ARN of a .env file.
var envFileRE = regexp.MustCompile(`^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\.env$`)

// Environment files are .env objects in S3, named by their ARN.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EnvironmentFile.html
func ruleEnvironmentFiles(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		for j, ef := range cd.EnvironmentFiles {
			if v := aws.ToString(ef.Value); !envFileRE.MatchString(v) {
				r.addf(r.a.fileOf(FileTaskDef), fmt.Sprintf("%s.environmentFiles[%d].value", containerPath(td, i), j),
					"must be the ARN of an S3 object with the .env extension (arn:aws:s3:::<bucket>/<key>.env), got %q", v)
			}
		}
	}
}

// portRangeRE is a containerPortRange: two ports joined by a hyphen.
var portRangeRE = regexp.MustCompile(`^([0-9]{1,5})-([0-9]{1,5})$`)

// A containerPortRange is "<first>-<last>" with 1 ≤ first < last ≤ 65535,
// and only with the awsvpc or bridge network mode.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
func ruleContainerPortRange(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	mode := networkMode(td)
	for i, cd := range td.ContainerDefinitions {
		for j, pm := range cd.PortMappings {
			if pm.ContainerPortRange == nil {
				continue
			}
			p := fmt.Sprintf("%s.portMappings[%d].containerPortRange", containerPath(td, i), j)
			v := *pm.ContainerPortRange
			m := portRangeRE.FindStringSubmatch(v)
			first, last := 0, 0
			if m != nil {
				fmt.Sscan(m[1], &first)
				fmt.Sscan(m[2], &last)
			}
			switch {
			case m == nil || first < 1 || last > 65535 || first >= last:
				r.addf(r.a.fileOf(FileTaskDef), p, "must be <first>-<last> with 1 ≤ first < last ≤ 65535, got %q", v)
			case mode != ecstypes.NetworkModeAwsvpc && mode != ecstypes.NetworkModeBridge:
				r.addf(r.a.fileOf(FileTaskDef), p, "needs the awsvpc or bridge network mode, got %s", mode)
			}
		}
	}
}
