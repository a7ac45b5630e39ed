package bundle

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Task-level rules: what RegisterTaskDefinition and the launch type refuse
// in the task definition as a whole.

// isFargate reports whether the task definition asks for Fargate.
func isFargate(td *ecs.RegisterTaskDefinitionInput) bool {
	return slices.Contains(td.RequiresCompatibilities, ecstypes.CompatibilityFargate)
}

// excludesFargate reports whether the task definition rules Fargate out: it
// lists compatibilities and FARGATE is not among them. (With none listed, ECS
// still marks a task definition that fits Fargate as compatible with it.)
func excludesFargate(td *ecs.RegisterTaskDefinitionInput) bool {
	return len(td.RequiresCompatibilities) > 0 && !isFargate(td)
}

// networkMode is the task's network mode; ECS's default is bridge (Linux).
func networkMode(td *ecs.RegisterTaskDefinitionInput) ecstypes.NetworkMode {
	if td.NetworkMode == "" {
		return ecstypes.NetworkModeBridge
	}
	return td.NetworkMode
}

// family: up to 255 letters, numbers, hyphens and underscores.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#family
func ruleFamilyFormat(r *run) {
	td := r.a.TaskDef
	if td == nil || td.Family == nil {
		return // sdk-required reports a missing family
	}
	if !familyRE.MatchString(*td.Family) {
		r.addf(r.a.fileOf(FileTaskDef), "family", "must be 1-255 letters, digits, _ or -, got %q", *td.Family)
	}
}

// Containers per task definition: 10 (not adjustable); at least one.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
func ruleContainerCount(r *run) {
	td := r.a.TaskDef
	if td == nil || td.ContainerDefinitions == nil {
		return
	}
	if n := len(td.ContainerDefinitions); n == 0 || n > 10 {
		r.addf(r.a.fileOf(FileTaskDef), "containerDefinitions", "must hold 1 to 10 containers, got %d", n)
	}
}

// Fargate tasks must use awsvpc.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
func ruleFargateNetworkMode(r *run) {
	td := r.a.TaskDef
	if td == nil || !isFargate(td) {
		return
	}
	if td.NetworkMode != ecstypes.NetworkModeAwsvpc {
		got := string(td.NetworkMode)
		if got == "" {
			got = "unset (bridge)"
		}
		r.addf(r.a.fileOf(FileTaskDef), "networkMode", "must be awsvpc for a FARGATE task, got %s", got)
	}
}

// Fargate needs a task-level cpu and memory from its table of sizes.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
func ruleFargateSize(r *run) {
	td := r.a.TaskDef
	if td == nil || !isFargate(td) {
		return
	}
	var c collector
	checkFargateSize(&c, "", td.Cpu, td.Memory)
	for _, v := range c.vs {
		r.addf(r.a.fileOf(FileTaskDef), v.Field, "%s", v.Message)
	}
	// Windows containers on Fargate start at 1 vCPU.
	if rp := td.RuntimePlatform; c.ok() && rp != nil && strings.HasPrefix(string(rp.OperatingSystemFamily), "WINDOWS") {
		if cpu, ok := parseUnits(aws.ToString(td.Cpu), "vcpu", 1024); ok && cpu < 1024 {
			r.addf(r.a.fileOf(FileTaskDef), "cpu", "must be at least 1024 (1 vCPU) for Windows on Fargate, got %q", aws.ToString(td.Cpu))
		}
	}
}

