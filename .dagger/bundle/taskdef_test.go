package bundle

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestEveryDescribedFieldIsCopiedOrReadOnly guards against an SDK upgrade
// adding a task definition member that RegisterFromDescribed would silently
// drop: each member is either copied by name or listed as read-only.
func TestEveryDescribedFieldIsCopiedOrReadOnly(t *testing.T) {
	td := reflect.TypeOf(ecstypes.TaskDefinition{})
	in := reflect.TypeOf(ecs.RegisterTaskDefinitionInput{})
	for i := 0; i < td.NumField(); i++ {
		f := td.Field(i)
		if !f.IsExported() {
			continue
		}
		jsonName := strings.ToLower(f.Name[:1]) + f.Name[1:]
		g, copied := in.FieldByName(f.Name)
		switch {
		case copied && g.Type != f.Type:
			t.Errorf("%s has type %v in TaskDefinition but %v in the register input", f.Name, f.Type, g.Type)
		case !copied && !readOnlyTaskDefFields[jsonName]:
			t.Errorf("TaskDefinition.%s is neither registered nor listed as read-only", f.Name)
		case copied && readOnlyTaskDefFields[jsonName]:
			t.Errorf("%s is listed as read-only but RegisterTaskDefinition accepts it", f.Name)
		}
	}
	for i := 0; i < in.NumField(); i++ {
		if f := in.Field(i); f.IsExported() && f.Name != "Tags" {
			if _, ok := td.FieldByName(f.Name); !ok {
				t.Errorf("RegisterTaskDefinitionInput.%s has no TaskDefinition counterpart to copy from", f.Name)
			}
		}
	}
}

func TestTaskDefinitionFromDescribe(t *testing.T) {
	td, tags := describedTaskDef(t)
	if aws.ToString(td.Family) != "webapp" || td.Revision != 7 || td.Status != ecstypes.TaskDefinitionStatusActive ||
		aws.ToString(td.Cpu) != "2048" || len(td.ContainerDefinitions) != 1 || len(td.RequiresAttributes) != 2 {
		t.Fatalf("decoded task definition differs: %+v", td)
	}
	cd := td.ContainerDefinitions[0]
	if aws.ToInt32(cd.PortMappings[0].ContainerPort) != 3000 || aws.ToInt32(cd.HealthCheck.StartPeriod) != 10 ||
		cd.LogConfiguration.Options["awslogs-group"] != "/ecs/webapp" || !aws.ToBool(cd.ReadonlyRootFilesystem) {
		t.Fatalf("decoded container differs: %+v", cd)
	}
	if len(tags) != 1 || aws.ToString(tags[0].Key) != "app" {
		t.Fatalf("tags = %+v", tags)
	}

	// The bare task definition object, as in the API (epoch-second timestamps).
	var full map[string]json.RawMessage
	data, _ := readFixture(t)
	if err := json.Unmarshal(data, &full); err != nil {
		t.Fatal(err)
	}
	bare := bytes.Replace(full["taskDefinition"], []byte(`"2026-11-20T10:15:30.123000+00:00"`), []byte(`1795169730.123`), 1)
	td2, tags2, err := TaskDefinitionFromDescribe(bare)
	if err != nil {
		t.Fatal(err)
	}
	if tags2 != nil || !reflect.DeepEqual(RegisterFromDescribed(td, nil), RegisterFromDescribed(td2, nil)) {
		t.Fatalf("the bare object decodes differently")
	}
}

func readFixture(t *testing.T) ([]byte, error) {
	t.Helper()
	return os.ReadFile("testdata/describe-task-definition.json")
}

func TestTaskDefinitionFromDescribeRefusesOtherDocuments(t *testing.T) {
	for doc, want := range map[string]string{
		`[]`:                                `is an array; want a JSON object`,
		`{"services": []}`:                  `taskDefinition.services: is not a known field here`,
		`{"taskDefinition": {"cpu": 1024}}`: `taskDefinition.cpu: is the number 1024; want a string`,
		`{"taskDefinition": {}} {}`:         `is not valid JSON`,
	} {
		_, _, err := TaskDefinitionFromDescribe([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", doc, err, want)
		}
	}
}

// TestRegisterInputRoundTrip decodes the rendered direct-mode taskdef.json
// and encodes it again: nothing may be lost or changed.
func TestRegisterInputRoundTrip(t *testing.T) {
	data, err := RenderTaskDefinition(Input{
		Mode: ModeDirect, TaskDefinition: validInput(t, ModeDirect).TaskDefinition,
		Tags:     []ecstypes.Tag{{Key: aws.String("env"), Value: aws.String("prod")}},
		ImageURI: testImage, ContainerName: "webapp", ContainerPort: 3000,
	})
	if err != nil {
		t.Fatal(err)
	}
	in, err := RegisterInput(data)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(in.ContainerDefinitions[0].Image) != testImage || aws.ToString(in.Family) != "webapp" ||
		in.NetworkMode != ecstypes.NetworkModeAwsvpc || aws.ToString(in.Memory) != "4096" ||
		aws.ToString(in.Tags[0].Value) != "prod" || in.RuntimePlatform.CpuArchitecture != ecstypes.CPUArchitectureArm64 ||
		aws.ToInt32(in.ContainerDefinitions[0].StopTimeout) != 25 {
		t.Fatalf("decoded input differs: %+v", in)
	}
	again, err := encodeTaskDef(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Fatalf("round trip changed taskdef.json:\n%s\nvs\n%s", again, data)
	}
	direct := mustRender(t, validInput(t, ModeDirect)).Files()[FileTaskDef]
	if !bytes.Contains(direct, []byte(testImage)) || bytes.Contains(direct, []byte(ImagePlaceholder)) {
		t.Fatalf("direct taskdef.json does not carry the digest image")
	}
}

func TestRegisterInputRefusesPipelineArtifacts(t *testing.T) {
	pipeline := mustRender(t, validInput(t, ModePipeline)).Files()[FileTaskDef]
	if _, err := RegisterInput(pipeline); err == nil || !strings.Contains(err.Error(), "must be a real image in direct mode") {
		t.Fatalf("RegisterInput accepted a placeholder image: %v", err)
	}
	withARN := bytes.Replace(pipeline, []byte(`"family": "webapp",`), []byte(`"family": "webapp", "taskDefinitionArn": "x", "compatibilities": ["FARGATE"],`), 1)
	_, err := RegisterInput(withARN)
	for _, want := range []string{"taskDefinitionArn: is read-only", "compatibilities: is read-only"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("RegisterInput: %v; want %q", err, want)
		}
	}
}

// TestPlaceholderStaysLiteral checks the placeholder is not HTML-escaped
// (\u003c): the pipeline action looks for the literal text.
func TestPlaceholderStaysLiteral(t *testing.T) {
	data := mustRender(t, validInput(t, ModePipeline)).Files()[FileTaskDef]
	if !bytes.Contains(data, []byte(`"image": "<IMAGE1_NAME>"`)) || bytes.Contains(data, []byte(`\u003c`)) {
		t.Fatalf("placeholder not literal in:\n%s", data)
	}
	if !bytes.HasSuffix(data, []byte("}\n")) || !bytes.HasPrefix(data, []byte("{\n  \"family\": \"webapp\",\n")) {
		t.Fatalf("taskdef.json is not 2-space indented with a trailing newline:\n%s", data)
	}
}
