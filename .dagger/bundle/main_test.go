package bundle

import (
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

const (
	testDigest   = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	testImage    = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:v1.2.3@" + testDigest
	testARN      = "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:8"
	testRevision = "0123456789abcdef0123456789abcdef01234567"
)

// describedTaskDef reads the fixture, a describe-task-definition output as the
// AWS CLI prints it.
func describedTaskDef(t testing.TB) (*ecstypes.TaskDefinition, []ecstypes.Tag) {
	t.Helper()
	data, err := os.ReadFile("testdata/describe-task-definition.json")
	if err != nil {
		t.Fatal(err)
	}
	td, tags, err := TaskDefinitionFromDescribe(data)
	if err != nil {
		t.Fatalf("TaskDefinitionFromDescribe: %v", err)
	}
	return td, tags
}

// validInput is a complete, valid input for mode; tests break one thing at a time.
func validInput(t testing.TB, mode Mode) Input {
	td, tags := describedTaskDef(t)
	in := Input{
		Mode:           mode,
		TaskDefinition: td,
		Tags:           tags,
		ImageURI:       testImage,
		ContainerName:  "webapp",
		ContainerPort:  3000,
		Network:        NetworkFromOutputs("subnet-0123456789abcdef0, subnet-0123456789abcdef1", "sg-0123456789abcdef0"),
		Hooks:          map[string]string{"AfterAllowTestTraffic": "webapp-smoke-test"},
		GitRevision:    testRevision,
		Timestamp:      time.Date(2026, 11, 22, 1, 2, 3, 0, time.FixedZone("CET", 3600)),
	}
	if mode == ModeDirect {
		in.TaskDefinitionArn = testARN
		in.PlatformVersion = "1.4.0"
		in.CapacityProviderStrategy = []ecstypes.CapacityProviderStrategyItem{
			{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
			{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
		}
		in.Hooks = map[string]string{
			"BeforeInstall":         "webapp-before-install",
			"AfterAllowTestTraffic": "arn:aws:lambda:us-east-1:123456789012:function:webapp-smoke-test:live",
			"AfterAllowTraffic":     "webapp-after-allow",
		}
	}
	return in
}

// mustRender renders in or fails the test.
func mustRender(t testing.TB, in Input) *Bundle {
	t.Helper()
	b, err := Render(in)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b
}