// Parameters Fargate does not accept, task- and container-level.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
func ruleFargateUnsupported(r *run) {
	td := r.a.TaskDef
	if td == nil || !isFargate(td) {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	bad := func(field, what string) {
		r.addf(file, field, "is not supported on Fargate (%s); remove it or drop FARGATE", what)
	}
	if td.IpcMode != "" {
		bad("ipcMode", "no IPC namespace sharing")
	}
	if td.PidMode == ecstypes.PidModeHost {
		bad("pidMode", "only task, no host process namespace")
	}
	if len(td.PlacementConstraints) > 0 {
		bad("placementConstraints", "Fargate places tasks itself")
	}
	if len(td.InferenceAccelerators) > 0 {
		bad("inferenceAccelerators", "no accelerators")
	}
	for i, v := range td.Volumes {
		p := fmt.Sprintf("volumes[%d]", i)
		if v.DockerVolumeConfiguration != nil {
			bad(p+".dockerVolumeConfiguration", "only bind mounts, EFS and ephemeral storage")
		}
		if v.Host != nil && v.Host.SourcePath != nil {
			bad(p+".host.sourcePath", "tasks have no host path")
		}
	}
	for i, cd := range td.ContainerDefinitions {
		p := containerPath(td, i)
		if aws.ToBool(cd.Privileged) {
			bad(p+".privileged", "no privileged containers")
		}
		if len(cd.Links) > 0 {
			bad(p+".links", "awsvpc has no links")
		}
		if len(cd.DockerSecurityOptions) > 0 {
			bad(p+".dockerSecurityOptions", "no Docker security options")
		}
		if lp := cd.LinuxParameters; lp != nil {
			if len(lp.Devices) > 0 {
				bad(p+".linuxParameters.devices", "no host devices")
			}
			if len(lp.Tmpfs) > 0 {
				bad(p+".linuxParameters.tmpfs", "no tmpfs mounts")
			}
		}
		for j, rr := range cd.ResourceRequirements {
			if rr.Type == ecstypes.ResourceTypeGpu {
				bad(fmt.Sprintf("%s.resourceRequirements[%d]", p, j), "no GPUs")
			}
		}
		if lc := cd.LogConfiguration; lc != nil {
			switch lc.LogDriver {
			case ecstypes.LogDriverAwslogs, ecstypes.LogDriverSplunk, ecstypes.LogDriverAwsfirelens, "":
			default:
				bad(p+".logConfiguration.logDriver", "only awslogs, splunk and awsfirelens; got "+string(lc.LogDriver))
			}
		}
	}
}

// Container memory: without a task-level memory every container needs
// memory or memoryReservation; the reservation may not exceed the limit; the
// limit is at least 6 MiB.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory
func ruleContainerMemory(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	for i, cd := range td.ContainerDefinitions {
		p := containerPath(td, i)
		if td.Memory == nil && !isFargate(td) && cd.Memory == nil && cd.MemoryReservation == nil {
			r.addf(file, p+".memory", "is required when the task sets no memory: give memory or memoryReservation")
		}
		if cd.Memory != nil && *cd.Memory < 6 {
			r.addf(file, p+".memory", "must be at least 6 MiB, got %d", *cd.Memory)
		}
		if cd.Memory != nil && cd.MemoryReservation != nil && *cd.MemoryReservation > *cd.Memory {
			r.addf(file, p+".memoryReservation", "must not exceed memory (%d MiB), got %d", *cd.Memory, *cd.MemoryReservation)
		}
	}
}

// The containers' hard memory limits and cpu units must fit in the task's.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size
func ruleResourcesFitTask(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	if td.Memory != nil {
		if mem, ok := parseUnits(*td.Memory, "gb", 1024); ok {
			sum := 0
			for _, cd := range td.ContainerDefinitions {
				if cd.Memory != nil {
					sum += int(*cd.Memory)
				} else if cd.MemoryReservation != nil {
					sum += int(*cd.MemoryReservation)
				}
			}
			if sum > mem {
				r.addf(file, "containerDefinitions[].memory", "the containers need %d MiB together, more than the task's memory (%d MiB)", sum, mem)
			}
		}
	}
	if td.Cpu != nil {
		if cpu, ok := parseUnits(*td.Cpu, "vcpu", 1024); ok {
			sum := 0
			for _, cd := range td.ContainerDefinitions {
				sum += int(cd.Cpu)
			}
			if sum > cpu {
				r.addf(file, "containerDefinitions[].cpu", "the containers reserve %d cpu units together, more than the task's cpu (%d)", sum, cpu)
			}
		}
	}
}

// A task needs at least one essential container (essential defaults to true).
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_environment
func ruleEssentialContainer(r *run) {
	td := r.a.TaskDef
	if td == nil || len(td.ContainerDefinitions) == 0 {
		return
	}
	for _, cd := range td.ContainerDefinitions {
		if cd.Essential == nil || *cd.Essential {
			return
		}
	}
	r.addf(r.a.fileOf(FileTaskDef), "containerDefinitions[].essential", "must be true for at least one container; every container is essential: false")
}

// Mount points name a volume of the task; volumesFrom names a container of
// the task; volume names are unique.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_data_volumes.html
func ruleVolumeReferences(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	volumes := map[string]bool{}
	for i, v := range td.Volumes {
		name := aws.ToString(v.Name)
		if volumes[name] {
			r.addf(file, fmt.Sprintf("volumes[%d].name", i), "must be unique in the task, got %q twice", name)
		}
		volumes[name] = true
	}
	for i, cd := range td.ContainerDefinitions {
		p := containerPath(td, i)
		for j, mp := range cd.MountPoints {
			if src := aws.ToString(mp.SourceVolume); !volumes[src] {
				r.addf(file, fmt.Sprintf("%s.mountPoints[%d].sourceVolume", p, j), "must name a volume of the task (%s), got %q", listOrNone(sortedKeys(volumes)), src)
			}
		}
		for j, vf := range cd.VolumesFrom {
			src := aws.ToString(vf.SourceContainer)
			if findContainer(td, src) == nil || src == aws.ToString(cd.Name) {
				r.addf(file, fmt.Sprintf("%s.volumesFrom[%d].sourceContainer", p, j), "must name another container of the task (%s), got %q", containerNames(td), src)
			}
		}
	}
}

// listOrNone joins names for messages.
func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
