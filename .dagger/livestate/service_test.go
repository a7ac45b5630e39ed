package livestate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/awstest"
)

// release registers a revision with the image and puts it on the service,
// as a release does; it returns the revision's ARN.
func release(t *testing.T, cfg aws.Config, image string) string {
	t.Helper()
	ctx := context.Background()
	c := ecs.NewFromConfig(cfg)
	td, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("webapp"), Cpu: aws.String("512"), Memory: aws.String("1024"), NetworkMode: ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ContainerDefinitions:    []ecstypes.ContainerDefinition{{Name: aws.String("webapp"), Image: aws.String(image), Essential: aws.Bool(true)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(td.TaskDefinition.TaskDefinitionArn)
	if _, err := c.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String("webapp"), Service: aws.String("webapp"), TaskDefinition: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	return arn
}

// hookStack answers DescribeStacks and DescribeStackResources for a
// hook-mode service stack whose ECS resources live in the emulator (its
// CloudFormation has no task sets).
type hookStack struct{ cluster, service string }

func (h hookStack) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return &cloudformation.DescribeStacksOutput{Stacks: []cftypes.Stack{{
		StackName: aws.String("webapp-service"), StackStatus: cftypes.StackStatusUpdateComplete,
		StackId: aws.String("arn:aws:cloudformation:us-east-1:123456789012:stack/webapp-service/0f1e2d3c"),
	}}}, nil
}

func (h hookStack) DescribeStackResources(context.Context, *cloudformation.DescribeStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error) {
	res := func(id, typ, phys string) cftypes.StackResource {
		return cftypes.StackResource{LogicalResourceId: aws.String(id), ResourceType: aws.String(typ), PhysicalResourceId: aws.String(phys)}
	}
	return &cloudformation.DescribeStackResourcesOutput{StackResources: []cftypes.StackResource{
		res("ClusterEB0386A7", "AWS::ECS::Cluster", h.cluster),
		res("Service", "AWS::ECS::Service", h.service),
		res("TaskSet", "AWS::ECS::TaskSet", "ecs-svc/1"),
	}}, nil
}

// In hook mode the stack update is the release: deploy-infra keeps the image
// the primary task set runs, not the task definition ARN.
func TestReadHookModeImage(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	ctx := context.Background()
	c := ecs.NewFromConfig(cfg)
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("webapp")}); err != nil {
		t.Fatal(err)
	}
	svc, err := c.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("webapp"), ServiceName: aws.String("webapp"), DesiredCount: aws.Int32(1),
		DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeExternal},
	})
	if err != nil {
		t.Fatal(err)
	}
	register := func(image string) string {
		td, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
			Family: aws.String("webapp"), NetworkMode: ecstypes.NetworkModeAwsvpc, Cpu: aws.String("512"), Memory: aws.String("1024"),
			RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
			ContainerDefinitions: []ecstypes.ContainerDefinition{
				{Name: aws.String("log-router"), Image: aws.String("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable")},
				{Name: aws.String("webapp"), Image: aws.String(image), Essential: aws.Bool(true)},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(td.TaskDefinition.TaskDefinitionArn)
	}
	taskSet := func(td string) string {
		ts, err := c.CreateTaskSet(ctx, &ecs.CreateTaskSetInput{Cluster: aws.String("webapp"), Service: aws.String("webapp"), TaskDefinition: aws.String(td)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(ts.TaskSet.TaskSetArn)
	}
	first := taskSet(register(imageV1))
	if _, err := c.UpdateServicePrimaryTaskSet(ctx, &ecs.UpdateServicePrimaryTaskSetInput{Cluster: aws.String("webapp"), Service: aws.String("webapp"), PrimaryTaskSet: aws.String(first)}); err != nil {
		t.Fatal(err)
	}
	clients := Clients{CloudFormation: hookStack{cluster: "webapp", service: aws.ToString(svc.Service.ServiceArn)}, Service: c}
	got, err := ReadWith(ctx, clients, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if got.Image != imageV1 || got.TaskDefinition != "" || got.Mode != "hook" {
		t.Fatalf("hook mode: %+v, want image %s and no task definition", got, imageV1)
	}
	if c := got.Context(); c[KeyImage] != imageV1 || c[KeyTaskDefinition] != "" {
		t.Fatalf("context %v", c)
	}

	// A blue/green deployment in flight: two task sets. Stop rather than pin
	// either image.
	taskSet(register(imageV2))
	_, err = ReadWith(ctx, clients, "webapp-service")
	if err == nil || !strings.Contains(err.Error(), "a deployment is in progress") || !strings.Contains(err.Error(), "webapp-service") {
		t.Fatalf("two task sets: err = %v", err)
	}
}

// deployments answers DescribeServices with an ECS-controlled service in
// the middle of a deployment (the new revision baking, the old one ready to
// take the traffic back).
type deployments struct{}

func (deployments) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{
		ServiceName: aws.String("webapp"), Status: aws.String("ACTIVE"),
		TaskDefinition: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:7"),
		Deployments: []ecstypes.Deployment{
			{Id: aws.String("ecs-svc/2"), Status: aws.String("PRIMARY")},
			{Id: aws.String("ecs-svc/1"), Status: aws.String("ACTIVE")},
			{Id: aws.String("ecs-svc/0"), Status: aws.String("INACTIVE")},
		},
	}}}, nil
}

