package bundle

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Container-level rules: what RegisterTaskDefinition refuses in one container
// definition, or between containers of the same task.

// Container names: up to 255 letters, numbers, underscores and hyphens, and
// unique in the task (links, dependsOn and the load balancer find them by name).
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_name
func ruleContainerName(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	seen := map[string]bool{}
	for i, cd := range td.ContainerDefinitions {
		name := aws.ToString(cd.Name)
		p := fmt.Sprintf("containerDefinitions[%d].name", i)
		switch {
		case name == "":
			r.addf(file, p, "is required: every container needs a name")
		case !containerRE.MatchString(name):
			r.addf(file, p, "must be 1-255 letters, digits, _ or -, got %q", name)
		case seen[name]:
			r.addf(file, p, "must be unique in the task, got %q twice", name)
		}
		seen[name] = true
	}
}

// imageRefRE: up to 255 letters, numbers, hyphens, underscores, colons,
// periods, forward slashes and number signs; @ joins a digest.
var imageRefRE = regexp.MustCompile(`^[A-Za-z0-9_.:/#@-]{1,255}$`)

// Every container has an image reference ECS can pull. Pipeline placeholders
// are left to the mode rules.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image
func ruleContainerImage(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		image := aws.ToString(cd.Image)
		p := containerPath(td, i) + ".image"
		switch {
		case image == "":
			r.addf(r.a.fileOf(FileTaskDef), p, "is required: every container needs an image")
		case isPlaceholder(image):
		case !imageRefRE.MatchString(image):
			r.addf(r.a.fileOf(FileTaskDef), p, "must be an image reference of up to 255 letters, digits and - _ . : / # @, got %q", image)
		}
	}
}

// Ports are 0-65535.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
func rulePortRange(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		for j, pm := range cd.PortMappings {
			p := fmt.Sprintf("%s.portMappings[%d]", containerPath(td, i), j)
			for k, v := range []*int32{pm.ContainerPort, pm.HostPort} {
				if v != nil && (*v < 0 || *v > 65535) {
					r.addf(r.a.fileOf(FileTaskDef), p+"."+[]string{"containerPort", "hostPort"}[k], "must be 0–65535, got %d", *v)
				}
			}
		}
	}
}

// With awsvpc or host networking the container port is the host port:
// hostPort is left out or equals containerPort.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
func ruleHostPortNetworkMode(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	mode := networkMode(td)
	if mode != ecstypes.NetworkModeAwsvpc && mode != ecstypes.NetworkModeHost {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		for j, pm := range cd.PortMappings {
			if pm.HostPort != nil && pm.ContainerPort != nil && *pm.HostPort != *pm.ContainerPort {
				r.addf(r.a.fileOf(FileTaskDef), fmt.Sprintf("%s.portMappings[%d].hostPort", containerPath(td, i), j),
					"must equal containerPort (%d) or be left out with network mode %s, got %d", *pm.ContainerPort, mode, *pm.HostPort)
			}
		}
	}
}

// A task with network mode none has no external connectivity: no port mappings.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html
func ruleNoneModePorts(r *run) {
	td := r.a.TaskDef
	if td == nil || td.NetworkMode != ecstypes.NetworkModeNone {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		if len(cd.PortMappings) > 0 {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+".portMappings", "must be empty with network mode none, got %d mappings", len(cd.PortMappings))
		}
	}
}

// links work only with the bridge network mode, and name containers of the task.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_links
func ruleLinksBridgeOnly(r *run) {
	td := r.a.TaskDef
	if td == nil || isFargate(td) { // fargate-unsupported reports links on Fargate
		return
	}
	for i, cd := range td.ContainerDefinitions {
		if len(cd.Links) == 0 {
			continue
		}
		p := containerPath(td, i) + ".links"
		if mode := networkMode(td); mode != ecstypes.NetworkModeBridge {
			r.addf(r.a.fileOf(FileTaskDef), p, "work only with network mode bridge, got %s", mode)
			continue
		}
		for j, l := range cd.Links {
			name, _, _ := strings.Cut(l, ":")
			if findContainer(td, name) == nil {
				r.addf(r.a.fileOf(FileTaskDef), fmt.Sprintf("%s[%d]", p, j), "must name a container of the task (%s), got %q", containerNames(td), name)
			}
		}
	}
}

