package deploy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// motoEnv is a reset moto server with real SDK clients pointed at it.
type motoEnv struct {
	srv *moto.Server
	ecs *ecs.Client
	cd  *codedeploy.Client
}

func newMoto(t *testing.T) *motoEnv {
	t.Helper()
	srv := moto.Shared(t)
	creds := credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, "")
	return &motoEnv{
		srv: srv,
		ecs: ecs.New(ecs.Options{Region: moto.Region, BaseEndpoint: aws.String(srv.URL), Credentials: creds, RetryMaxAttempts: 1}),
		cd:  codedeploy.New(codedeploy.Options{Region: moto.Region, BaseEndpoint: aws.String(srv.URL), Credentials: creds, RetryMaxAttempts: 1}),
	}
}

// codeDeployGroup creates an ECS CodeDeploy application and blue/green
// deployment group for cluster/service.
func (e *motoEnv) codeDeployGroup(t *testing.T, app, group, cluster, service string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.cd.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String(app), ComputePlatform: cdtypes.ComputePlatformEcs}); err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	_, err := e.cd.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName:      aws.String(app),
		DeploymentGroupName:  aws.String(group),
		ServiceRoleArn:       aws.String("arn:aws:iam::" + moto.Account + ":role/codedeploy"),
		DeploymentConfigName: aws.String("CodeDeployDefault.ECSAllAtOnce"),
		DeploymentStyle:      &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		EcsServices:          []cdtypes.ECSService{{ClusterName: aws.String(cluster), ServiceName: aws.String(service)}},
		AutoRollbackConfiguration: &cdtypes.AutoRollbackConfiguration{
			Enabled: true, Events: []cdtypes.AutoRollbackEvent{cdtypes.AutoRollbackEventDeploymentFailure, cdtypes.AutoRollbackEventDeploymentStopOnRequest},
		},
	})
	if err != nil {
		t.Fatalf("CreateDeploymentGroup: %v", err)
	}
}

// deployments lists the group's deployments through the SDK.
func (e *motoEnv) deployments(t *testing.T, app, group string) []string {
	t.Helper()
	out, err := e.cd.ListDeployments(context.Background(), &codedeploy.ListDeploymentsInput{ApplicationName: aws.String(app), DeploymentGroupName: aws.String(group)})
	if err != nil {
		t.Fatalf("ListDeployments: %v", err)
	}
	return out.Deployments
}

// rawDeployment reads a deployment with a plain JSON request: the SDK cannot
// decode the emulator's GetDeployment timestamps, but the revision it stored
// is what the test needs.
func (e *motoEnv) rawDeployment(t *testing.T, id string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(`{"deploymentId":"`+id+`"}`))
	req.Header.Set("X-Amz-Target", "CodeDeploy_20141006.GetDeployment")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+moto.AccessKey+"/20260101/us-east-1/codedeploy/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		DeploymentInfo map[string]any `json:"deploymentInfo"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.DeploymentInfo == nil {
		t.Fatalf("GetDeployment %s: %v: %s", id, err, b)
	}
	return out.DeploymentInfo
}

// appSpecOf returns the inline AppSpec content and hash a deployment carries.
func appSpecOf(t *testing.T, info map[string]any) (content, sha string) {
	t.Helper()
	rev, _ := info["revision"].(map[string]any)
	if rev["revisionType"] != "AppSpecContent" {
		t.Fatalf("revision = %v, want revisionType AppSpecContent", rev)
	}
	asc, _ := rev["appSpecContent"].(map[string]any)
	c, _ := asc["content"].(string)
	s, _ := asc["sha256"].(string)
	return c, s
}

// taskDef is a minimal Fargate task definition for family with image.
func taskDef(family, image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		ExecutionRoleArn:        aws.String("arn:aws:iam::" + moto.Account + ":role/exec"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:         aws.String(family),
			Image:        aws.String(image),
			Essential:    aws.Bool(true),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(3000), Protocol: ecstypes.TransportProtocolTcp}},
		}},
	}
}

// appSpecFor renders the AppSpec the bundle package would, for tests.
func appSpecFor(arn string) string {
	return "version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: \"" + arn + "\"\n        LoadBalancerInfo:\n          ContainerName: \"webapp\"\n          ContainerPort: 3000\n"
}
