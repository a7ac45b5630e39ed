package rehearsal_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/internal/testtool"
	"dagger/ecs-bluegreen/release"
	"dagger/ecs-bluegreen/stackout"
)

// standIn builds cmd/aws-standin, starts it on a free loopback port with
// moto_server, seeded in mode, and returns the AWS config that reaches it.
func standIn(t *testing.T, mode string, scale int) aws.Config {
	t.Helper()
	testtool.Require(t, "moto_server")
	bin := filepath.Join(t.TempDir(), "aws-standin")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/aws-standin").CombinedOutput(); err != nil {
		t.Fatalf("building aws-standin: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--listen", addr, "--seed", mode, "--time-scale", fmt.Sprint(scale))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "ready ") {
				ready <- line
			}
		}
	}()
	select {
	case line := <-ready:
		if !strings.Contains(line, "http://"+addr) {
			t.Fatalf("ready line %q does not name http://%s", line, addr)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("aws-standin did not say ready within 90s")
	}
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr), RetryMaxAttempts: 3,
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

func fastWait(out *strings.Builder) deploy.Options {
	return deploy.Options{Timeout: 60 * time.Minute, PollInterval: 50 * time.Millisecond, ProgressEvery: time.Second, StopGrace: 5 * time.Second, Out: out}
}

func image(plan *release.Plan, n byte) string {
	return fmt.Sprintf("%s:v%d@sha256:%s", plan.Target.RepositoryUri, n, strings.Repeat(string('a'+n), 64))
}

// ship releases img the way `release --deploy` does, and follows it.
func ship(t *testing.T, cfg aws.Config, img string, noWait bool) (release.Outcome, string) {
	t.Helper()
	ctx := context.Background()
	ecsClient := ecs.NewFromConfig(cfg)
	plan, err := release.Load(ctx, cfg, ecsClient, "webapp-service")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var out strings.Builder
	res, err := plan.Ship(ctx, ecsClient, codedeploy.NewFromConfig(cfg), release.DeployRequest{
		Options: release.Options{Mode: bundle.ModeDirect, Now: time.Now().UTC()}, ImageURI: img, NoWait: noWait,
		ReleaseID: deploy.NewReleaseID(time.Now()), Description: "release of " + img, Wait: fastWait(&out),
	})
	if err != nil {
		t.Fatalf("release of %s: %v\n%s", img, err, out.String())
	}
	return res, out.String()
}

// status reports the current deployment the way `status` without an id does.
func status(t *testing.T, cfg aws.Config) string {
	t.Helper()
	ctx := context.Background()
	cd := codedeploy.NewFromConfig(cfg)
	ref, err := release.ResolveStatus(ctx, "", func(ctx context.Context) (*release.Plan, error) {
		return release.Load(ctx, cfg, ecs.NewFromConfig(cfg), "webapp-service")
	}, cd)
	if err != nil {
		t.Fatalf("ResolveStatus: %v", err)
	}
	var r deploy.Report
	if ref.Native {
		r, err = deploy.ServiceStatus(ctx, ecs.NewFromConfig(cfg), ref.ID)
	} else {
		r, err = deploy.Status(ctx, cd, ref.ID)
	}
	if err != nil {
		t.Fatalf("status of %s: %v", ref.ID, err)
	}
	return r.String()
}

func serviceTaskDefinition(t *testing.T, cfg aws.Config) string {
	t.Helper()
	out, err := ecs.NewFromConfig(cfg).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String("webapp"), Services: []string{"webapp"}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices: %v", err)
	}
	return aws.ToString(out.Services[0].TaskDefinition)
}

func imageOf(t *testing.T, cfg aws.Config, taskDef string) string {
	t.Helper()
	out, err := ecs.NewFromConfig(cfg).DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(taskDef)})
	if err != nil {
		t.Fatalf("DescribeTaskDefinition %s: %v", taskDef, err)
	}
	return aws.ToString(out.TaskDefinition.ContainerDefinitions[0].Image)
}

// prodTargetGroup is the target group the production listener sends all
// traffic to, or "" when it splits it.
func prodTargetGroup(t *testing.T, cfg aws.Config) string {
	t.Helper()
	api := elb.NewFromConfig(cfg)
	ctx := context.Background()
	lbs, err := api.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"webapp-alb"}})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := api.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls.Listeners {
		if aws.ToInt32(l.Port) != 80 {
			continue
		}
		a := l.DefaultActions[0]
		if a.ForwardConfig == nil {
			return aws.ToString(a.TargetGroupArn)
		}
		for _, tg := range a.ForwardConfig.TargetGroups {
			if aws.ToInt32(tg.Weight) == 100 {
				return aws.ToString(tg.TargetGroupArn)
			}
		}
	}
	return ""
}

