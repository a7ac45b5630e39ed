package bundle

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestMinimalInput renders with only the required inputs: the appspec then
// has no optional sections, and release.json no optional members.
func TestMinimalInput(t *testing.T) {
	td, _ := describedTaskDef(t)
	b := mustRender(t, Input{Mode: ModePipeline, TaskDefinition: td, ImageURI: testImage, ContainerName: "webapp", ContainerPort: 3000})
	files := b.Files()
	want := "version: 0.0\nResources:\n  - TargetService:\n      Type: \"AWS::ECS::Service\"\n      Properties:\n" +
		"        TaskDefinition: <TASK_DEFINITION>\n        LoadBalancerInfo:\n          ContainerName: \"webapp\"\n          ContainerPort: 3000\n"
	if got := string(files[FileAppSpec]); got != want {
		t.Fatalf("appspec.yaml:\n%s\nwant:\n%s", got, want)
	}
	for _, absent := range []string{"timestamp", "gitRevision", "taskDefinitionArn", `"tags"`} {
		if strings.Contains(string(files[FileRelease]), absent) || strings.Contains(string(files[FileTaskDef]), absent) {
			t.Errorf("%s present without input", absent)
		}
	}
	if b.Release.Tag != "v1.2.3" || b.Release.Digest != testDigest || b.Release.Repository != "webapp" {
		t.Errorf("release = %+v", b.Release)
	}
}

// TestTimestampIsUTC checks the caller's time is written in UTC, so two
// machines in different zones write the same release.json.
func TestTimestampIsUTC(t *testing.T) {
	in := validInput(t, ModePipeline)
	in.Timestamp = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", -5*3600))
	if got := mustRender(t, in).Release.Timestamp; got != "2026-01-02T08:04:05Z" {
		t.Fatalf("timestamp = %q", got)
	}
}

func TestNetworkFromOutputs(t *testing.T) {
	n := NetworkFromOutputs(" subnet-0123456789abcdef0,,subnet-89abcdef ", "sg-0123456789abcdef0")
	want := &Network{Subnets: []string{"subnet-0123456789abcdef0", "subnet-89abcdef"}, SecurityGroups: []string{"sg-0123456789abcdef0"}, AssignPublicIp: "DISABLED"}
	if !reflect.DeepEqual(n, want) {
		t.Fatalf("got %+v", n)
	}
	if SplitIDs("") != nil {
		t.Fatal("SplitIDs of an empty output is not empty")
	}
}

func TestParseMode(t *testing.T) {
	for _, ok := range []Mode{ModePipeline, ModeDirect} {
		if m, err := ParseMode(string(ok)); err != nil || m != ok {
			t.Errorf("ParseMode(%q) = %q, %v", ok, m, err)
		}
	}
	if _, err := ParseMode("Pipeline"); err == nil || !strings.Contains(err.Error(), `want "pipeline" or "direct"`) {
		t.Errorf("ParseMode(Pipeline): %v", err)
	}
}
