package deploy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// revisionStatus is the status (ACTIVE, INACTIVE) of a task definition.
func (e *motoEnv) revisionStatus(t *testing.T, arn string) ecstypes.TaskDefinitionStatus {
	t.Helper()
	out, err := e.ecs.DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	return out.TaskDefinition.Status
}

// A pipeline run takes the group between the busy check and
// CreateDeployment: the revision registered for the release never runs, so
// it is deregistered and the error says so.
func TestRefusedDeploymentDeregistersItsRevision(t *testing.T) {
	e := newMoto(t)
	arn, err := Register(context.Background(), e.ecs, taskDef("webapp", "registry.example/webapp@sha256:"+strings.Repeat("2", 64)))
	if err != nil {
		t.Fatal(err)
	}
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	s.awaitCreate = true
	s.history = []pastDeployment{{ID: "d-PIPELINE1", Status: "InProgress", Creator: "user", Created: -time.Minute}}
	id, err := StartRegistered(context.Background(), s.client(1), e.ecs, Request{Application: s.app, DeploymentGroup: s.group, AppSpecContent: appSpecFor(arn)}, arn)
	t.Logf("id %q, error: %v", id, err)
	if err == nil {
		t.Fatalf("CreateDeployment into a busy group succeeded: %s", id)
	}
	for _, want := range []string{"d-PIPELINE1", "deregistered", arn} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if st := e.revisionStatus(t, arn); st != ecstypes.TaskDefinitionStatusInactive {
		t.Fatalf("revision %s is %s after the refused deployment; want INACTIVE", arn, st)
	}
}

// When whether our deployment exists cannot be read, the revision may be in
// use: it stays registered and the error says so.
func TestRefusedDeploymentKeepsItsRevisionWhenUnsure(t *testing.T) {
	e := newMoto(t)
	arn, err := Register(context.Background(), e.ecs, taskDef("webapp", "registry.example/webapp@sha256:"+strings.Repeat("3", 64)))
	if err != nil {
		t.Fatal(err)
	}
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	s.awaitCreate = true
	s.history = []pastDeployment{{ID: "d-PIPELINE1", Status: "InProgress", Created: -time.Minute}}
	s.throttled = []burst{{From: 0, To: time.Hour, Ops: []string{"ListDeployments"}}}
	_, err = StartRegistered(context.Background(), s.client(1), e.ecs, Request{Application: s.app, DeploymentGroup: s.group, AppSpecContent: appSpecFor(arn)}, arn)
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "stays registered") {
		t.Fatalf("err = %v, want a failure that says the revision stays registered", err)
	}
	if st := e.revisionStatus(t, arn); st != ecstypes.TaskDefinitionStatusActive {
		t.Fatalf("revision %s is %s; want it left ACTIVE while unsure", arn, st)
	}
}
