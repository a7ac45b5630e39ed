package buildplan

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestCheckPackage(t *testing.T) {
	good := map[string]string{
		"": "./app", "./app": "./app", "./cmd/server": "./cmd/server", "./cmd/server/": "./cmd/server",
		".": ".", "./": ".", "./.": ".", "./app/..": ".", "./app/../cmd/server": "./cmd/server", "./cmd//api": "./cmd/api", "./services/api-v2/cmd/x_y": "./services/api-v2/cmd/x_y",
	}
	for in, want := range good {
		if got, err := CheckPackage(in); err != nil || got != want {
			t.Errorf("CheckPackage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{
		"cmd/server", "/src/cmd/server", "./...", "./cmd/...", "../other/cmd", "./cmd/../../x",
		"example.com/x/cmd/server", "./cmd server", "./cmd;rm", "-o/tmp/x", `.\cmd\server`,
	} {
		_, err := CheckPackage(bad)
		if err == nil {
			t.Errorf("CheckPackage(%q) accepted", bad)
			continue
		}
		for _, want := range []string{"--pkg", fmt.Sprintf("%q", bad), "./cmd/server"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("CheckPackage(%q): error lacks %q: %v", bad, want, err)
			}
		}
	}
}

func TestImagePort(t *testing.T) {
	for in, want := range map[int]int{0: 3000, 1: 1, 8080: 8080, 65535: 65535} {
		if got, err := ImagePort(in); err != nil || got != want {
			t.Errorf("ImagePort(%d) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []int{-1, 65536, 100000} {
		_, err := ImagePort(bad)
		if err == nil || !strings.Contains(err.Error(), "--port") || !strings.Contains(err.Error(), "1 to 65535") {
			t.Errorf("ImagePort(%d): %v", bad, err)
		}
	}
}

func TestModuleFilesRefusesReplacementsOutsideTheSource(t *testing.T) {
	all := func(string) bool { return true }
	files, err := ModuleFiles([]byte("module a.example/x\n\nrequire b.example/y v1.0.0\n"), func(rel string) bool { return rel == "go.sum" })
	if err != nil || strings.Join(files, " ") != "go.mod go.sum" {
		t.Fatalf("plain module: %v, %v", files, err)
	}
	if files, _ := ModuleFiles([]byte("module a.example/x\n"), func(string) bool { return false }); strings.Join(files, " ") != "go.mod" {
		t.Fatalf("module without go.sum: %v", files)
	}
	// A replacement by another version, or a local one inside: fine.
	files, err = ModuleFiles([]byte("module a.example/x\nreplace (\n\tb.example/y => b.example/z v1.2.0\n\tc.example/lib => ./libs/c\n\td.example/lib => ./libs/c\n)\n"), all)
	if err != nil || strings.Join(files, " ") != "go.mod go.sum libs/c/go.mod" {
		t.Fatalf("local replacement: %v, %v", files, err)
	}
	for _, target := range []string{"../shared", "/home/me/shared", "./libs/../../shared", ".."} {
		_, err := ModuleFiles([]byte("module a.example/x\nreplace c.example/lib => "+target+"\n"), all)
		if err == nil {
			t.Errorf("replace => %s accepted", target)
			continue
		}
		for _, want := range []string{"c.example/lib", target, "outside the module root", "--source"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("replace => %s: error lacks %q: %v", target, want, err)
			}
		}
	}
	_, err = ModuleFiles([]byte("module a.example/x\nreplace c.example/lib => ./missing\n"), func(rel string) bool { return rel != "missing/go.mod" })
	if err == nil || !strings.Contains(err.Error(), "missing/go.mod") {
		t.Errorf("replacement without a go.mod: %v", err)
	}
	if _, err := ModuleFiles([]byte("modul x\n"), all); err == nil || !strings.Contains(err.Error(), "go.mod of --source") {
		t.Errorf("broken go.mod: %v", err)
	}
}

// TestModuleFilesAreEnoughToDownload reproduces the builder's first stage
// for the second service: only the files ModuleFiles lists, then go mod
// download with the builder's environment. Without the local replacement's
// go.mod that stage fails, so the list is what makes the cached download
// work.
func TestModuleFilesAreEnoughToDownload(t *testing.T) {
	src := filepath.Join("testdata", "otherservice")
	gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := ModuleFiles(gomod, func(rel string) bool {
		_, err := os.Stat(filepath.Join(src, filepath.FromSlash(rel)))
		return err == nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(files, " ") != "go.mod greeting/go.mod" {
		t.Fatalf("files = %v", files)
	}
	download := func(files []string) ([]byte, error) {
		stage := t.TempDir()
		for _, rel := range files {
			data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(stage, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command("go", "mod", "download")
		cmd.Dir = stage
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off")
		for _, e := range BuilderEnv {
			cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
		}
		return cmd.CombinedOutput()
	}
	if out, err := download(files); err != nil {
		t.Fatalf("go mod download with %v: %v\n%s", files, err, out)
	}
	if out, err := download(files[:1]); err == nil {
		t.Fatalf("go mod download without the replacement's go.mod succeeded: the list would carry a file it does not need\n%s", out)
	}
}

func TestReleasePortFollowsTheDeployedContainer(t *testing.T) {
	td := &ecstypes.TaskDefinition{
		TaskDefinitionArn: aws.String("arn:aws:ecs:eu-west-1:210987654321:task-definition/payments:3"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{
			{Name: aws.String("sidecar"), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(9901)}}},
			{Name: aws.String("payments"), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080)}}, User: aws.String("65532:65532")},
		},
	}
	d := DeployedContainer(td, "payments", 8080)
	if !d.Found || portList(d.Ports) != "8080" || d.User != "65532:65532" {
		t.Fatalf("DeployedContainer = %+v", d)
	}
	for _, given := range []int{0, 8080} {
		if port, note, err := ReleasePort(d, given); err != nil || port != 8080 || note != "" {
			t.Errorf("--port %d: %d %q %v", given, port, note, err)
		}
	}

	refuse := func(name string, d Deployed, port int, wants ...string) {
		t.Helper()
		_, _, err := ReleasePort(d, port)
		if err == nil {
			t.Errorf("%s: accepted", name)
			return
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error lacks %q: %v", name, w, err)
			}
		}
	}
	refuse("--port 3000", d, 3000, "--port 3000", "containerPort 8080", "ContainerPort is 8080", "task-definition/payments:3")
	refuse("--port out of range", d, 70000, "--port 70000", "1 to 65535")
	refuse("output disagrees", DeployedContainer(td, "payments", 3000), 0, "containerPort 8080", "stack output ContainerPort is 3000")
	refuse("no container", DeployedContainer(td, "webapp", 8080), 0, `no container "webapp"`, "ContainerName")

	shell := d
	shell.HealthCheck = []string{"CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"}
	refuse("shell health check", shell, 0, "CMD-SHELL", "needs a shell", "exec form")
	other := d
	other.HealthCheck = []string{"CMD", "/bin/grpc_health_probe", "-addr=:8080"}
	refuse("health check binary the image lacks", other, 0, `"/bin/grpc_health_probe"`, "does not hold", BinaryPath)
	own := d
	own.HealthCheck = []string{"CMD", "/app", "-probe", "http://127.0.0.1:8080/healthz"}
	port, note, err := ReleasePort(own, 0)
	if err != nil || port != 8080 || !strings.Contains(note, `"/app -probe http://127.0.0.1:8080/healthz"`) || !strings.Contains(note, "must answer") {
		t.Errorf("the binary's own check: %d %q %v", port, note, err)
	}

	for user, ok := range map[string]bool{"": true, "65532": true, "1000:1000": true, "nonroot": true, "nonroot:nonroot": true, "root": true, "app": false, "65532:app": false} {
		u := d
		u.User = user
		if _, _, err := ReleasePort(u, 0); (err == nil) != ok {
			t.Errorf("user %q: err = %v, want ok=%v", user, err, ok)
		} else if err != nil && (!strings.Contains(err.Error(), `"`+user+`"`) || !strings.Contains(err.Error(), "numeric")) {
			t.Errorf("user %q: unclear error %v", user, err)
		}
	}
}

// TestBuilderIgnoresAWorkspaceFile builds the second service with a go.work
// beside its go.mod that names a directory outside the source, as a
// developer's checkout may hold: the builder's environment builds the
// module as its go.mod says, where plain go build would fail.
func TestBuilderIgnoresAWorkspaceFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the second service")
	}
	src := filepath.Join(t.TempDir(), "src")
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "otherservice"))); err != nil {
		t.Fatal(err)
	}
	work := "go 1.22\n\nuse (\n\t.\n\t./greeting\n\t../shared\n)\n"
	if err := os.WriteFile(filepath.Join(src, "go.work"), []byte(work), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := exec.Command("go", "build", "-o", os.DevNull, "./cmd/server")
	plain.Dir = src
	plain.Env = append(os.Environ(), "GOWORK=", "GOFLAGS=")
	if out, err := plain.CombinedOutput(); err == nil {
		t.Fatalf("go build with the workspace succeeded; the test's go.work does not break anything\n%s", out)
	}
	if _, err := os.Stat(buildPackage(t, src, "./cmd/server", "abc1234", Platform{"linux", "amd64"})); err != nil {
		t.Fatal(err)
	}
}
