package release

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

const digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

var imageURI = moto.Account + ".dkr.ecr.us-east-1.amazonaws.com/webapp:abc1234@" + digest

// world is a moto account holding what deploy-infra leaves behind: the
// service stack's outputs, an ECS cluster and CODE_DEPLOY service running
// revision 1 of the task family, and the CodeDeploy application and group.
type world struct {
	cfg     aws.Config
	ecs     *ecs.Client
	cd      *codedeploy.Client
	subnets []string
	sg      string
}

func newWorld(t *testing.T, mode string) *world {
	t.Helper()
	return newWorldWith(t, mode, nil)
}

// newWorldWith is newWorld with the deployment group's blue/green settings.
func newWorldWith(t *testing.T, mode string, blueGreen *cdtypes.BlueGreenDeploymentConfiguration) *world {
	t.Helper()
	cfg := awstest.MotoConfig(t, awsenv.WithMaxAttempts(1))
	w := &world{cfg: cfg, ecs: ecs.NewFromConfig(cfg), cd: codedeploy.NewFromConfig(cfg)}
	w.subnets, w.sg = network(t, aws.ToString(cfg.BaseEndpoint))
	subnetA, subnetB, sg := w.subnets[0], w.subnets[1], w.sg
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("webapp")}))
	role := "arn:aws:iam::" + moto.Account + ":role/webapp-exec"
	td, err := w.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String("webapp"),
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu:                     aws.String("512"),
		Memory:                  aws.String("1024"),
		ExecutionRoleArn:        aws.String(role),
		TaskRoleArn:             aws.String("arn:aws:iam::" + moto.Account + ":role/webapp-task"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:         aws.String("webapp"),
			Image:        aws.String(moto.Account + ".dkr.ecr.us-east-1.amazonaws.com/webapp:first"),
			Essential:    aws.Bool(true),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(3000), Protocol: ecstypes.TransportProtocolTcp}},
			StopTimeout:  aws.Int32(30),
		}},
		Tags: []ecstypes.Tag{{Key: aws.String("app"), Value: aws.String("webapp")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	must(w.ecs.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster:              aws.String("webapp"),
		ServiceName:          aws.String("webapp"),
		TaskDefinition:       td.TaskDefinition.TaskDefinitionArn,
		DesiredCount:         aws.Int32(2),
		DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeCodeDeploy},
		CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{
			{CapacityProvider: aws.String("FARGATE"), Weight: 1, Base: 1},
			{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
		},
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: []string{subnetA, subnetB}, SecurityGroups: []string{sg}, AssignPublicIp: ecstypes.AssignPublicIpDisabled,
		}},
	}))
	must(w.cd.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("webapp"), ComputePlatform: cdtypes.ComputePlatformEcs}))
	must(w.cd.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName:      aws.String("webapp"),
		DeploymentGroupName:  aws.String("webapp"),
		ServiceRoleArn:       aws.String("arn:aws:iam::" + moto.Account + ":role/codedeploy"),
		DeploymentConfigName: aws.String("CodeDeployDefault.ECSAllAtOnce"),
		DeploymentStyle:      &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		EcsServices:          []cdtypes.ECSService{{ClusterName: aws.String("webapp"), ServiceName: aws.String("webapp")}},

		BlueGreenDeploymentConfiguration: blueGreen,
	}))
	moto.CreateOutputsStack(t, cfg, "webapp-service", map[string]string{
		"ClusterName": "webapp", "ServiceName": "webapp", "CodeDeployApplication": "webapp", "DeploymentGroup": "webapp",
		"TaskFamily": "webapp", "TaskDefinitionArn": aws.ToString(td.TaskDefinition.TaskDefinitionArn),
		"ContainerName": "webapp", "ContainerPort": "3000", "ExecutionRoleArn": role,
		"TaskRoleArn": "arn:aws:iam::" + moto.Account + ":role/webapp-task", "LogGroupName": "/ecs/webapp",
		"Subnets": subnetA + "," + subnetB, "SecurityGroups": sg,
		"RepositoryUri": moto.Account + ".dkr.ecr.us-east-1.amazonaws.com/webapp",
		"ProductionUrl": "http://webapp.example.com", "TestUrl": "http://webapp.example.com:8080", "DeploymentMode": mode,
	})
	return w
}

