package lambdabuild

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCrossCompiledFunctionIsStaticArm64 builds the real function with the
// module's settings and checks what Lambda's provided.al2023 arm64 runtime
// needs: an ELF executable for aarch64, statically linked (no interpreter,
// no shared libraries), named bootstrap.
func TestCrossCompiledFunctionIsStaticArm64(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go toolchain: %v", err)
	}
	dir := t.TempDir()
	args := Args(dir)
	cmd := exec.Command(goBin, args[1:]...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), Env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	f, err := elf.Open(filepath.Join(dir, "bootstrap"))
	if err != nil {
		t.Fatalf("bootstrap is not an ELF file: %v", err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC {
		t.Errorf("bootstrap is %v %v %v, want EM_AARCH64 ELFCLASS64 ET_EXEC", f.Machine, f.Class, f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("bootstrap has a %v program header: dynamically linked", p.Type)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) != 0 {
		t.Errorf("bootstrap needs shared libraries %v (%v)", libs, err)
	}
}

func TestArgs(t *testing.T) {
	got := strings.Join(Args("/out"), " ")
	if got != "go build -trimpath -ldflags=-s -w -o /out/bootstrap ./cmd/ecs-lifecycle-hook" {
		t.Fatalf("args %q", got)
	}
}
