package release

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/internal/ecsfake"
)

// released updates the service to taskDef and follows the service
// deployment to the end; it returns the deployment and how it ended.
func released(t *testing.T, e *ecsfake.Env, taskDef string) (string, error) {
	t.Helper()
	arn := e.DeployTaskDefinition(t, taskDef)
	_, err := deploy.WaitService(context.Background(), e.ECS, arn, deploy.Options{Clock: newSteppedClock(e.Clock), Out: &strings.Builder{}})
	return arn, err
}

// rollback rolls the service back as the rollback function does: the plan
// read afresh, so its current service deployment is the service's.
func rollback(t *testing.T, e *ecsfake.Env, plan *Plan, req RollbackRequest) (RollbackOutcome, error) {
	t.Helper()
	fresh, err := LoadTarget(context.Background(), e.ECS, plan.Target)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if req.Wait.Clock == nil {
		req.Wait = deploy.Options{Clock: newSteppedClock(e.Clock), Out: &out}
	}
	res, err := fresh.RollbackNative(context.Background(), e.ECS, req)
	t.Logf("rollback: %v\n%s%s", err, res, out.String())
	return res, err
}

// assertRunsRelease checks that the service runs a rollback's copy of want,
// marked as one, with want's image.
func assertRunsRelease(t *testing.T, e *ecsfake.Env, res RollbackOutcome, want, undone, image string) {
	t.Helper()
	if res.Action != deploy.ActionRedeployed || res.Served.TaskDefinition != want || res.Undone.Release() != undone {
		t.Fatalf("rollback %s: went from %s to %s, want %s to %s", res.Action, res.Undone.Release(), res.Served.TaskDefinition, undone, want)
	}
	if len(res.Served.Images) != 1 || res.Served.Images[0] != image || res.Served.Revision == "" || res.Served.Deployment == "" {
		t.Errorf("served = %+v, want image %s", res.Served, image)
	}
	svc := e.DescribeService(t)
	if got := aws.ToString(svc.TaskDefinition); got != res.TaskDefinitionArn || got == want {
		t.Fatalf("service runs %s, want the rollback's copy %s", got, res.TaskDefinitionArn)
	}
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusSuccessful {
		t.Errorf("redeployment %s ended %s", res.DeploymentID, d.Status)
	}
	td, err := e.ECS.DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(res.TaskDefinitionArn), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		t.Fatal(err)
	}
	if img := aws.ToString(td.TaskDefinition.ContainerDefinitions[0].Image); img != image {
		t.Errorf("the copy runs %s, want %s", img, image)
	}
	m := deploy.ParseRollbackMark(td.Tags)
	if m == nil || m.Restores != want || m.RollbackOf != undone {
		t.Errorf("the copy's mark = %+v (tags %+v), want a rollback of %s restoring %s", m, td.Tags, undone, want)
	}
	for _, s := range []string{res.Served.Deployment, res.Served.Revision, want, image} {
		if !strings.Contains(res.String(), s) {
			t.Errorf("the outcome does not name %s:\n%s", s, res)
		}
	}
}

// TestRollbackNativeRedeploysTheReleaseBefore: after two successful
// releases a rollback goes back to the first; a second rollback goes back
// to the service's first task definition (not to the release the first
// rollback undid); a third finds nothing left and refuses.
func TestRollbackNativeRedeploysTheReleaseBefore(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	v3 := e.Register(t, "v3")
	for _, td := range []string{e.V2, v3} {
		if _, err := released(t, e, td); err != nil {
			t.Fatalf("release of %s: %v", td, err)
		}
	}
	res, err := rollback(t, e, plan, RollbackRequest{})
	if err != nil {
		t.Fatal(err)
	}
	assertRunsRelease(t, e, res, e.V2, v3, "registry.example/webapp:v2")
	if !res.Waited || res.Result.Report.Phase != deploy.PhaseSucceeded {
		t.Errorf("waited %v, phase %s", res.Waited, res.Result.Report.Phase)
	}

	res, err = rollback(t, e, plan, RollbackRequest{})
	if err != nil {
		t.Fatal(err)
	}
	assertRunsRelease(t, e, res, e.V1, e.V2, "registry.example/webapp:v1")

	running := aws.ToString(e.DescribeService(t).TaskDefinition)
	_, err = rollback(t, e, plan, RollbackRequest{})
	if err == nil || !strings.Contains(err.Error(), "has no earlier release to roll back to") || !strings.Contains(err.Error(), "webapp:1") {
		t.Fatalf("third rollback: %v", err)
	}
	if got := aws.ToString(e.DescribeService(t).TaskDefinition); got != running {
		t.Errorf("a refused rollback moved the service from %s to %s", running, got)
	}
}

// TestRollbackNativeRefusesWithoutAnEarlierRelease: a service that only ever
// ran its first task definition has nothing to go back to.
func TestRollbackNativeRefusesWithoutAnEarlierRelease(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	_, err := rollback(t, e, plan, RollbackRequest{})
	if err == nil || !strings.Contains(err.Error(), "service webapp has no earlier release to roll back to: none of its 0 successful deployments") {
		t.Fatalf("rollback: %v", err)
	}
	if td := aws.ToString(e.DescribeService(t).TaskDefinition); td != e.V1 {
		t.Errorf("service on %s", td)
	}
}

