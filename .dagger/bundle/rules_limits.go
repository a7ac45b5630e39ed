package bundle

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Documented numeric limits of task definition members that the SDK's
// validation does not carry (it checks only required members).

// Outside Fargate a task-level cpu is optional; when given it is 128 to
// 196608 cpu units (0.125 to 192 vCPU), and a task-level memory is a positive
// number of MiB.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
func ruleTaskSizeEC2(r *run) {
	td := r.a.TaskDef
	if td == nil || isFargate(td) {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	if td.Cpu != nil {
		cpu, ok := parseUnits(*td.Cpu, "vcpu", 1024)
		if !ok || cpu < 128 || cpu > 196608 {
			r.addf(file, "cpu", "must be 128–196608 cpu units (or \"0.125 vCPU\" to \"192 vCPU\"), got %q", *td.Cpu)
		}
	}
	if td.Memory != nil {
		if _, ok := parseUnits(*td.Memory, "gb", 1024); !ok {
			r.addf(file, "memory", "must be a whole number of MiB (or \"2 GB\" style), got %q", *td.Memory)
		}
	}
}

// Ephemeral storage is a Fargate setting of 21 to 200 GiB.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html
func ruleEphemeralStorage(r *run) {
	td := r.a.TaskDef
	if td == nil || td.EphemeralStorage == nil {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	switch size := td.EphemeralStorage.SizeInGiB; {
	case excludesFargate(td):
		r.addf(file, "ephemeralStorage", "is a Fargate setting; leave it out when requiresCompatibilities does not include FARGATE")
	case size < 21 || size > 200:
		r.addf(file, "ephemeralStorage.sizeInGiB", "must be 21–200, got %d", size)
	}
}

// Fargate gives a container at most 120 seconds to stop.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_timeout
func ruleStopTimeout(r *run) {
	td := r.a.TaskDef
	if td == nil || !isFargate(td) {
		return
	}
	for i, cd := range td.ContainerDefinitions {
		if cd.StopTimeout != nil && (*cd.StopTimeout < 0 || *cd.StopTimeout > 120) {
			r.addf(r.a.fileOf(FileTaskDef), containerPath(td, i)+".stopTimeout", "must be 0–120 seconds on Fargate, got %d", *cd.StopTimeout)
		}
	}
}

// Tags: at most 50; keys of 1-128 characters, values of up to 256; the aws:
// prefix is reserved for AWS.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
func ruleTags(r *run) {
	td := r.a.TaskDef
	if td == nil {
		return
	}
	file := r.a.fileOf(FileTaskDef)
	if len(td.Tags) > 50 {
		r.addf(file, "tags", "must hold at most 50 tags, got %d", len(td.Tags))
	}
	for i, t := range td.Tags {
		p := fmt.Sprintf("tags[%d]", i)
		key, value := aws.ToString(t.Key), aws.ToString(t.Value)
		switch n := len([]rune(key)); {
		case n < 1 || n > 128:
			r.addf(file, p+".key", "must be 1–128 characters, got %d", n)
		case strings.HasPrefix(strings.ToLower(key), "aws:"):
			r.addf(file, p+".key", "must not start with aws: (reserved for AWS), got %q", key)
		}
		if n := len([]rune(value)); n > 256 {
			r.addf(file, p+".value", "must be at most 256 characters, got %d", n)
		}
	}
}