func TestLoadReadsWhatTheInfrastructureDeployed(t *testing.T) {
	w := newWorld(t, "codedeploy")
	p, err := Load(context.Background(), w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(p.TaskDefinition.Family) != "webapp" || aws.ToInt32(&p.TaskDefinition.Revision) != 1 {
		t.Fatalf("task definition = %s:%d", aws.ToString(p.TaskDefinition.Family), p.TaskDefinition.Revision)
	}
	if strings.Join(p.Subnets, ",") != strings.Join(w.subnets, ",") || strings.Join(p.SecurityGroups, ",") != w.sg {
		t.Fatalf("network = %v %v", p.Subnets, p.SecurityGroups)
	}
	if len(p.Tags) != 1 || aws.ToString(p.Tags[0].Key) != "app" {
		t.Fatalf("tags = %+v", p.Tags)
	}
}

func TestPreflightRendersPipelineArtifactsFromTheDeployedTaskDefinition(t *testing.T) {
	w := newWorld(t, "codedeploy")
	p, err := Load(context.Background(), w.cfg, withStrategy{w.ecs}, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Strategy) != 2 || aws.ToString(p.Strategy[1].CapacityProvider) != "FARGATE_SPOT" {
		t.Fatalf("capacity strategy not carried: %+v", p.Strategy)
	}
	hooks, err := ParseHooks([]string{"AfterAllowTestTraffic=smoke-test"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Preflight(Options{Mode: bundle.ModePipeline, Hooks: hooks, GitRevision: "abc1234", Now: time.Unix(0, 0).UTC()}, imageURI)
	if err != nil {
		t.Fatal(err)
	}
	files := b.Files()
	if err := bundle.ValidateFiles(files, bundle.ModePipeline); err != nil {
		t.Fatalf("rendered files do not validate: %v", err)
	}
	var detail map[string]string
	if err := json.Unmarshal(files[bundle.FileImageDetail], &detail); err != nil || detail["ImageURI"] != imageURI {
		t.Fatalf("imageDetail.json = %s (%v)", files[bundle.FileImageDetail], err)
	}
	td := string(files[bundle.FileTaskDef])
	for _, want := range []string{`"<IMAGE1_NAME>"`, `"executionRoleArn": "arn:aws:iam::` + moto.Account + `:role/webapp-exec"`, `"family": "webapp"`} {
		if !strings.Contains(td, want) {
			t.Errorf("taskdef.json lacks %s:\n%s", want, td)
		}
	}
	for _, readOnly := range []string{"taskDefinitionArn", "revision", "registeredAt", "status"} {
		if strings.Contains(td, `"`+readOnly+`"`) {
			t.Errorf("taskdef.json carries read-only %s", readOnly)
		}
	}
	spec := string(files[bundle.FileAppSpec])
	for _, want := range []string{"TaskDefinition: <TASK_DEFINITION>", "FARGATE_SPOT", w.subnets[1], "AfterAllowTestTraffic", "ContainerPort: 3000"} {
		if !strings.Contains(spec, want) {
			t.Errorf("appspec.yaml lacks %q:\n%s", want, spec)
		}
	}
}

func TestDeployRegistersRevisionAndStartsDeployment(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	p, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Mode: bundle.ModeDirect, Now: time.Unix(0, 0).UTC()}
	if _, err := p.Preflight(opts, imageURI); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	out, err := p.Deploy(ctx, w.ecs, w.cd, DeployRequest{Options: opts, ImageURI: imageURI, Description: "test", NoWait: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.TaskDefinitionArn, ":task-definition/webapp:2") || out.DeploymentID == "" || out.Waited {
		t.Fatalf("outcome = %+v", out)
	}
	reg, err := w.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(out.TaskDefinitionArn)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(reg.TaskDefinition.ContainerDefinitions[0].Image); got != imageURI {
		t.Fatalf("registered image = %s, want %s", got, imageURI)
	}
	if !strings.Contains(string(out.Bundle.Files()[bundle.FileAppSpec]), out.TaskDefinitionArn) {
		t.Fatal("the appspec does not deploy the registered revision")
	}
	list, err := w.cd.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{ApplicationName: aws.String("webapp"), DeploymentGroupName: aws.String("webapp")})
	if err != nil || len(list.Deployments) != 1 || list.Deployments[0] != out.DeploymentID {
		t.Fatalf("deployments = %v (%v)", list.Deployments, err)
	}
}

func TestLoadRefusesWhatCannotBeReleased(t *testing.T) {
	t.Run("hook mode", func(t *testing.T) {
		w := newWorld(t, "hook")
		_, err := Load(context.Background(), w.cfg, w.ecs, "webapp-service")
		if err == nil || !strings.Contains(err.Error(), "hook mode") || !strings.Contains(err.Error(), "deploy-infra") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing stack", func(t *testing.T) {
		w := newWorld(t, "codedeploy")
		_, err := Load(context.Background(), w.cfg, w.ecs, "other-service")
		if err == nil || !strings.Contains(err.Error(), "other-service") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("service gone", func(t *testing.T) {
		w := newWorld(t, "codedeploy")
		ctx := context.Background()
		if _, err := w.ecs.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String("webapp"), Service: aws.String("webapp"), Force: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		_, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
		if err == nil || !strings.Contains(err.Error(), "webapp") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPreflightRejectsBadImageBeforeAnyMutation(t *testing.T) {
	w := newWorld(t, "codedeploy")
	ctx := context.Background()
	p, err := Load(ctx, w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"webapp:latest", moto.Account + ".dkr.ecr.us-east-1.amazonaws.com/webapp:abc", "nohost@" + digest} {
		if _, err := p.Preflight(Options{Mode: bundle.ModeDirect}, bad); err == nil {
			t.Errorf("preflight accepted image %q", bad)
		}
	}
	list, err := w.ecs.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("webapp")})
	if err != nil || len(list.TaskDefinitionArns) != 1 {
		t.Fatalf("a rejected release registered something: %v (%v)", list.TaskDefinitionArns, err)
	}
}

func TestParseHooks(t *testing.T) {
	h, err := ParseHooks([]string{"BeforeAllowTraffic=check", " AfterAllowTestTraffic = smoke "})
	if err != nil || h["BeforeAllowTraffic"] != "check" || h["AfterAllowTestTraffic"] != "smoke" {
		t.Fatalf("hooks = %v, %v", h, err)
	}
	_, err = ParseHooks([]string{"AfterInstal=x", "BeforeInstall", "AfterInstall=a", "AfterInstall=b"})
	for _, want := range []string{`"AfterInstal"`, `"BeforeInstall" is not Event=function`, "given twice"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func TestGitRevisionKeepsOnlyCommits(t *testing.T) {
	for in, want := range map[string]string{"abc1234": "abc1234", "src-0123456789ab": "", "v1.2.3": "", "abc": ""} {
		if got := gitRevision(in); got != want {
			t.Errorf("gitRevision(%q) = %q, want %q", in, got, want)
		}
	}
}

// withStrategy adds the capacity-provider strategy to DescribeServices
// answers: the emulator accepts a strategy on CreateService but does not
// return it, and carrying it into the appspec is what is under test.
type withStrategy struct{ *ecs.Client }

func (w withStrategy) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	out, err := w.Client.DescribeServices(ctx, in, optFns...)
	if err == nil {
		for i := range out.Services {
			out.Services[i].CapacityProviderStrategy = []ecstypes.CapacityProviderStrategyItem{
				{CapacityProvider: aws.String("FARGATE"), Weight: 1, Base: 1},
				{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
			}
		}
	}
	return out, err
}

func TestAppSpecForRollbackAndArchitectureCheck(t *testing.T) {
	w := newWorld(t, "codedeploy")
	p, err := Load(context.Background(), w.cfg, w.ecs, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(p.TaskDefinition.TaskDefinitionArn)
	spec, err := p.AppSpecFor(Options{})(arn, "")
	if err != nil || !strings.Contains(spec, "TaskDefinition: \""+arn+"\"") && !strings.Contains(spec, "TaskDefinition: "+arn) {
		t.Fatalf("appspec for %s = %s (%v)", arn, spec, err)
	}
	if _, err := p.AppSpecFor(Options{})("not-an-arn", ""); err == nil {
		t.Fatal("rendered an appspec for a bad ARN")
	}
	if err := p.CheckArchitecture("X86_64"); err != nil {
		t.Fatalf("default architecture refused: %v", err)
	}
	if err := p.CheckArchitecture("ARM64"); err == nil || !strings.Contains(err.Error(), "--platform linux/amd64") {
		t.Fatalf("arm64 image for an X86_64 task: %v", err)
	}
}
