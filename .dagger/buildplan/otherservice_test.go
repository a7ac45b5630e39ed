package buildplan

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/imagebuild"
)

// otherService is a Go service shaped unlike this repository's app: main
// package cmd/server, its own go.mod and module path, port 8080, a replace
// directive to a local sub-module, no health-check flag.
const (
	otherService     = "testdata/otherservice"
	otherPackage     = "./cmd/server"
	otherPort        = 8080
	otherTaskDefFile = "testdata/otherservice-task-definition.json"
)

// TestOtherServiceBuildsIntoAnImageAndABundle takes the second service
// through what the module does with it: the checks of --pkg, --port and its
// go.mod, the go build the builder runs, the image assembled with
// imagebuild (inspected, then run from its own root filesystem), the
// release checks against a task definition for port 8080, and the release
// bundle rendered and validated.
func TestOtherServiceBuildsIntoAnImageAndABundle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the second service")
	}
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skipf("the image is linux/amd64 or linux/arm64; this machine is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	pkg, err := CheckPackage(otherPackage)
	if err != nil {
		t.Fatal(err)
	}
	port, err := ImagePort(otherPort)
	if err != nil {
		t.Fatal(err)
	}
	gomod, _ := os.ReadFile(filepath.Join(otherService, "go.mod"))
	files, err := ModuleFiles(gomod, func(rel string) bool {
		_, err := os.Stat(filepath.Join(otherService, rel))
		return err == nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The same build as the builder container's, from a copy of the source
	// (as the engine mounts it).
	src := filepath.Join(t.TempDir(), "src")
	if err := os.CopyFS(src, os.DirFS(otherService)); err != nil {
		t.Fatal(err)
	}
	p := Platform{"linux", runtime.GOARCH}
	binary, err := os.ReadFile(buildPackage(t, src, pkg, "4f7c2a9", p))
	if err != nil {
		t.Fatal(err)
	}
	labels, err := Labels("ecs-bluegreen app", "4f7c2a9", "https://github.com/example-org/payments")
	if err != nil {
		t.Fatal(err)
	}
	created, _ := SourceDate(1764316800)
	img, err := imagebuild.Build(ImageSpec(p, binary, []byte("certs\n"), labels, created, port))
	if err != nil {
		t.Fatal(err)
	}
	var layout bytes.Buffer
	digest, err := imagebuild.WriteLayout(&layout, img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s of %s (mounted first: %s) for %s: %d-byte binary, image %s", pkg, otherService, strings.Join(files, ", "), p, len(binary), digest)

	back := readLayoutImage(t, layout.Bytes(), digest)
	cf, err := back.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	ports := make([]string, 0, len(c.ExposedPorts))
	for k := range c.ExposedPorts {
		ports = append(ports, k)
	}
	t.Logf("image config: entrypoint %v, user %s, exposed %v, env %v, labels %v", c.Entrypoint, c.User, ports, c.Env, c.Labels)
	if strings.Join(ports, ",") != "8080/tcp" {
		t.Errorf("exposed ports = %v, want only 8080/tcp", ports)
	}
	if strings.Join(c.Env, ",") != "PORT=8080" || c.User != "65532:65532" || strings.Join(c.Entrypoint, " ") != BinaryPath {
		t.Errorf("config = %+v", c)
	}
	if c.Labels["org.opencontainers.image.source"] != "https://github.com/example-org/payments" || c.Labels["org.opencontainers.image.revision"] != "4f7c2a9" {
		t.Errorf("labels = %v", c.Labels)
	}

	// The binary from the image is the service: it answers on the port it
	// is given and shows the stamped version through the replaced module.
	root := filepath.Join(t.TempDir(), "rootfs")
	extract(t, back, root)
	listen := freePort(t)
	app := exec.Command(filepath.Join(root, strings.TrimPrefix(BinaryPath, "/")))
	app.Env = []string{"PORT=" + listen}
	if err := app.Start(); err != nil {
		t.Fatalf("the binary from the image does not start: %v", err)
	}
	t.Cleanup(func() { _ = app.Process.Kill(); _ = app.Wait() })
	get(t, "http://127.0.0.1:"+listen+"/healthz")
	if body := get(t, "http://127.0.0.1:"+listen+"/?name=payments"); body != "payments says hello (4f7c2a9)\n" {
		t.Errorf("the service answers %q", body)
	}

	// The release: the task definition decides the port; its bundle renders
	// and validates for 8080.
	described, err := os.ReadFile(otherTaskDefFile)
	if err != nil {
		t.Fatal(err)
	}
	td, tags, err := bundle.TaskDefinitionFromDescribe(described)
	if err != nil {
		t.Fatal(err)
	}
	deployed := DeployedContainer(td, "payments", otherPort)
	if got, note, err := ReleasePort(deployed, 0); err != nil || got != otherPort || note != "" {
		t.Fatalf("release checks: %d %q %v", got, note, err)
	}
	if _, _, err := ReleasePort(deployed, DefaultPort); err == nil {
		t.Fatal("an image for port 3000 passed the checks of a task definition for 8080")
	}
	in := bundle.Input{
		Mode: bundle.ModePipeline, TaskDefinition: td, Tags: tags,
		ImageURI:      "210987654321.dkr.ecr.eu-west-1.amazonaws.com/payments:4f7c2a9@" + digest.String(),
		ContainerName: "payments", ContainerPort: otherPort,
		Network:     bundle.NetworkFromOutputs("subnet-0a1b2c3d4e5f60718,subnet-1a1b2c3d4e5f60718", "sg-0a1b2c3d4e5f60718"),
		GitRevision: "4f7c2a9", Timestamp: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	}
	b, err := bundle.Render(in)
	if err != nil {
		t.Fatalf("the second service's bundle does not render: %v", err)
	}
	out := b.Files()
	if err := bundle.ValidateFiles(out, bundle.ModePipeline); err != nil {
		t.Fatalf("its bundle does not validate: %v", err)
	}
	for _, name := range []string{bundle.FileAppSpec, bundle.FileTaskDef, bundle.FileImageDetail, bundle.FileRelease} {
		t.Logf("%s:\n%s", name, out[name])
	}
	if b.AppSpec == nil || !strings.Contains(string(out[bundle.FileAppSpec]), "ContainerPort: 8080") {
		t.Errorf("appspec.yaml does not target 8080:\n%s", out[bundle.FileAppSpec])
	}
	container := b.TaskDefinition.ContainerDefinitions[0]
	if aws.ToString(container.Name) != "payments" || aws.ToInt32(container.PortMappings[0].ContainerPort) != otherPort {
		t.Errorf("taskdef.json container = %s %v", aws.ToString(container.Name), container.PortMappings)
	}
	var rel struct {
		ContainerPort int    `json:"containerPort"`
		Digest        string `json:"digest"`
	}
	if err := json.Unmarshal(out[bundle.FileRelease], &rel); err != nil || rel.ContainerPort != otherPort || rel.Digest != digest.String() {
		t.Errorf("release.json = %+v, %v", rel, err)
	}
	in.ContainerPort = DefaultPort
	if _, err := bundle.Render(in); err == nil || !strings.Contains(err.Error(), "3000") {
		t.Errorf("a bundle for port 3000 rendered against the 8080 task definition: %v", err)
	}
}
