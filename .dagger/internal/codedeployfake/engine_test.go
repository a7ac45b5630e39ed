package codedeployfake_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/internal/codedeployfake"
	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/internal/moto"
	"dagger/ecs-bluegreen/rehearsal"
)

func TestMain(m *testing.M) { moto.Main(m) }

// world is a seeded codedeploy-mode account behind the stand-in's router,
// with the CodeDeploy engine on a manual clock.
type world struct {
	cfg   aws.Config
	cd    *codedeploy.Client
	clock *ecsfake.ManualClock
	eng   *codedeployfake.Server
	seed  rehearsal.Seeded
	v2    string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	m := moto.Shared(t)
	m.Reset(t)
	clock := ecsfake.NewManualClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	eng, err := codedeployfake.NewServer(codedeployfake.Options{Upstream: m.URL, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ecsEng := ecsfake.New(t, ecsfake.Options{Upstream: m.URL, Clock: clock})
	srv := httptest.NewServer(rehearsal.NewRouter(eng, ecsEng))
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, "")}
	seed, err := rehearsal.Seed(context.Background(), cfg, m.URL, rehearsal.SeedCodeDeploy, "webapp")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{cfg: cfg, cd: codedeploy.NewFromConfig(cfg), clock: clock, eng: eng, seed: seed}
	td, err := ecs.NewFromConfig(cfg).DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(seed.Outputs["TaskDefinitionArn"])})
	if err != nil {
		t.Fatal(err)
	}
	in := &ecs.RegisterTaskDefinitionInput{Family: td.TaskDefinition.Family, ContainerDefinitions: td.TaskDefinition.ContainerDefinitions,
		NetworkMode: td.TaskDefinition.NetworkMode, RequiresCompatibilities: td.TaskDefinition.RequiresCompatibilities, Cpu: td.TaskDefinition.Cpu, Memory: td.TaskDefinition.Memory}
	in.ContainerDefinitions[0].Image = aws.String("registry.example/webapp:v2")
	out, err := ecs.NewFromConfig(cfg).RegisterTaskDefinition(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	w.v2 = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	return w
}

func (w *world) create(t *testing.T, taskDef string) string {
	t.Helper()
	content := "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: \"" + taskDef + "\"\n        LoadBalancerInfo:\n          ContainerName: webapp\n          ContainerPort: 3000\n"
	out, err := w.cd.CreateDeployment(context.Background(), &codedeploy.CreateDeploymentInput{
		ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp-dg"), Description: aws.String("release v2"),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent, AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(content)}},
	})
	if err != nil {
		t.Fatalf("CreateDeployment: %v", err)
	}
	return aws.ToString(out.DeploymentId)
}

func (w *world) get(t *testing.T, id string) cdtypes.DeploymentInfo {
	t.Helper()
	out, err := w.cd.GetDeployment(context.Background(), &codedeploy.GetDeploymentInput{DeploymentId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetDeployment: %v", err)
	}
	return *out.DeploymentInfo
}

func (w *world) target(t *testing.T, id string) cdtypes.ECSTarget {
	t.Helper()
	ids, err := w.cd.ListDeploymentTargets(context.Background(), &codedeploy.ListDeploymentTargetsInput{DeploymentId: aws.String(id)})
	if err != nil || len(ids.TargetIds) != 1 {
		t.Fatalf("ListDeploymentTargets: %v %v", ids, err)
	}
	out, err := w.cd.BatchGetDeploymentTargets(context.Background(), &codedeploy.BatchGetDeploymentTargetsInput{DeploymentId: aws.String(id), TargetIds: ids.TargetIds})
	if err != nil {
		t.Fatalf("BatchGetDeploymentTargets: %v", err)
	}
	return *out.DeploymentTargets[0].EcsTarget
}

// prodWeights reads the production listener's weights by target group name.
func (w *world) prodWeights(t *testing.T) map[string]int32 {
	t.Helper()
	api := elb.NewFromConfig(w.cfg)
	ctx := context.Background()
	lbs, err := api.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"webapp-alb"}})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int32{}
	for _, l := range ls.Listeners {
		if aws.ToInt32(l.Port) != 80 {
			continue
		}
		a := l.DefaultActions[0]
		if a.ForwardConfig == nil {
			out[name(aws.ToString(a.TargetGroupArn))] = 100
			continue
		}
		for _, tg := range a.ForwardConfig.TargetGroups {
			out[name(aws.ToString(tg.TargetGroupArn))] = aws.ToInt32(tg.Weight)
		}
	}
	return out
}