func TestRehearsalCodeDeployReleaseStatusRollback(t *testing.T) {
	cfg := standIn(t, "codedeploy", 600)
	ctx := context.Background()
	plan, err := release.Load(ctx, cfg, ecs.NewFromConfig(cfg), "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	blue := prodTargetGroup(t, cfg)
	v2, v3 := image(plan, 2), image(plan, 3)

	// `release` without --deploy: the pipeline's artifacts, which `validate`
	// accepts. The image is where a registry service inside the engine has it.
	files, err := plan.Artifacts(release.Options{Mode: bundle.ModePipeline, GitRevision: "rehearsal-1", Now: time.Now().UTC()},
		"10.87.0.12:5000/webapp:rehearsal-1@sha256:"+strings.Repeat("1", 64))
	if err != nil {
		t.Fatalf("Artifacts: %v", err)
	}
	for _, name := range []string{"imageDetail.json", "taskdef.json", "appspec.yaml", "release.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("the pipeline artifacts lack %s: %v", name, files)
		}
	}
	if r := bundle.Check(files, bundle.CheckOptions{}); r.Errors() != 0 {
		t.Errorf("validate finds %d errors in the pipeline artifacts: %+v", r.Errors(), r)
	}

	_, progress := ship(t, cfg, v2, false)
	if !strings.Contains(progress, "Succeeded") {
		t.Errorf("the release's progress never reports Succeeded:\n%s", progress)
	}
	if got := imageOf(t, cfg, serviceTaskDefinition(t, cfg)); got != v2 {
		t.Fatalf("after the release the service runs %s, want %s", got, v2)
	}
	green := prodTargetGroup(t, cfg)
	if green == "" || green == blue {
		t.Fatalf("production forwards to %q after the release, want the other target group than %s", green, blue)
	}
	if s := status(t, cfg); !strings.Contains(s, "Succeeded") {
		t.Fatalf("status without an id:\n%s\nwant the latest deployment, Succeeded", s)
	}

	ship(t, cfg, v3, false)
	if got := imageOf(t, cfg, serviceTaskDefinition(t, cfg)); got != v3 {
		t.Fatalf("after the second release the service runs %s, want %s", got, v3)
	}

	// `rollback`: the release before the current one is redeployed.
	cd := codedeploy.NewFromConfig(cfg)
	ecsClient := ecs.NewFromConfig(cfg)
	if plan, err = release.Load(ctx, cfg, ecsClient, "webapp-service"); err != nil {
		t.Fatal(err)
	}
	tg := plan.Target
	res, err := deploy.Rollback(ctx, cd, ecsClient,
		deploy.Target{Application: tg.CodeDeployApplication, DeploymentGroup: tg.DeploymentGroup, Cluster: tg.ClusterName, Service: tg.ServiceName},
		"", plan.AppSpecFor(release.Options{}))
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	var out strings.Builder
	if _, err := deploy.Wait(ctx, cd, res.DeploymentID, fastWait(&out)); err != nil {
		t.Fatalf("the rollback deployment %s: %v\n%s", res.DeploymentID, err, out.String())
	}
	if got := imageOf(t, cfg, serviceTaskDefinition(t, cfg)); got != v2 {
		t.Fatalf("after the rollback the service runs %s, want %s", got, v2)
	}
	if s := status(t, cfg); !strings.Contains(s, res.DeploymentID) || !strings.Contains(s, "Succeeded") {
		t.Fatalf("status after the rollback:\n%s\nwant the rollback deployment %s, Succeeded", s, res.DeploymentID)
	}
}

// statusUntil reads the current deployment's status until it shows want.
func statusUntil(t *testing.T, cfg aws.Config, want string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	s := status(t, cfg)
	for !strings.Contains(s, want) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		s = status(t, cfg)
	}
	if !strings.Contains(s, want) {
		t.Fatalf("status without an id never showed %q:\n%s", want, s)
	}
	return s
}

// continueCurrent acts as `continue` without a deployment: on the service's
// current service deployment.
func continueCurrent(t *testing.T, cfg aws.Config) string {
	t.Helper()
	ctx := context.Background()
	ref, err := release.ResolveDeployment(ctx, "", func(ctx context.Context) (*release.Plan, error) {
		return release.Load(ctx, cfg, ecs.NewFromConfig(cfg), "webapp-service")
	})
	if err != nil {
		t.Fatalf("ResolveDeployment: %v", err)
	}
	out, err := deploy.ContinueService(ctx, ecs.NewFromConfig(cfg), ref.ID, false)
	if err != nil {
		t.Fatalf("continue %s: %v", ref.ID, err)
	}
	return out
}