func (deployments) DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return nil, errors.New("not called")
}

func TestReadServiceRefusesADeploymentInFlight(t *testing.T) {
	s := State{Mode: "ecs", Stack: "webapp-service"}
	err := readService(context.Background(), deployments{}, &s, "webapp", "webapp")
	if err == nil || !strings.Contains(err.Error(), "deployments ecs-svc/2 PRIMARY, ecs-svc/1 ACTIVE") || !strings.Contains(err.Error(), "before deploy-infra") {
		t.Fatalf("err = %v", err)
	}
	if s.TaskDefinition != "" {
		t.Fatalf("pinned %s mid-deployment", s.TaskDefinition)
	}
}

func TestAppImage(t *testing.T) {
	c := func(name, image string) ecstypes.ContainerDefinition {
		return ecstypes.ContainerDefinition{Name: aws.String(name), Image: aws.String(image)}
	}
	if got, err := appImage([]ecstypes.ContainerDefinition{c("sidecar", "a"), c("shop", "b")}, "shop"); err != nil || got != "b" {
		t.Errorf("named container: %q %v", got, err)
	}
	if got, err := appImage([]ecstypes.ContainerDefinition{c("app", "a")}, "shop"); err != nil || got != "a" {
		t.Errorf("the only container: %q %v", got, err)
	}
	if _, err := appImage([]ecstypes.ContainerDefinition{c("a", "a"), c("b", "b")}, "shop"); err == nil || !strings.Contains(err.Error(), "no container named shop") {
		t.Errorf("ambiguous: %v", err)
	}
}

// The service's live state rides on the run's context like the listeners':
// an explicit image stays next to the live one (the infra app prefers it),
// and a contradicting live value is refused.
func TestPrepareCarriesTheLiveService(t *testing.T) {
	td := "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:9"
	ecsState := State{ProductionTarget: "green", TestTarget: "green", ProductionListenerTarget: "blue", TestListenerTarget: "green",
		TaskDefinition: td, Mode: "ecs", Stack: "webapp-service"}
	run, err := Prepare(ecsState, map[string]string{"desiredCount": "3"}, []byte(`{}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{KeyTaskDefinition: td, KeyProductionListenerTarget: "blue", KeyTestListenerTarget: "green", KeyProductionTarget: "green", "desiredCount": "3"} {
		if run.Context[k] != v {
			t.Errorf("context %s = %q, want %q", k, run.Context[k], v)
		}
	}
	if _, err := Prepare(ecsState, map[string]string{KeyTaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:1"}, []byte(`{}`), nil); err == nil ||
		!strings.Contains(err.Error(), "serves liveTaskDefinition="+td) {
		t.Errorf("a contradicting revision: %v", err)
	}
	hook := State{Image: imageV1, Mode: "hook", Stack: "webapp-service"}
	run, err = Prepare(hook, map[string]string{"image": imageV2}, []byte(`{}`), nil)
	if err != nil || run.Context["image"] != imageV2 || run.Context[KeyImage] != imageV1 {
		t.Fatalf("hook mode release: %v %v", run.Context, err)
	}
	if run, err = Prepare(hook, nil, []byte(`{}`), nil); err != nil || run.Context["image"] != "" || run.Context[KeyImage] != imageV1 {
		t.Fatalf("hook mode infrastructure update: %v %v", run.Context, err)
	}
}