func name(arn string) string { return strings.Split(arn, "/")[1] }

func events(tg cdtypes.ECSTarget) string {
	var s []string
	for _, e := range tg.LifecycleEvents {
		s = append(s, aws.ToString(e.LifecycleEventName)+"="+string(e.Status))
	}
	return strings.Join(s, " ")
}

func TestCanaryDeploymentRunsItsLifecycleAndMovesTheListener(t *testing.T) {
	w := newWorld(t)
	id := w.create(t, w.v2)
	d := w.get(t, id)
	if d.Status != cdtypes.DeploymentStatusInProgress || d.CreateTime == nil || !d.CreateTime.Equal(w.clock.Now()) || d.Creator != "user" {
		t.Fatalf("new deployment = %s created %v by %s, want InProgress at %v by user", d.Status, d.CreateTime, d.Creator, w.clock.Now())
	}
	if got := events(w.target(t, id)); !strings.HasPrefix(got, "BeforeInstall=InProgress Install=Pending") {
		t.Fatalf("events = %s", got)
	}
	// BeforeInstall 10s, Install 1m, AfterInstall, AllowTestTraffic,
	// AfterAllowTestTraffic, BeforeAllowTraffic: 50s more; then the canary.
	w.clock.Advance(2*time.Minute + 5*time.Second)
	tg := w.target(t, id)
	if got := events(tg); !strings.Contains(got, "BeforeAllowTraffic=Succeeded AllowTraffic=InProgress AfterAllowTraffic=Pending") {
		t.Fatalf("2m05s in, events = %s", got)
	}
	if wt := w.prodWeights(t); wt["webapp-green"] != 10 || wt["webapp-blue"] != 90 {
		t.Fatalf("during the canary production weights = %v, want green 10 blue 90", wt)
	}
	if green := tg.TaskSetsInfo[1]; green.TaskSetLabel != "Green" || green.TrafficWeight != 10 || aws.ToString(green.TargetGroup.Name) != "webapp-green" {
		t.Fatalf("green task set = %+v, want traffic weight 10 on webapp-green", green)
	}
	one, err := w.cd.GetDeploymentTarget(context.Background(), &codedeploy.GetDeploymentTargetInput{DeploymentId: aws.String(id), TargetId: aws.String("webapp:webapp")})
	if err != nil || one.DeploymentTarget.EcsTarget.Status != cdtypes.TargetStatusInProgress || events(*one.DeploymentTarget.EcsTarget) != events(tg) {
		t.Fatalf("GetDeploymentTarget = %+v, %v; want the target BatchGetDeploymentTargets reports", one, err)
	}
	w.clock.Advance(10 * time.Minute) // the canary interval ends
	if wt := w.prodWeights(t); wt["webapp-green"] != 100 || wt["webapp-blue"] != 0 {
		t.Fatalf("after the canary production weights = %v, want all on green (%v)", wt, w.eng.Failures())
	}
	if d := w.get(t, id); d.Status != cdtypes.DeploymentStatusBaking || d.InstanceTerminationWaitTimeStarted {
		t.Fatalf("during the termination wait status = %s, flag = %v; want Baking without instanceTerminationWaitTimeStarted", d.Status, d.InstanceTerminationWaitTimeStarted)
	}
	w.clock.Advance(5 * time.Minute)
	d = w.get(t, id)
	if d.Status != cdtypes.DeploymentStatusSucceeded || d.CompleteTime == nil {
		t.Fatalf("after the termination wait status = %s, complete %v", d.Status, d.CompleteTime)
	}
	svc, err := ecs.NewFromConfig(w.cfg).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String("webapp"), Services: []string{"webapp"}})
	if err != nil || aws.ToString(svc.Services[0].TaskDefinition) != w.v2 {
		t.Fatalf("the service runs %v (%v), want %s", aws.ToString(svc.Services[0].TaskDefinition), err, w.v2)
	}
	if f := w.eng.Failures(); len(f) > 0 {
		t.Fatalf("the engine's own calls failed: %v", f)
	}

	// The next deployment shifts from green back to blue.
	id2 := w.create(t, w.seed.Outputs["TaskDefinitionArn"])
	w.clock.Advance(2*time.Minute + 5*time.Second)
	if wt := w.prodWeights(t); wt["webapp-blue"] != 10 || wt["webapp-green"] != 90 {
		t.Fatalf("second deployment's canary: weights = %v, want blue 10 green 90", wt)
	}
	g, err := w.cd.GetDeploymentGroup(context.Background(), &codedeploy.GetDeploymentGroupInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp-dg")})
	if err != nil || aws.ToString(g.DeploymentGroupInfo.LastAttemptedDeployment.DeploymentId) != id2 || aws.ToString(g.DeploymentGroupInfo.LastSuccessfulDeployment.DeploymentId) != id {
		t.Fatalf("group = %+v (%v), want last attempted %s, last successful %s", g, err, id2, id)
	}
}

