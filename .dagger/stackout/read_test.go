package stackout

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

func motoConfig(t *testing.T) aws.Config {
	t.Helper()
	m := moto.Shared(t)
	cfg, err := awsenv.Config(context.Background(), awsenv.Credentials{AccessKeyID: moto.AccessKey, SecretAccessKey: moto.SecretKey}, moto.Region, m.URL)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestReadFromDeployedStack(t *testing.T) {
	cfg := motoConfig(t)
	moto.CreateOutputsStack(t, cfg, "webapp-service", validOutputs())
	got, err := Read(context.Background(), cfg, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if got.ContainerPort != 3000 || got.ClusterName != "webapp-cluster" || len(got.Subnets) != 2 || got.DeploymentGroup != "webapp-dg" {
		t.Fatalf("read %+v", got)
	}
}

func TestReadReportsMissingOutputs(t *testing.T) {
	cfg := motoConfig(t)
	o := validOutputs()
	delete(o, KeyLogGroupName)
	moto.CreateOutputsStack(t, cfg, "webapp-service", o)
	_, err := Read(context.Background(), cfg, "webapp-service")
	if err == nil || !strings.Contains(err.Error(), "LogGroupName") || !strings.Contains(err.Error(), "deploy-infra") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadMissingStack(t *testing.T) {
	cfg := motoConfig(t)
	_, err := Read(context.Background(), cfg, "nothere-service")
	if err == nil || !strings.Contains(err.Error(), "nothere-service does not exist") || !strings.Contains(err.Error(), "deploy-infra") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Read(context.Background(), cfg, "bad_name"); err == nil || !strings.Contains(err.Error(), `"bad_name"`) {
		t.Fatalf("invalid name: err = %v", err)
	}
}
