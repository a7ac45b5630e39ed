package config

import (
	"fmt"
	"slices"
	"strings"
)

// fargateMemory lists, per CPU value, the memory sizes (MiB) Fargate accepts.
var fargateMemory = map[int][]int{
	256:   {512, 1024, 2048},
	512:   steps(1024, 4096, 1024),
	1024:  steps(2048, 8192, 1024),
	2048:  steps(4096, 16384, 1024),
	4096:  steps(8192, 30720, 1024),
	8192:  steps(16384, 61440, 4096),
	16384: steps(32768, 122880, 8192),
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

// ValidFargatePair reports whether cpu/memory is a combination Fargate runs.
func ValidFargatePair(cpu, memory int) bool {
	return slices.Contains(fargateMemory[cpu], memory)
}

// FargatePairs describes every valid cpu/memory combination compactly, for
// error messages.
func FargatePairs() string {
	cpus := make([]int, 0, len(fargateMemory))
	for c := range fargateMemory {
		cpus = append(cpus, c)
	}
	slices.Sort(cpus)
	parts := make([]string, 0, len(cpus))
	for _, c := range cpus {
		m := fargateMemory[c]
		if len(m) <= 3 {
			parts = append(parts, fmt.Sprintf("cpu %d: memory %s", c, joinInts(m)))
			continue
		}
		parts = append(parts, fmt.Sprintf("cpu %d: memory %d-%d in steps of %d", c, m[0], m[len(m)-1], m[1]-m[0]))
	}
	return strings.Join(parts, "; ")
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
