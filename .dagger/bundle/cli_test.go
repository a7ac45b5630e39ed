package bundle

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/internal/testtool"
)

// awsCLI runs the AWS CLI against the local moto server with fake
// credentials and an empty configuration, so nothing from the machine's own
// AWS setup is used and nothing leaves the loopback interface.
type awsCLI struct {
	bin, endpoint, dir string
	env                []string
}

func newAWSCLI(t *testing.T) *awsCLI {
	t.Helper()
	bin := testtool.Require(t, "aws")
	srv := moto.Shared(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[default]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &awsCLI{bin: bin, endpoint: srv.URL, dir: dir, env: []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"AWS_CONFIG_FILE=" + config,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID=" + moto.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + moto.SecretKey,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}}
}

// run executes `aws <args> --endpoint-url … --region us-east-1 --output json`.
func (a *awsCLI) run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	args = append(args, "--endpoint-url", a.endpoint, "--region", moto.Region, "--output", "json")
	cmd := exec.Command(a.bin, args...)
	cmd.Env = a.env
	cmd.Dir = a.dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// register writes taskdef to a file and registers it with the CLI.
func (a *awsCLI) register(t *testing.T, name string, taskdef []byte) (string, string, error) {
	t.Helper()
	path := filepath.Join(a.dir, name)
	if err := os.WriteFile(path, taskdef, 0o600); err != nil {
		t.Fatal(err)
	}
	return a.run(t, "ecs", "register-task-definition", "--cli-input-json", "file://"+path)
}

// TestAWSCLIAcceptsTaskDef feeds the rendered taskdef.json of both modes to
// `aws ecs register-task-definition --cli-input-json`, whose parameter
// validation knows every field of the API, then reads the registered
// revision back with describe-task-definition and renders again from it.
func TestAWSCLIAcceptsTaskDef(t *testing.T) {
	cli := newAWSCLI(t)
	for i, mode := range []Mode{ModeDirect, ModePipeline} {
		files := mustRender(t, validInput(t, mode)).Files()
		stdout, stderr, err := cli.register(t, string(mode)+"-taskdef.json", files[FileTaskDef])
		if err != nil {
			t.Fatalf("%s: register-task-definition failed: %v\n%s", mode, err, stderr)
		}
		var out struct {
			TaskDefinition struct {
				Family               string `json:"family"`
				Revision             int    `json:"revision"`
				ContainerDefinitions []struct {
					Image string `json:"image"`
				} `json:"containerDefinitions"`
			} `json:"taskDefinition"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%s: reading the CLI output: %v\n%s", mode, err, stdout)
		}
		wantImage := testImage
		if mode == ModePipeline {
			wantImage = ImagePlaceholder
		}
		if out.TaskDefinition.Family != "webapp" || out.TaskDefinition.Revision != i+1 ||
			len(out.TaskDefinition.ContainerDefinitions) != 1 || out.TaskDefinition.ContainerDefinitions[0].Image != wantImage {
			t.Fatalf("%s: registered %+v", mode, out.TaskDefinition)
		}
	}

	// What the CLI prints for the registered revision is valid describe input.
	stdout, stderr, err := cli.run(t, "ecs", "describe-task-definition", "--task-definition", "webapp:1", "--include", "TAGS")
	if err != nil {
		t.Fatalf("describe-task-definition: %v\n%s", err, stderr)
	}
	td, tags, err := TaskDefinitionFromDescribe([]byte(stdout))
	if err != nil {
		t.Fatalf("TaskDefinitionFromDescribe on the CLI output: %v\n%s", err, stdout)
	}
	in := validInput(t, ModePipeline)
	in.TaskDefinition, in.Tags = td, tags
	if _, err := Render(in); err != nil {
		t.Fatalf("Render from the described revision: %v", err)
	}
}

// TestAWSCLIRefusesUnknownField checks the negative: the CLI itself rejects
// a member the API does not have, the same one RegisterInput rejects.
func TestAWSCLIRefusesUnknownField(t *testing.T) {
	cli := newAWSCLI(t)
	files := mustRender(t, validInput(t, ModeDirect)).Files()
	bad := bytes.Replace(files[FileTaskDef], []byte(`"essential": true,`), []byte(`"essential": true, "healthcheck": {},`), 1)
	if bytes.Equal(bad, files[FileTaskDef]) {
		t.Fatal("fixture drift: no essential member to edit")
	}
	_, stderr, err := cli.register(t, "bad-taskdef.json", bad)
	if err == nil {
		t.Fatal("the CLI accepted an unknown field")
	}
	if !strings.Contains(stderr, `Unknown parameter in containerDefinitions[0]: "healthcheck"`) {
		t.Fatalf("the CLI failed for another reason:\n%s", stderr)
	}
	if _, err := RegisterInput(bad); err == nil || !strings.Contains(err.Error(), "containerDefinitions[0].healthcheck: is not a known field here") {
		t.Fatalf("RegisterInput: %v", err)
	}
}