// The README's ecs sequence: a canary held by the PAUSE hook, continued,
// then rolled back by redeploying the seeded release, continued again.
func TestRehearsalECSContinueThenRollbackRedeploys(t *testing.T) {
	cfg := standIn(t, "ecs", 600)
	ctx := context.Background()
	ecsClient := ecs.NewFromConfig(cfg)
	plan, err := release.Load(ctx, cfg, ecsClient, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	seeded := imageOf(t, cfg, serviceTaskDefinition(t, cfg))
	v2 := image(plan, 2)
	res, _ := ship(t, cfg, v2, true)
	statusUntil(t, cfg, "AWAITING_ACTION")
	if out := continueCurrent(t, cfg); !strings.Contains(out, res.DeploymentID) || !strings.Contains(out, "CONTINUE") {
		t.Fatalf("continue = %q, want CONTINUE sent to %s", out, res.DeploymentID)
	}
	statusUntil(t, cfg, "SUCCESSFUL")
	if got := imageOf(t, cfg, serviceTaskDefinition(t, cfg)); got != v2 {
		t.Fatalf("after the canary the service runs %s, want %s", got, v2)
	}

	if plan, err = release.Load(ctx, cfg, ecsClient, "webapp-service"); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rb, err := plan.RollbackNative(ctx, ecsClient, release.RollbackRequest{NoWait: true, Wait: fastWait(&out)})
	if err != nil {
		t.Fatalf("rollback --no-wait: %v\n%s", err, out.String())
	}
	s := statusUntil(t, cfg, "AWAITING_ACTION")
	if strings.Contains(s, res.DeploymentID) {
		t.Fatalf("after the rollback the current deployment is still the release's:\n%s\nrollback: %s", s, rb.String())
	}
	continueCurrent(t, cfg)
	statusUntil(t, cfg, "SUCCESSFUL")
	if got := imageOf(t, cfg, serviceTaskDefinition(t, cfg)); got != seeded {
		t.Fatalf("after the rollback the service runs %s, want the seeded %s", got, seeded)
	}
}

// A rollback while the canary is held stops it with ROLLBACK.
func TestRehearsalECSReleaseStatusRollback(t *testing.T) {
	cfg := standIn(t, "ecs", 600)
	ctx := context.Background()
	ecsClient := ecs.NewFromConfig(cfg)
	plan, err := release.Load(ctx, cfg, ecsClient, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if plan.Target.DeploymentMode != stackout.ModeECS {
		t.Fatalf("seeded stack mode = %s", plan.Target.DeploymentMode)
	}
	before := serviceTaskDefinition(t, cfg)
	res, _ := ship(t, cfg, image(plan, 2), true)
	if res.DeploymentID == "" {
		t.Fatalf("the release names no service deployment: %+v", res)
	}
	// The seeded PAUSE hook holds the canary after the test traffic shift.
	deadline := time.Now().Add(30 * time.Second)
	s := status(t, cfg)
	for !strings.Contains(s, "AWAITING_ACTION") && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		s = status(t, cfg)
	}
	if !strings.Contains(s, "AWAITING_ACTION") || !strings.Contains(s, res.DeploymentID) {
		t.Fatalf("status without an id never showed %s held by the PAUSE hook:\n%s", res.DeploymentID, s)
	}

	// `rollback` of the deployment in flight.
	if plan, err = release.Load(ctx, cfg, ecsClient, "webapp-service"); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rb, err := plan.RollbackNative(ctx, ecsClient, release.RollbackRequest{Wait: fastWait(&out)})
	if err != nil {
		t.Fatalf("RollbackNative: %v\n%s", err, out.String())
	}
	if !strings.Contains(rb.String(), res.DeploymentID) {
		t.Errorf("the rollback's report does not name %s:\n%s", res.DeploymentID, rb.String())
	}
	if got := serviceTaskDefinition(t, cfg); got != before {
		t.Fatalf("after the rollback the service runs %s, want %s", got, before)
	}
	if s := status(t, cfg); !strings.Contains(s, "ROLLBACK_SUCCESSFUL") {
		t.Fatalf("status after the rollback:\n%s\nwant ROLLBACK_SUCCESSFUL", s)
	}
}
