package bundle

import (
	"fmt"
	"strings"
	"testing"
)

// fargateTable is the published table, written out independently of
// fargateSizes: cpu units to every allowed memory in MiB.
func fargateTable() map[int][]int {
	gb := func(from, to, step int) []int {
		var out []int
		for g := from; g <= to; g += step {
			out = append(out, g*1024)
		}
		return out
	}
	return map[int][]int{
		256:   {512, 1024, 2048},
		512:   gb(1, 4, 1),
		1024:  gb(2, 8, 1),
		2048:  gb(4, 16, 1),
		4096:  gb(8, 30, 1),
		8192:  gb(16, 60, 4),
		16384: gb(32, 120, 8),
	}
}

func checkSize(cpu, mem string) error {
	var c collector
	checkFargateSize(&c, "", &cpu, &mem)
	return c.err()
}

// TestFargateSizesMatchTable tries every cpu value against every memory value
// from 256 MiB to 128 GiB in 256 MiB steps, and expects acceptance exactly
// where the table allows.
func TestFargateSizesMatchTable(t *testing.T) {
	table := fargateTable()
	accepted := 0
	for cpu, mems := range table {
		allowed := map[int]bool{}
		for _, m := range mems {
			allowed[m] = true
		}
		for mem := 256; mem <= 128*1024; mem += 256 {
			err := checkSize(fmt.Sprint(cpu), fmt.Sprint(mem))
			if allowed[mem] != (err == nil) {
				t.Errorf("cpu %d memory %d: allowed=%v, got %v", cpu, mem, allowed[mem], err)
			}
			if err == nil {
				accepted++
			}
		}
	}
	if accepted != 3+4+7+13+23+12+12 {
		t.Errorf("accepted %d pairs", accepted)
	}
	for _, cpu := range []int{128, 384, 3072, 32768} {
		if err := checkSize(fmt.Sprint(cpu), "2048"); err == nil || !strings.Contains(err.Error(), "is not a Fargate cpu value") {
			t.Errorf("cpu %d: %v", cpu, err)
		}
	}
}

func TestFargateUnitForms(t *testing.T) {
	for _, ok := range [][2]string{{"1 vCPU", "2 GB"}, {"0.25 vcpu", "0.5GB"}, {"2 vCPU", "4096"}, {"16 vCPU", "120 GB"}} {
		if err := checkSize(ok[0], ok[1]); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, bad := range [][3]string{
		{"one", "2048", `"one" is not a number of cpu units`},
		{"1024", "2 TB", `"2 TB" is not a number of MiB`},
		{"-1024", "2048", "is not a number of cpu units"},
		{"1 vCPU", "1 GB", "with that cpu want 2048 to 8192 in steps of 1024 MiB"},
		{"256", "4096", "want 512, 1024 or 2048 MiB"},
	} {
		err := checkSize(bad[0], bad[1])
		if err == nil || !strings.Contains(err.Error(), bad[2]) {
			t.Errorf("%v: %v; want %q", bad[:2], err, bad[2])
		}
	}
}
