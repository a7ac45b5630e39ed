package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var target = Target{Application: "webapp", DeploymentGroup: "webapp-dg", Cluster: "webapp-cluster", Service: "webapp"}

// service registers revisions 1..n of family webapp, deregisters the listed
// ones, and runs the service (CODE_DEPLOY controller) on revision current.
func (e *motoEnv) service(t *testing.T, n, current int, deregister ...int) []string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(target.Cluster)}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	var arns []string
	for i := 1; i <= n; i++ {
		arn, err := Register(ctx, e.ecs, taskDef("webapp", "registry.example/webapp@sha256:"+strings.Repeat("0", 63)+string(rune('0'+i))))
		if err != nil {
			t.Fatalf("Register: %v", err)
		}
		arns = append(arns, arn)
	}
	// Another family sharing the prefix must never be picked.
	if _, err := Register(ctx, e.ecs, taskDef("webapp-worker", "registry.example/worker:1")); err != nil {
		t.Fatalf("Register: %v", err)
	}
	for _, r := range deregister {
		if _, err := e.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arns[r-1])}); err != nil {
			t.Fatalf("DeregisterTaskDefinition: %v", err)
		}
	}
	_, err := e.ecs.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster:              aws.String(target.Cluster),
		ServiceName:          aws.String(target.Service),
		TaskDefinition:       aws.String(arns[current-1]),
		DesiredCount:         aws.Int32(2),
		LaunchType:           ecstypes.LaunchTypeFargate,
		DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeCodeDeploy},
	})
	if err != nil {
		t.Fatalf("CreateService: %v", err)
	}
	return arns
}

func TestRollbackRedeploysTheServedReleaseMarkedAsRollback(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3, 2) // revision 2 is INACTIVE and never served
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = arns[2]
	s.history = []pastDeployment{{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[0], Created: -time.Hour}}
	var rendered []string
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, "", func(arn, served string) (string, error) {
		rendered = append(rendered, arn)
		if served != appSpecFor(arns[0]) {
			t.Errorf("served AppSpec = %q, want the one deployment d-FIRST0001 ran", served)
		}
		return appSpecFor(arn), nil
	})
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if res.Action != ActionRedeployed || res.From != arns[2] || res.To != arns[0] || res.DeploymentID == "" || res.Served != "d-FIRST0001" {
		t.Fatalf("result = %+v, want redeploy from %s to %s", res, arns[2], arns[0])
	}
	if len(rendered) != 1 || rendered[0] != arns[0] {
		t.Fatalf("rendered AppSpecs for %v, want only %s", rendered, arns[0])
	}
	d := s.onlyCreated(t, arns[0])
	if r := (Report{Description: d}); !r.IsRollback() || !strings.Contains(d, "webapp:3 → webapp:1, as deployment d-FIRST0001 served it") {
		t.Errorf("description = %q, want a rollback marker and what it does", d)
	}
	if !strings.Contains(res.String(), "redeploying "+arns[0]) {
		t.Errorf("String() = %q", res.String())
	}
}

func TestRollbackNamesMissingService(t *testing.T) {
	e := newMoto(t)
	e.codeDeployGroup(t, target.Application, target.DeploymentGroup, target.Cluster, target.Service)
	if _, err := e.ecs.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String(target.Cluster)}); err != nil {
		t.Fatal(err)
	}
	_, err := Rollback(context.Background(), e.cd, e.ecs, target, "", func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), `service "webapp" in cluster "webapp-cluster"`) {
		t.Fatalf("err = %v", err)
	}
}

