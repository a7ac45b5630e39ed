package buildplan

import (
	"fmt"
	"strings"
	"testing"
)

func TestParsePlatform(t *testing.T) {
	good := map[string]string{
		"linux/amd64": "linux/amd64", "linux/x86_64": "linux/amd64", " LINUX/AMD64 ": "linux/amd64",
		"linux/arm64": "linux/arm64", "linux/arm64/v8": "linux/arm64", "linux/aarch64": "linux/arm64",
	}
	for in, want := range good {
		p, err := ParsePlatform(in)
		if err != nil || p.String() != want {
			t.Errorf("ParsePlatform(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, bad := range []string{"", "windows/amd64", "linux/386", "linux/arm/v7", "darwin/arm64", "linux"} {
		_, err := ParsePlatform(bad)
		if err == nil {
			t.Errorf("ParsePlatform(%q) accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "linux/amd64 or linux/arm64") || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("error for %q does not name the value and the choices: %v", bad, err)
		}
	}
}

func TestPlatformGoEnvCrossCompilesStatically(t *testing.T) {
	p, _ := ParsePlatform("linux/arm64")
	env := map[string]string{}
	for _, e := range p.GoEnv() {
		env[e.Name] = e.Value
	}
	if env["CGO_ENABLED"] != "0" || env["GOOS"] != "linux" || env["GOARCH"] != "arm64" || len(env) != 3 {
		t.Fatalf("env = %v", env)
	}
	if fmt.Sprint(p.GoEnv()) != fmt.Sprint(p.GoEnv()) {
		t.Fatal("GoEnv order changes between calls")
	}
	if p.FargateCPUArchitecture() != "ARM64" {
		t.Fatal("arm64 must map to ARM64")
	}
	if (Platform{"linux", "amd64"}).FargateCPUArchitecture() != "X86_64" {
		t.Fatal("amd64 must map to X86_64")
	}
}

func TestVersion(t *testing.T) {
	v, err := Version("3f2c9e1", "sha256:abc")
	if err != nil || v != "3f2c9e1" {
		t.Fatalf("revision: %q %v", v, err)
	}
	v, err = Version("", "sha256:0123456789abcdef0123")
	if err != nil || v != "src-0123456789ab" {
		t.Fatalf("derived: %q %v", v, err)
	}
	for _, bad := range []string{"has space", "-leading", `quo"te`, "x -X main.evil=1", strings.Repeat("a", 129)} {
		if _, err := Version(bad, "sha256:0123456789abcdef"); err == nil || !strings.Contains(err.Error(), "version") {
			t.Errorf("Version(%q) accepted or unclear: %v", bad, err)
		}
	}
	if _, err := Version("", "sha256:12"); err == nil {
		t.Error("short digest accepted")
	}
}

func TestGoBuildArgsStampVersion(t *testing.T) {
	args := GoBuildArgs("abc", "./app", "/out/app")
	joined := strings.Join(args, " ")
	for _, want := range []string{"-trimpath", "-X main.version=abc", "-o /out/app", "./app"} {
		if !strings.Contains(joined, want) {
			t.Errorf("%q lacks %q", joined, want)
		}
	}
	// -ldflags must be one argument, or the stamp would be lost.
	for i, a := range args {
		if a == "-ldflags" && !strings.HasPrefix(args[i+1], "-s -w -X main.version=") {
			t.Fatalf("ldflags value = %q", args[i+1])
		}
	}
}

func TestRootFilesystemFiles(t *testing.T) {
	if !strings.Contains(Passwd(), "nonroot:x:65532:65532:") || !strings.Contains(Group(), "nonroot:x:65532:") {
		t.Fatalf("passwd/group lack the non-root user:\n%s\n%s", Passwd(), Group())
	}
	if User() != "65532:65532" {
		t.Fatalf("User() = %q", User())
	}
}

func TestLabels(t *testing.T) {
	labels, err := Labels("webapp", "abc", "https://github.com/acme/shop")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i, l := range labels {
		got[l.Name] = l.Value
		if i > 0 && labels[i-1].Name >= l.Name {
			t.Fatal("labels are not sorted")
		}
	}
	if got["org.opencontainers.image.source"] != "https://github.com/acme/shop" || got["org.opencontainers.image.revision"] != "abc" {
		t.Fatalf("labels = %v", got)
	}
	if labels, _ := Labels("webapp", "abc", ""); len(labels) != 3 {
		t.Fatalf("without a source URL want 3 labels, got %v", labels)
	}
	for _, bad := range []string{"github.com/acme/shop", "ftp://x/y", "https://"} {
		if _, err := Labels("w", "v", bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Labels accepted source %q or did not name it: %v", bad, err)
		}
	}
}

func TestTestStepsCoverEveryModule(t *testing.T) {
	steps := TestSteps(true)
	dirs := map[string][]string{}
	for _, s := range steps {
		dirs[s.Dir] = append(dirs[s.Dir], strings.Join(s.Args, " "))
	}
	for _, d := range []string{".", "infra", ".dagger"} {
		got := strings.Join(dirs[d], " | ")
		if !strings.Contains(got, "go vet ./...") || !strings.Contains(got, "go test -count=1 -short ./...") {
			t.Errorf("module %s: steps %q lack vet and short tests", d, got)
		}
	}
	for _, s := range TestSteps(false) {
		for _, a := range s.Args {
			if a == "-short" {
				t.Fatal("-short used when short=false")
			}
		}
	}
}
