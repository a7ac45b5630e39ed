package bundle

import (
	"fmt"
	"strconv"
	"strings"
)

// fargateSize is one row of the Fargate task size table: for a CPU value, the
// memory values allowed, in MiB, from min to max by step.
type fargateSize struct{ cpu, min, max, step int }

// fargateSizes is the official Fargate table of cpu units to memory (MiB).
// 256 is the odd row: 512, 1024 and 2048 only.
var fargateSizes = []fargateSize{
	{256, 512, 2048, 0},
	{512, 1024, 4096, 1024},
	{1024, 2048, 8192, 1024},
	{2048, 4096, 16384, 1024},
	{4096, 8192, 30720, 1024},
	{8192, 16384, 61440, 4096},
	{16384, 32768, 122880, 8192},
}

// memoryAllowed reports whether mem MiB is allowed with the row's CPU.
func (r fargateSize) memoryAllowed(mem int) bool {
	if r.step == 0 {
		return mem == 512 || mem == 1024 || mem == 2048
	}
	return mem >= r.min && mem <= r.max && (mem-r.min)%r.step == 0
}

// accepted describes the row's memory values for error messages.
func (r fargateSize) accepted() string {
	if r.step == 0 {
		return "512, 1024 or 2048"
	}
	return fmt.Sprintf("%d to %d in steps of %d", r.min, r.max, r.step)
}

// parseUnits parses a task-level cpu or memory string. ECS accepts plain
// numbers ("1024") and unit forms ("1 vCPU", "2 GB"); DescribeTaskDefinition
// always returns numbers.
func parseUnits(s, unit string, perUnit float64) (int, bool) {
	t := strings.TrimSpace(s)
	scale := 1.0
	if u := strings.TrimSpace(strings.TrimSuffix(strings.ToLower(t), strings.ToLower(unit))); u != strings.ToLower(t) {
		t, scale = u, perUnit
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 {
		return 0, false
	}
	v := f * scale
	if v != float64(int(v)) {
		return 0, false
	}
	return int(v), true
}

// checkFargateSize validates a task's cpu/memory strings against the Fargate
// table. where prefixes the field names in violations.
func checkFargateSize(c *collector, where string, cpu, memory *string) {
	if cpu == nil || memory == nil {
		if cpu == nil {
			c.addf(where+"cpu", "is missing; Fargate needs a task-level cpu, one of 256, 512, 1024, 2048, 4096, 8192, 16384")
		}
		if memory == nil {
			c.addf(where+"memory", "is missing; Fargate needs a task-level memory in MiB that pairs with cpu")
		}
		return
	}
	cu, ok := parseUnits(*cpu, "vcpu", 1024)
	if !ok {
		c.addf(where+"cpu", "%q is not a number of cpu units; want one of 256, 512, 1024, 2048, 4096, 8192, 16384 (or \"1 vCPU\" style)", *cpu)
		return
	}
	mem, ok := parseUnits(*memory, "gb", 1024)
	if !ok {
		c.addf(where+"memory", "%q is not a number of MiB; want e.g. 2048 (or \"2 GB\" style)", *memory)
		return
	}
	for _, r := range fargateSizes {
		if r.cpu != cu {
			continue
		}
		if !r.memoryAllowed(mem) {
			c.addf(where+"memory", "%q (%d MiB) is not a valid Fargate memory for cpu %q (%d units); with that cpu want %s MiB",
				*memory, mem, *cpu, cu, r.accepted())
		}
		return
	}
	c.addf(where+"cpu", "%q (%d units) is not a Fargate cpu value; want one of 256, 512, 1024, 2048, 4096, 8192, 16384", *cpu, cu)
}