func TestStopWithRollbackStartsARollbackDeployment(t *testing.T) {
	w := newWorld(t)
	id := w.create(t, w.v2)
	w.clock.Advance(2*time.Minute + 5*time.Second)
	_, err := w.cd.CreateDeployment(context.Background(), &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp-dg"),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent, AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String("TaskDefinition: " + w.v2)}}})
	var busy *cdtypes.DeploymentLimitExceededException
	if !errors.As(err, &busy) {
		t.Fatalf("a second deployment while one runs: %v, want DeploymentLimitExceededException", err)
	}
	if _, err := w.cd.StopDeployment(context.Background(), &codedeploy.StopDeploymentInput{DeploymentId: aws.String(id), AutoRollbackEnabled: aws.Bool(true)}); err != nil {
		t.Fatalf("StopDeployment: %v", err)
	}
	d := w.get(t, id)
	if d.Status != cdtypes.DeploymentStatusStopped || d.RollbackInfo == nil || aws.ToString(d.RollbackInfo.RollbackDeploymentId) == "" {
		t.Fatalf("stopped deployment = %s, rollback %+v", d.Status, d.RollbackInfo)
	}
	rb := aws.ToString(d.RollbackInfo.RollbackDeploymentId)
	if wt := w.prodWeights(t); wt["webapp-blue"] != 100 {
		t.Fatalf("after the stop production weights = %v, want all back on blue", wt)
	}
	w.clock.Advance(2 * time.Minute)
	r := w.get(t, rb)
	if r.Status != cdtypes.DeploymentStatusSucceeded || r.Creator != "codeDeployRollback" || aws.ToString(r.RollbackInfo.RollbackTriggeringDeploymentId) != id {
		t.Fatalf("rollback deployment = %s by %s, info %+v", r.Status, r.Creator, r.RollbackInfo)
	}
	_, err = w.cd.StopDeployment(context.Background(), &codedeploy.StopDeploymentInput{DeploymentId: aws.String(rb)})
	var done *cdtypes.DeploymentAlreadyCompletedException
	if !errors.As(err, &done) {
		t.Fatalf("stopping a finished deployment: %v, want DeploymentAlreadyCompletedException", err)
	}
	list, err := w.cd.ListDeployments(context.Background(), &codedeploy.ListDeploymentsInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp-dg"),
		IncludeOnlyStatuses: []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusSucceeded}})
	if err != nil || len(list.Deployments) != 1 || list.Deployments[0] != rb {
		t.Fatalf("succeeded deployments = %v (%v), want [%s]", list, err, rb)
	}
	_, err = w.cd.GetDeployment(context.Background(), &codedeploy.GetDeploymentInput{DeploymentId: aws.String("d-NOPE00000")})
	var missing *cdtypes.DeploymentDoesNotExistException
	if !errors.As(err, &missing) {
		t.Fatalf("an unknown deployment: %v, want DeploymentDoesNotExistException", err)
	}
}
