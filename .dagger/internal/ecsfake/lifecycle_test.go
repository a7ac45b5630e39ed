package ecsfake_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/ecsfake"
)

func TestFailingLambdaHookRollsBack(t *testing.T) {
	e := newEnv(t)
	smoke := "arn:aws:lambda:us-east-1:123456789012:function:smoke"
	cfg := blueGreen(5)
	cfg.LifecycleHooks = []types.DeploymentLifecycleHook{{HookTargetArn: aws.String(smoke), RoleArn: aws.String("arn:aws:iam::123456789012:role/hooks"),
		LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostTestTrafficShift}}}
	e.CreateService(t, cfg)
	e.Server.FailHook(smoke, true)
	arn := e.Deploy(t)
	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	assertInOrder(t, lines, []string{"TEST_TRAFFIC_SHIFT", "ROLLBACK_IN_PROGRESS POST_TEST_TRAFFIC_SHIFT prod=0% test=0% tasks=2/2 hook=AWS_LAMBDA:FAILED"})
	assertRolledBack(t, e, final, smoke)

	// The function fixed, the next deployment passes the hook.
	e.Server.FailHook(smoke, false)
	next := e.DeployTaskDefinition(t, e.Register(t, "v3"))
	lines, final = e.follow(t, next, 15*time.Second, time.Hour, nil)
	assertInOrder(t, lines, []string{"POST_TEST_TRAFFIC_SHIFT prod=0% test=100% tasks=2/2 hook=AWS_LAMBDA:SUCCEEDED", "SUCCESSFUL"})
	if final.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("after fixing the hook: %s", line(final))
	}
}

func TestNewDeploymentSupersedesRunningOne(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(5))
	first := e.Deploy(t)
	e.follow(t, first, 15*time.Second, time.Hour, func(d types.ServiceDeployment) bool {
		return d.LifecycleStage == types.ServiceDeploymentLifecycleStageBakeTime
	})
	second := e.DeployTaskDefinition(t, e.Register(t, "v3"))
	d := e.Deployment(t, first)
	if d.Status != types.ServiceDeploymentStatusStopped || !strings.Contains(aws.ToString(d.StatusReason), "superseded") {
		t.Fatalf("the running deployment after a new UpdateService: %s (%s)", line(d), aws.ToString(d.StatusReason))
	}
	// The new one starts from the serving revision (blue), so it goes to green.
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Blue] != 999 {
		t.Fatalf("production after the supersede = %v, want back on blue", w)
	}
	_, final := e.follow(t, second, 15*time.Second, time.Hour, nil)
	if final.Status != types.ServiceDeploymentStatusSuccessful || aws.ToString(final.SourceServiceRevisions[0].Arn) != aws.ToString(d.SourceServiceRevisions[0].Arn) {
		t.Fatalf("second = %s from %v; want SUCCESSFUL from the first's source", line(final), final.SourceServiceRevisions)
	}
	if w := ecsfake.RuleWeights(t, e.Server.URL, e.Listeners.ProductionRule); w[e.Listeners.Green] != 999 {
		t.Fatalf("production after the second deployment = %v, want green", w)
	}
	e.NoFailures(t)
}

func TestStopWithAbort(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(5))
	arn := e.Deploy(t)
	if _, err := e.ECS.StopServiceDeployment(context.Background(), &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), StopType: types.StopServiceDeploymentStopTypeAbort}); err != nil {
		t.Fatal(err)
	}
	lines, final := e.follow(t, arn, 15*time.Second, time.Hour, nil)
	assertInOrder(t, lines, []string{"STOP_REQUESTED", "STOPPED"})
	if final.Rollback != nil || final.StoppedAt == nil {
		t.Fatalf("aborted deployment: rollback %+v, stoppedAt %v", final.Rollback, final.StoppedAt)
	}
}

func TestServiceRevisionsAndListing(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(5))
	first := aws.ToString(e.DescribeService(t).CurrentServiceDeployment)
	arn := e.Deploy(t)
	_, d := e.follow(t, arn, 15*time.Second, time.Hour, func(d types.ServiceDeployment) bool { return d.TargetServiceRevision.RunningTaskCount == 2 })
	revs := e.DescribeService(t).CurrentServiceRevisions
	if len(revs) != 2 || aws.ToString(revs[1].Arn) != aws.ToString(d.TargetServiceRevision.Arn) || revs[0].RunningTaskCount != 2 || revs[1].RunningTaskCount != 2 {
		t.Fatalf("currentServiceRevisions mid-deployment = %+v", revs)
	}
	e.follow(t, arn, 15*time.Second, time.Hour, nil)
	revs = e.DescribeService(t).CurrentServiceRevisions
	if len(revs) != 1 || aws.ToString(revs[0].Arn) != aws.ToString(d.TargetServiceRevision.Arn) {
		t.Fatalf("currentServiceRevisions after success = %+v", revs)
	}

	ctx := context.Background()
	e.Clock.Advance(time.Minute)
	running := e.DeployTaskDefinition(t, e.Register(t, "v3"))
	page1, err := e.ECS.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusSuccessful}, MaxResults: aws.Int32(1)})
	// Creation order (ECS documents none; see the package doc).
	if err != nil || len(page1.ServiceDeployments) != 1 || aws.ToString(page1.ServiceDeployments[0].ServiceDeploymentArn) != first || page1.NextToken == nil {
		t.Fatalf("first page of SUCCESSFUL: %+v, %v", page1, err)
	}
	page2, err := e.ECS.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusSuccessful}, MaxResults: aws.Int32(1), NextToken: page1.NextToken})
	if err != nil || len(page2.ServiceDeployments) != 1 || aws.ToString(page2.ServiceDeployments[0].ServiceDeploymentArn) != arn || page2.NextToken != nil {
		t.Fatalf("second page of SUCCESSFUL: %+v, %v", page2, err)
	}
	pending, err := e.ECS.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusPending, types.ServiceDeploymentStatusInProgress}})
	if err != nil || len(pending.ServiceDeployments) != 1 || aws.ToString(pending.ServiceDeployments[0].ServiceDeploymentArn) != running ||
		aws.ToString(pending.ServiceDeployments[0].TargetServiceRevisionArn) == "" {
		t.Fatalf("active deployments: %+v, %v", pending, err)
	}
}