// awslogs needs awslogs-group and awslogs-region; on Fargate also
// awslogs-stream-prefix. awslogs-create-group is true or false.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
func ruleAwslogsOptions(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		lc := cd.LogConfiguration
		if lc == nil || lc.LogDriver != ecstypes.LogDriverAwslogs {
			continue
		}
		p := containerPath(td, i) + ".logConfiguration.options"
		required := []string{"awslogs-group", "awslogs-region"}
		if isFargate(td) {
			required = append(required, "awslogs-stream-prefix")
		}
		for _, k := range required {
			if lc.Options[k] == "" {
				r.addf(r.a.fileOf(FileTaskDef), p+"."+k, "is required by the awslogs driver")
			}
		}
		if v, ok := lc.Options["awslogs-create-group"]; ok && v != "true" && v != "false" {
			r.addf(r.a.fileOf(FileTaskDef), p+".awslogs-create-group", "must be \"true\" or \"false\", got %q", v)
		}
	}
}

// dependsOn names another container of the task; HEALTHY needs that
// container to have a health check.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html
func ruleDependsOn(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		for j, dep := range cd.DependsOn {
			p := fmt.Sprintf("%s.dependsOn[%d]", containerPath(td, i), j)
			name := aws.ToString(dep.ContainerName)
			other := findContainer(td, name)
			switch {
			case name == "":
				// sdk-required reports it
			case other == nil || name == aws.ToString(cd.Name):
				r.addf(r.a.fileOf(FileTaskDef), p+".containerName", "must name another container of the task (%s), got %q", containerNames(td), name)
			case dep.Condition == ecstypes.ContainerConditionHealthy && other.HealthCheck == nil:
				r.addf(r.a.fileOf(FileTaskDef), p+".condition", "HEALTHY needs a healthCheck on container %q, which has none", name)
			}
		}
	}
}

// Health check: command starts with CMD, CMD-SHELL or NONE; interval 5-300 s,
// timeout 2-120 s, retries 1-10, start period 0-300 s.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
func ruleHealthCheck(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		hc := cd.HealthCheck
		if hc == nil {
			continue
		}
		p := containerPath(td, i) + ".healthCheck"
		if len(hc.Command) > 0 && !slices.Contains([]string{"CMD", "CMD-SHELL", "NONE"}, hc.Command[0]) {
			r.addf(r.a.fileOf(FileTaskDef), p+".command[0]", "must be CMD, CMD-SHELL or NONE, got %q", hc.Command[0])
		}
		ranges := []struct {
			name     string
			v        *int32
			min, max int32
		}{{"interval", hc.Interval, 5, 300}, {"timeout", hc.Timeout, 2, 120}, {"retries", hc.Retries, 1, 10}, {"startPeriod", hc.StartPeriod, 0, 300}}
		for _, rg := range ranges {
			if rg.v != nil && (*rg.v < rg.min || *rg.v > rg.max) {
				r.addf(r.a.fileOf(FileTaskDef), p+"."+rg.name, "must be %d–%d, got %d", rg.min, rg.max, *rg.v)
			}
		}
	}
}

// The awsfirelens log driver sends logs to a log router: a container of the
// same task with a firelensConfiguration.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/firelens-taskdef.html
func ruleFirelensRouter(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	for _, cd := range td.ContainerDefinitions {
		if cd.FirelensConfiguration != nil {
			return
		}
	}
	for i, cd := range td.ContainerDefinitions {
		if lc := cd.LogConfiguration; lc != nil && lc.LogDriver == ecstypes.LogDriverAwsfirelens {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+".logConfiguration.logDriver",
				"awsfirelens needs a log router: a container of the task with a firelensConfiguration, and there is none")
		}
	}
}
