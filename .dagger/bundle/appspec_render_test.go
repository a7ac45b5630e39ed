package bundle

import (
	"strings"
	"testing"
)

func TestRenderAppSpecForARevision(t *testing.T) {
	arn := "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:7"
	out, err := RenderAppSpec(Input{
		Mode: ModeDirect, ContainerName: "webapp", ContainerPort: 3000, TaskDefinitionArn: arn,
		Network: &Network{Subnets: []string{"subnet-0123456789abcdef0"}, SecurityGroups: []string{"sg-0123456789abcdef0"}, AssignPublicIp: AssignPublicIPDisabled},
	})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := DecodeAppSpec(out)
	if err != nil {
		t.Fatal(err)
	}
	if p := spec.Target(); p == nil || p.TaskDefinition != arn || p.LoadBalancerInfo.ContainerPort != 3000 {
		t.Fatalf("appspec = %s", out)
	}
}

func TestRenderAppSpecReportsEveryProblem(t *testing.T) {
	_, err := RenderAppSpec(Input{
		Mode: ModeDirect, ContainerName: "web app", ContainerPort: 0, TaskDefinitionArn: "webapp:7",
		Hooks: map[string]string{"AfterTraffic": "fn"},
	})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"TaskDefinition", "ContainerName", "ContainerPort", "AfterTraffic"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s: %v", want, err)
		}
	}
}
