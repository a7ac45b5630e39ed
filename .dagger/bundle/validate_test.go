package bundle

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// replaceIn returns a change that replaces old with new in one file, failing
// when old is absent so a fixture drift cannot make a case pass vacuously.
func replaceIn(name, old, new string) func(t *testing.T, files map[string][]byte) {
	return func(t *testing.T, files map[string][]byte) {
		t.Helper()
		if !bytes.Contains(files[name], []byte(old)) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		files[name] = bytes.Replace(files[name], []byte(old), []byte(new), 1)
	}
}

func TestValidateFilesRefusesBadArtifacts(t *testing.T) {
	cases := []struct {
		name   string
		mode   Mode
		change func(t *testing.T, files map[string][]byte)
		want   string
	}{
		{"missing appspec", ModePipeline, func(t *testing.T, f map[string][]byte) { delete(f, FileAppSpec) },
			"appspec.yaml: is missing"},
		{"imageDetail by tag", ModePipeline, replaceIn(FileImageDetail, "@"+testDigest, ""),
			"imageDetail.json: ImageURI: should be pinned by digest"},
		{"imageDetail unknown key", ModePipeline, replaceIn(FileImageDetail, `"ImageURI"`, `"ImageUri"`),
			`imageDetail.json: ImageURI: is missing; found ImageUri, but the action reads the key ImageURI exactly (case-sensitive) [imagedetail-json]`},
		{"appspec unknown key", ModePipeline, replaceIn(FileAppSpec, "LoadBalancerInfo:", "LoadBalancerInfos:"),
			"appspec.yaml: Resources[0].TargetService.Properties.LoadBalancerInfos: is not a known key here"},
		{"appspec quoted port", ModePipeline, replaceIn(FileAppSpec, "ContainerPort: 3000", `ContainerPort: "3000"`),
			`LoadBalancerInfo.ContainerPort: must be an integer (unquoted), got the string "3000" [appspec-shape]`},
		{"appspec version", ModePipeline, replaceIn(FileAppSpec, "version: 0.0", "version: 1.0"),
			"appspec.yaml: version: must be 0.0, got 1.0 [appspec-version]"},
		{"appspec ARN in pipeline mode", ModePipeline, replaceIn(FileAppSpec, "<TASK_DEFINITION>", testARN),
			"TaskDefinition: must be <TASK_DEFINITION> in pipeline mode (the action fills it in), got \"" + testARN + "\""},
		{"appspec placeholder in direct mode", ModeDirect, replaceIn(FileAppSpec, `"`+testARN+`"`, "<TASK_DEFINITION>"),
			`TaskDefinition: must be a task definition ARN in direct mode`},
		{"appspec wrong type", ModePipeline, replaceIn(FileAppSpec, "AWS::ECS::Service", "AWS::Lambda::Function"),
			`Type: must be AWS::ECS::Service, got "AWS::Lambda::Function"`},
		{"appspec two resources", ModePipeline, func(t *testing.T, f map[string][]byte) {
			s := string(f[FileAppSpec])
			start, end := strings.Index(s, "  - TargetService:"), strings.Index(s, "Hooks:")
			f[FileAppSpec] = []byte(s[:end] + strings.Replace(s[start:end], "TargetService", "Second", 1) + s[end:])
		}, "appspec.yaml: Resources: must hold exactly one resource"},
		{"appspec container not in taskdef", ModePipeline, replaceIn(FileAppSpec, `ContainerName: "webapp"`, `ContainerName: "api"`),
			`appspec.yaml: Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerName: must be a container of taskdef.json ("webapp"), got "api"`},
		{"appspec port not mapped", ModePipeline, replaceIn(FileAppSpec, "ContainerPort: 3000", "ContainerPort: 8080"),
			`appspec.yaml: Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort: must be a containerPort of container "webapp" (3000), got 8080`},
		{"appspec hooked twice", ModePipeline, func(t *testing.T, f map[string][]byte) {
			f[FileAppSpec] = append(f[FileAppSpec], []byte("  - AfterAllowTestTraffic: \"other\"\n")...)
		}, "appspec.yaml: Hooks.AfterAllowTestTraffic: must be hooked at most once"},
		{"appspec bad hook", ModePipeline, replaceIn(FileAppSpec, "AfterAllowTestTraffic:", "AfterTestTraffic:"),
			"appspec.yaml: Hooks.AfterTestTraffic: is not an ECS lifecycle hook"},
		{"appspec two documents", ModePipeline, func(t *testing.T, f map[string][]byte) {
			f[FileAppSpec] = append(f[FileAppSpec], []byte("---\nversion: 0.0\n")...)
		}, "appspec.yaml: holds more than one YAML document"},
		{"appspec partial network", ModePipeline, replaceIn(FileAppSpec, `            AssignPublicIp: "DISABLED"`+"\n", ""),
			"AwsvpcConfiguration: is partial: AssignPublicIp missing"},
		{"placeholder in another container", ModePipeline, func(t *testing.T, f map[string][]byte) {
			f[FileTaskDef] = userTaskDef(t, func(d map[string]any) {
				container(d)["image"] = "public.ecr.aws/docker/library/busybox@" + testDigest
				withSidecar(ImagePlaceholder)(d)
			})
		}, `taskdef.json: containerDefinitions[envoy].image: should be the image of "webapp", the container appspec.yaml routes to`},
		{"no placeholder in pipeline mode", ModePipeline, replaceIn(FileTaskDef, ImagePlaceholder, testImage),
			"should hold one placeholder such as <IMAGE1_NAME> in pipeline mode; none does"},
		{"direct image differs from imageDetail", ModeDirect, replaceIn(FileTaskDef, "webapp:v1.2.3@", "webapp:v1.2.2@"),
			"must be the image of imageDetail.json"},
		{"direct ARN of another family", ModeDirect, replaceIn(FileAppSpec, "task-definition/webapp:8", "task-definition/api:8"),
			`appspec.yaml: Resources[0].TargetService.Properties.TaskDefinition: must be a revision of family "webapp" (taskdef.json), got family "api"`},
		{"taskdef read-only field", ModePipeline, replaceIn(FileTaskDef, `"family": "webapp",`, `"family": "webapp", "revision": 3,`),
			"taskdef.json: revision: is read-only"},
		{"release from another bundle", ModePipeline, replaceIn(FileAppSpec, `"DISABLED"`, `"ENABLED"`),
			"release.json: files.appspec.yaml: sha256"},
		{"release of another mode", ModePipeline, replaceIn(FileRelease, `"mode": "pipeline"`, `"mode": "direct"`),
			`release.json: mode: "direct" does not match the requested mode "pipeline"`},
		{"release unknown key", ModePipeline, replaceIn(FileRelease, `"mode"`, `"mood"`),
			`release.json: is not a release summary: json: unknown field "mood"`},
		{"unknown mode", "blue", func(*testing.T, map[string][]byte) {},
			`mode: mode "blue" is not accepted`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mode := tc.mode
			if mode != ModeDirect {
				mode = ModePipeline
			}
			files := mustRender(t, validInput(t, mode)).Files()
			if err := ValidateFiles(files, tc.mode); err != nil && tc.mode == mode {
				t.Fatalf("the unchanged bundle is refused: %v", err)
			}
			tc.change(t, files)
			err := ValidateFiles(files, tc.mode)
			if err == nil {
				t.Fatalf("ValidateFiles accepted the files; want an error containing %q", tc.want)
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
}

// TestValidateFilesWithoutRelease accepts a bundle whose release.json was
// left out: it is a summary, not a pipeline input.
func TestValidateFilesWithoutRelease(t *testing.T) {
	files := mustRender(t, validInput(t, ModePipeline)).Files()
	delete(files, FileRelease)
	if err := ValidateFiles(files, ModePipeline); err != nil {
		t.Fatal(err)
	}
}

// TestDecodeAppSpecRoundTrip decodes a rendered appspec back into the shape it
// was rendered from.
func TestDecodeAppSpecRoundTrip(t *testing.T) {
	b := mustRender(t, validInput(t, ModeDirect))
	got, err := DecodeAppSpec(b.Files()[FileAppSpec])
	if err != nil {
		t.Fatal(err)
	}
	pr := got.Target()
	if pr == nil || pr.TaskDefinition != testARN || pr.LoadBalancerInfo.ContainerPort != 3000 ||
		pr.PlatformVersion != "1.4.0" || len(pr.CapacityProviderStrategy) != 2 ||
		pr.CapacityProviderStrategy[0].Base != 1 || pr.CapacityProviderStrategy[1].CapacityProvider != "FARGATE_SPOT" ||
		pr.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != "DISABLED" {
		t.Fatalf("decoded appspec differs: %+v", pr)
	}
	if got.Version != "0.0" || len(got.Hooks) != 3 || got.Hooks[0]["BeforeInstall"] != "webapp-before-install" {
		t.Fatalf("decoded version/hooks differ: %q %v", got.Version, got.Hooks)
	}
	c := b.AppSpecContent()
	if c.Content != string(b.Files()[FileAppSpec]) || c.Sha256 != sha256Hex(b.Files()[FileAppSpec]) || len(c.Sha256) != 64 {
		t.Fatalf("AppSpecContent does not carry the appspec and its sha256: %+v", c)
	}
}
