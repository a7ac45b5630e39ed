package bundle

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// userTaskDef returns the fixture as a user-supplied taskdef.json (the
// described task definition without read-only members), changed by mutate.
func userTaskDef(t *testing.T, mutate func(doc map[string]any)) []byte {
	t.Helper()
	td, tags := describedTaskDef(t)
	data, err := encodeTaskDef(RegisterFromDescribed(td, tags))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	mutate(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// container returns the first container definition of a decoded taskdef.json.
func container(doc map[string]any) map[string]any {
	return doc["containerDefinitions"].([]any)[0].(map[string]any)
}

// withSidecar adds a second container with the given image.
func withSidecar(image string) func(map[string]any) {
	return func(doc map[string]any) {
		doc["containerDefinitions"] = append(doc["containerDefinitions"].([]any), map[string]any{
			"name": "envoy", "image": image, "essential": false,
		})
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	cases := []struct {
		name   string
		mode   Mode
		change func(t *testing.T, in *Input)
		want   string
	}{
		{"tag without digest", ModePipeline, func(t *testing.T, in *Input) {
			in.ImageURI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:latest"
		}, `Input.ImageURI: image "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:latest" is not pinned to a digest`},
		{"short digest", ModePipeline, func(t *testing.T, in *Input) {
			in.ImageURI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:abc123"
		}, `has digest "sha256:abc123", which is not sha256 with 64 lowercase hex digits`},
		{"uppercase digest", ModePipeline, func(t *testing.T, in *Input) {
			in.ImageURI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("AB", 32)
		}, "which is not sha256 with 64 lowercase hex digits"},
		{"no registry host", ModePipeline, func(t *testing.T, in *Input) {
			in.ImageURI = "webapp@" + testDigest
		}, "has no registry host"},
		{"malformed ECR host", ModePipeline, func(t *testing.T, in *Input) {
			in.ImageURI = "12345.dkr.ecr.us-east-1.amazonaws.com/webapp@" + testDigest
		}, "is not <12-digit account>.dkr.ecr.<region>.amazonaws.com"},
		{"uppercase repository", ModePipeline, func(t *testing.T, in *Input) {
			in.ImageURI = "registry.example.com:5000/Team/webapp@" + testDigest
		}, `whose component "Team" is not lowercase`},
		{"bad tag", ModePipeline, func(t *testing.T, in *Input) {
			in.ImageURI = "registry.example.com/webapp:-v1@" + testDigest
		}, `has tag "-v1"`},
		{"empty image", ModePipeline, func(t *testing.T, in *Input) { in.ImageURI = "" }, `image "" is empty`},
		{"unknown mode", ModePipeline, func(t *testing.T, in *Input) { in.Mode = "canary" },
			`Input.Mode: mode "canary" is not accepted; want "pipeline" or "direct"`},
		{"container name mismatch", ModePipeline, func(t *testing.T, in *Input) { in.ContainerName = "api" },
			`Input.ContainerName: "api" is not a container of the task definition; its containers are "webapp"`},
		{"container port mismatch", ModePipeline, func(t *testing.T, in *Input) { in.ContainerPort = 8080 },
			`Input.ContainerPort: 8080 is not a containerPort of container "webapp"; its port mappings are 3000`},
		{"port out of range", ModePipeline, func(t *testing.T, in *Input) { in.ContainerPort = 0 },
			"Input.ContainerPort: 0 is not a port; want 1 to 65535"},
		{"invalid memory for cpu", ModePipeline, func(t *testing.T, in *Input) { in.TaskDefinition.Memory = aws.String("3000") },
			`taskdef.json: memory: "3000" (3000 MiB) is not a valid Fargate memory for cpu "2048" (2048 units); with that cpu want 4096 to 16384 in steps of 1024 MiB`},
		{"invalid cpu", ModePipeline, func(t *testing.T, in *Input) { in.TaskDefinition.Cpu = aws.String("300") },
			`taskdef.json: cpu: "300" (300 units) is not a Fargate cpu value`},
		{"memory missing", ModePipeline, func(t *testing.T, in *Input) { in.TaskDefinition.Memory = nil },
			"taskdef.json: memory: is missing"},
		{"network mode bridge", ModePipeline, func(t *testing.T, in *Input) { in.TaskDefinition.NetworkMode = ecstypes.NetworkModeBridge },
			`taskdef.json: networkMode: must be awsvpc for a FARGATE task, got bridge [fargate-network-mode]`},
		{"unknown taskdef field", ModePipeline, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = userTaskDef(t, func(d map[string]any) { d["famly"] = "webapp" })
		}, "taskdef.json: famly: is not a known field here; accepted: containerDefinitions, cpu,"},
		{"read-only taskdef field", ModePipeline, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = userTaskDef(t, func(d map[string]any) { d["revision"] = 7 })
		}, "taskdef.json: revision: is read-only (ECS sets it when registering); remove it"},
		{"nested unknown field", ModePipeline, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = userTaskDef(t, func(d map[string]any) { container(d)["portMapping"] = []any{} })
		}, "taskdef.json: containerDefinitions[0].portMapping: is not a known field here"},
		{"port as a string", ModePipeline, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = userTaskDef(t, func(d map[string]any) {
				container(d)["portMappings"].([]any)[0].(map[string]any)["containerPort"] = "3000"
			})
		}, `taskdef.json: containerDefinitions[0].portMappings[0].containerPort: is the string "3000"; want an integer`},
		{"null member", ModePipeline, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = userTaskDef(t, func(d map[string]any) { d["taskRoleArn"] = nil })
		}, "taskdef.json: taskRoleArn: is null"},
		{"not JSON", ModePipeline, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = []byte("family: webapp\n")
		}, "taskdef.json: is not valid JSON"},
		{"duplicated placeholder", ModePipeline, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = userTaskDef(t, withSidecar(ImagePlaceholder))
		}, "should hold one placeholder (the app container's) in pipeline mode, got 2: containerDefinitions[webapp].image, containerDefinitions[envoy].image [pipeline-placeholder]"},
		{"placeholder in direct mode", ModeDirect, func(t *testing.T, in *Input) {
			in.TaskDefinition = nil
			in.TaskDefinitionJSON = userTaskDef(t, withSidecar(ImagePlaceholder))
		}, "taskdef.json: containerDefinitions[envoy].image: must be a real image in direct mode, got a pipeline placeholder; nothing will fill it in [direct-no-placeholder]"},
		{"unknown hook", ModePipeline, func(t *testing.T, in *Input) { in.Hooks = map[string]string{"AfterInstal": "fn"} },
			"Input.Hooks.AfterInstal: is not an ECS lifecycle hook; want one of BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic"},
		{"bad hook function", ModePipeline, func(t *testing.T, in *Input) { in.Hooks = map[string]string{"BeforeInstall": "my function!"} },
			`Input.Hooks.BeforeInstall: function "my function!" is not a Lambda function name`},
		{"partial network", ModePipeline, func(t *testing.T, in *Input) { in.Network.SecurityGroups = nil },
			"Input.Network: is partial: SecurityGroups missing; give Subnets, SecurityGroups and AssignPublicIp together"},
		{"bad subnet id", ModePipeline, func(t *testing.T, in *Input) { in.Network.Subnets[1] = "subnet-xyz" },
			`Input.Network.Subnets[1]: "subnet-xyz" is not a subnet id`},
		{"bad security group id", ModePipeline, func(t *testing.T, in *Input) { in.Network.SecurityGroups = []string{"sg-123"} },
			`Input.Network.SecurityGroups[0]: "sg-123" is not a security group id`},
		{"bad assign public ip", ModePipeline, func(t *testing.T, in *Input) { in.Network.AssignPublicIp = "YES" },
			`Input.Network.AssignPublicIp: "YES" is not accepted; want ENABLED or DISABLED`},
		{"direct without ARN", ModeDirect, func(t *testing.T, in *Input) { in.TaskDefinitionArn = "" },
			`Input.TaskDefinitionArn: "" is not a task definition ARN`},
		{"direct ARN of another family", ModeDirect, func(t *testing.T, in *Input) {
			in.TaskDefinitionArn = "arn:aws:ecs:us-east-1:123456789012:task-definition/other:3"
		}, `is of family "other", but the task definition's family is "webapp"`},
		{"ARN in pipeline mode", ModePipeline, func(t *testing.T, in *Input) { in.TaskDefinitionArn = testARN },
			"is set in pipeline mode; leave it empty"},
		{"bad platform version", ModePipeline, func(t *testing.T, in *Input) { in.PlatformVersion = "latest" },
			`Input.PlatformVersion: "latest" is not accepted; want LATEST or a version such as 1.4.0`},
		{"two capacity provider bases", ModeDirect, func(t *testing.T, in *Input) { in.CapacityProviderStrategy[1].Base = 2 },
			"Input.CapacityProviderStrategy: 2 capacity providers have a base; at most one may"},
		{"capacity provider weight", ModeDirect, func(t *testing.T, in *Input) { in.CapacityProviderStrategy[1].Weight = 2000 },
			"Input.CapacityProviderStrategy[1].Weight: 2000 is out of range; want 0 to 1000"},
		{"no task definition", ModePipeline, func(t *testing.T, in *Input) { in.TaskDefinition = nil },
			"Input.TaskDefinition: is missing"},
		{"two task definitions", ModePipeline, func(t *testing.T, in *Input) { in.TaskDefinitionJSON = []byte("{}") },
			"Input.TaskDefinition: and Input.TaskDefinitionJSON are both set"},
		{"git revision", ModePipeline, func(t *testing.T, in *Input) { in.GitRevision = "main" },
			`Input.GitRevision: "main" is not a commit id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validInput(t, tc.mode)
			tc.change(t, &in)
			b, err := Render(in)
			if err == nil {
				t.Fatalf("Render accepted the input; want an error containing %q", tc.want)
			}
			if b != nil {
				t.Errorf("Render returned a bundle with an error")
			}
			var vs Violations
			if !errors.As(err, &vs) {
				t.Fatalf("error is %T, want Violations: %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
	if len(cases) < 25 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
}

// TestRenderReportsEveryViolation breaks several independent things and
// expects each one in the same error.
func TestRenderReportsEveryViolation(t *testing.T) {
	in := validInput(t, ModeDirect)
	in.ImageURI = "registry.example.com/webapp:latest"
	in.ContainerPort = 8080
	in.TaskDefinition.Memory = aws.String("1024")
	in.Network.Subnets = []string{"subnet-nothex"}
	in.Hooks["Deploy"] = "fn"
	in.TaskDefinitionArn = "webapp:8"
	_, err := Render(in)
	var vs Violations
	if !errors.As(err, &vs) {
		t.Fatalf("want Violations, got %v", err)
	}
	want := []string{
		"Input.ImageURI", "Input.ContainerPort", "taskdef.json: memory", "Input.Network.Subnets[0]",
		"Input.Hooks.Deploy", "Input.TaskDefinitionArn", "taskdef.json: containerDefinitions[webapp].image",
	}
	if len(vs) != len(want) {
		t.Errorf("got %d violations, want %d:\n%v", len(vs), len(want), err)
	}
	for _, w := range want {
		found := false
		for _, v := range vs {
			found = found || v.Field == w
		}
		if !found {
			t.Errorf("no violation for %s in:\n%v", w, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "7 problems found:\n  - ") {
		t.Errorf("error does not start with the count: %q", err.Error())
	}
}

// TestRenderDoesNotTouchTheInput checks that the described task definition
// keeps its own image: the caller may use it again.
func TestRenderDoesNotTouchTheInput(t *testing.T) {
	in := validInput(t, ModePipeline)
	before := *in.TaskDefinition.ContainerDefinitions[0].Image
	mustRender(t, in)
	if got := *in.TaskDefinition.ContainerDefinitions[0].Image; got != before {
		t.Fatalf("Render changed the input's image to %q", got)
	}
}