// TestRollbackNativeAfterAnAlarmRollback: when ECS rolled the latest release
// back, that release is undone; rollback does not go one release further on
// its own but names the deployment to pass, and with it undoes that release.
func TestRollbackNativeAfterAnAlarmRollback(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	good, err := released(t, e, e.V2)
	if err != nil {
		t.Fatal(err)
	}
	e.Server.SetAlarm("green-5xx", true)
	bad, err := released(t, e, e.Register(t, "v3"))
	if !errors.Is(err, deploy.ErrFailed) {
		t.Fatalf("release with the alarm on: %v", err)
	}
	e.Server.SetAlarm("green-5xx", false)
	if d := e.Deployment(t, bad); d.Status != ecstypes.ServiceDeploymentStatusRollbackSuccessful {
		t.Fatalf("alarmed release ended %s", d.Status)
	}

	_, err = rollback(t, e, plan, RollbackRequest{})
	if err == nil || !strings.Contains(err.Error(), "ECS already rolled it back") || !strings.Contains(err.Error(), "pass --deployment-id "+good) {
		t.Fatalf("rollback after the alarm: %v", err)
	}
	if td := aws.ToString(e.DescribeService(t).TaskDefinition); td != e.V2 {
		t.Fatalf("a refused rollback moved the service to %s", td)
	}
	_, err = rollback(t, e, plan, RollbackRequest{DeploymentID: bad})
	if err == nil || !strings.Contains(err.Error(), "ended ROLLBACK_SUCCESSFUL") {
		t.Fatalf("rolling back the rolled-back release by name: %v", err)
	}

	res, err := rollback(t, e, plan, RollbackRequest{DeploymentID: good})
	if err != nil {
		t.Fatal(err)
	}
	assertRunsRelease(t, e, res, e.V1, e.V2, "registry.example/webapp:v1")
}

// TestRollbackNativeNeverStopsARollback: a second rollback while the first
// one's redeployment runs is refused and leaves it running, and a timeout
// while following the redeployment does not stop it either.
func TestRollbackNativeNeverStopsARollback(t *testing.T) {
	e, plan := nativeWorld(t, canary())
	if _, err := released(t, e, e.V2); err != nil {
		t.Fatal(err)
	}
	res, err := rollback(t, e, plan, RollbackRequest{NoWait: true})
	if err != nil || res.Waited {
		t.Fatalf("rollback --no-wait: %v (waited %v)", err, res.Waited)
	}
	e.Clock.Advance(3 * time.Minute)
	_, err = rollback(t, e, plan, RollbackRequest{})
	if err == nil || !strings.Contains(err.Error(), "is itself a rollback") {
		t.Fatalf("second rollback: %v", err)
	}
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusInProgress {
		t.Fatalf("the first rollback's redeployment is %s after the second rollback, want IN_PROGRESS", d.Status)
	}

	var out strings.Builder
	_, err = deploy.WaitServiceRedeploy(context.Background(), e.ECS, res.DeploymentID, deploy.Options{Clock: newSteppedClock(e.Clock), Out: &out, Timeout: 2 * time.Minute})
	if !errors.Is(err, deploy.ErrTimedOut) || !strings.Contains(err.Error(), "it is a rollback") {
		t.Fatalf("timeout following the redeployment: %v\n%s", err, out.String())
	}
	if d := e.Deployment(t, res.DeploymentID); d.Status != ecstypes.ServiceDeploymentStatusInProgress {
		t.Fatalf("the redeployment is %s after the timeout, want IN_PROGRESS", d.Status)
	}
	if strings.Contains(out.String(), "StopServiceDeployment") {
		t.Errorf("the waiter stopped the redeployment:\n%s", out.String())
	}
}

// TestRollbackNativePagesThroughHistory: the release to go back to may lie
// beyond the first page of ListServiceDeployments; deployments that only
// redeployed the running task definition are not releases to go back to.
func TestRollbackNativePagesThroughHistory(t *testing.T) {
	e, plan := nativeWorld(t, blueGreen())
	v3 := e.Register(t, "v3")
	if _, err := released(t, e, e.V2); err != nil {
		t.Fatal(err)
	}
	e.DeployTaskDefinition(t, v3)
	for range 22 { // each ends SUCCESSFUL once the clock has moved on
		e.Clock.Advance(time.Hour)
		if _, err := e.ECS.UpdateService(context.Background(), &ecs.UpdateServiceInput{
			Cluster: aws.String(e.Cluster), Service: aws.String(e.Service), ForceNewDeployment: true,
		}); err != nil {
			t.Fatal(err)
		}
	}
	e.Clock.Advance(time.Hour)
	page, err := e.ECS.ListServiceDeployments(context.Background(), &ecs.ListServiceDeploymentsInput{
		Cluster: aws.String(e.Cluster), Service: aws.String(e.Service), Status: []ecstypes.ServiceDeploymentStatus{ecstypes.ServiceDeploymentStatusSuccessful},
	})
	if err != nil || page.NextToken == nil {
		t.Fatalf("the history fits one page (%v): the test would not page", err)
	}
	res, err := rollback(t, e, plan, RollbackRequest{})
	if err != nil {
		t.Fatal(err)
	}
	assertRunsRelease(t, e, res, e.V2, v3, "registry.example/webapp:v2")
}

func blueGreen() *ecstypes.DeploymentConfiguration {
	return &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1)}
}