// The emulator keeps deployments Created, so Rollback finds this one in
// flight; deciding whether it may be stopped needs GetDeployment, which the
// emulator's answers cannot serve, so the read error must come back unchanged
// and nothing may be stopped.
func TestRollbackFindsDeploymentInFlightInEmulator(t *testing.T) {
	e := newMoto(t)
	e.codeDeployGroup(t, target.Application, target.DeploymentGroup, target.Cluster, target.Service)
	id, err := Start(context.Background(), e.cd, Request{Application: target.Application, DeploymentGroup: target.DeploymentGroup, AppSpecContent: appSpecFor("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:2")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Rollback(context.Background(), e.cd, e.ecs, target, "", func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "reading deployment "+id) {
		t.Fatalf("err = %v", err)
	}
	if info := e.rawDeployment(t, id); info["status"] != "Created" {
		t.Fatalf("status = %v, want the deployment left alone", info["status"])
	}
}

func TestRollbackNeverStopsARollback(t *testing.T) {
	for _, id := range []string{"", "d-SCRIPTED1"} {
		s := newScripted(t, newFakeClock(), phase{Status: "InProgress", RollbackOf: "d-FAILED001"})
		_, err := Rollback(context.Background(), s.client(1), nil, target, id, func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
		if err == nil || !strings.Contains(err.Error(), "a rollback of deployment d-FAILED001") || len(s.stopCalls()) != 0 {
			t.Fatalf("id %q: err = %v, stops = %+v", id, err, s.stopCalls())
		}
	}
}

func TestRollbackStopsDeploymentInFlight(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress", TaskSets: true, Green: 10})
	res, err := Rollback(context.Background(), s.client(1), nil, target, "", func(string, string) (string, error) {
		t.Fatal("render called while a deployment was in flight")
		return "", nil
	})
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	stops := s.stopCalls()
	if len(stops) != 1 || stops[0].ID != s.id || stops[0].AutoRollback == nil || !*stops[0].AutoRollback {
		t.Fatalf("stop calls = %+v", stops)
	}
	if res.Action != ActionStopped || len(res.Stopped) != 1 || res.Stopped[0].Status != "Pending" {
		t.Fatalf("result = %+v", res)
	}
	if got := res.String(); got != "stopped with rollback: d-SCRIPTED1 (Pending — Stop request received)" {
		t.Errorf("String() = %q", got)
	}
}

func TestRollbackGivenActiveIDStopsIt(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "Ready", TargetStatus: "Ready"})
	res, err := Rollback(context.Background(), s.client(1), nil, target, s.id, func(string, string) (string, error) { return "", errors.New("unused") })
	if err != nil || res.Action != ActionStopped {
		t.Fatalf("Rollback = %+v, %v", res, err)
	}
	s.mu.Lock()
	listed := s.calls["ListDeployments"]
	s.mu.Unlock()
	if listed != 0 || len(s.stopCalls()) != 1 {
		t.Fatalf("ListDeployments calls = %d, stops = %+v; want only the given deployment stopped", listed, s.stopCalls())
	}
}

// A finished deployment given by id is rolled back by redeploying the
// previous revision: CodeDeploy is scripted, ECS is the emulator.
func TestRollbackGivenFinishedIDRedeploys(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 2, 2)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded", TaskSets: true, Green: 100})
	s.revisionARN = arns[1]
	s.history = []pastDeployment{{ID: "d-FIRST0001", Status: "Succeeded", TaskDef: arns[0], Created: -time.Hour}}
	res, err := Rollback(context.Background(), s.client(1), e.ecs, target, s.id, func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if res.Action != ActionRedeployed || res.To != arns[0] || res.DeploymentID != "d-CREATED01" {
		t.Fatalf("result = %+v", res)
	}
	s.onlyCreated(t, arns[0])
	if len(s.stopCalls()) != 0 {
		t.Fatalf("stopped a finished deployment: %+v", s.stops)
	}
}

func TestRollbackGivenIDOfAnotherGroupIsRefused(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	other := target
	other.DeploymentGroup = "other-dg"
	_, err := Rollback(context.Background(), s.client(1), nil, other, s.id, func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	if err == nil || !strings.Contains(err.Error(), `belongs to application "webapp", deployment group "webapp-dg"`) || len(s.stopCalls()) != 0 {
		t.Fatalf("err = %v, stops = %+v", err, s.stopCalls())
	}
}

func TestRollbackValidatesTarget(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	render := func(arn, _ string) (string, error) { return appSpecFor(arn), nil }
	cases := []struct {
		name   string
		tgt    Target
		render RenderAppSpec
		want   string
	}{
		{"no application", Target{DeploymentGroup: "g", Cluster: "c", Service: "s"}, render, "application name is empty"},
		{"no group", Target{Application: "a", Cluster: "c", Service: "s"}, render, "deployment group name is empty"},
		{"no cluster", Target{Application: "a", DeploymentGroup: "g", Service: "s"}, render, "cluster is empty"},
		{"no service", Target{Application: "a", DeploymentGroup: "g", Cluster: "c"}, render, "service is empty"},
		{"no renderer", target, nil, "AppSpec renderer is nil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Rollback(context.Background(), s.client(1), nil, c.tgt, "", c.render); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.calls) != 0 {
		t.Fatalf("calls made despite bad input: %v", s.calls)
	}
}

func TestParseTaskDefinitionARN(t *testing.T) {
	good := map[string]struct {
		family string
		rev    int
	}{
		"arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:12":       {"webapp", 12},
		"arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web-app_2:1": {"web-app_2", 1},
	}
	for arn, want := range good {
		f, r, err := parseTaskDefinitionARN(arn)
		if err != nil || f != want.family || r != want.rev {
			t.Errorf("parse(%q) = %q, %d, %v", arn, f, r, err)
		}
	}
	for _, bad := range []string{"webapp:3", "arn:aws:ecs:us-east-1:1:task-definition/webapp", "arn:aws:ecs:us-east-1:1:task-definition/webapp:x", "arn:aws:ecs:us-east-1:1:task-definition/webapp:0"} {
		if _, _, err := parseTaskDefinitionARN(bad); err == nil {
			t.Errorf("parse(%q) accepted", bad)
		}
	}
}

func TestRollbackGivenIDReplacedByLaterReleaseIsRefused(t *testing.T) {
	e := newMoto(t)
	arns := e.service(t, 3, 3)
	s := newScripted(t, newFakeClock(), phase{Status: "Succeeded"})
	s.revisionARN = arns[1] // that deployment shipped revision 2; the service runs 3
	_, err := Rollback(context.Background(), s.client(1), e.ecs, target, s.id, func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "deployed "+arns[1]+` but service "webapp" now runs `+arns[2]) {
		t.Fatalf("err = %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.created) != 0 || len(s.stops) != 0 {
		t.Fatalf("created %d deployments, stopped %+v", len(s.created), s.stops)
	}
}

func TestRollbackGivenFailedIDIsRefused(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "Failed", RollbackID: "d-ROLLBACK9"})
	_, err := Rollback(context.Background(), s.client(1), nil, target, s.id, func(arn, _ string) (string, error) { return appSpecFor(arn), nil })
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "already ended Failed (CodeDeploy rolled it back with deployment d-ROLLBACK9)") {
		t.Fatalf("err = %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.created) != 0 || len(s.stops) != 0 {
		t.Fatalf("created %d deployments, stopped %+v", len(s.created), s.stops)
	}
}
