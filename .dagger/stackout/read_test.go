package stackout

import (
	"context"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

func TestReadFromDeployedStack(t *testing.T) {
	cfg := awstest.MotoConfig(t)
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
	cfg := awstest.MotoConfig(t)
	o := validOutputs()
	delete(o, KeyLogGroupName)
	moto.CreateOutputsStack(t, cfg, "webapp-service", o)
	_, err := Read(context.Background(), cfg, "webapp-service")
	if err == nil || !strings.Contains(err.Error(), "LogGroupName") || !strings.Contains(err.Error(), "deploy-infra") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadMissingStack(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	_, err := Read(context.Background(), cfg, "nothere-service")
	if err == nil || !strings.Contains(err.Error(), "nothere-service does not exist") || !strings.Contains(err.Error(), "deploy-infra") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Read(context.Background(), cfg, "bad_name"); err == nil || !strings.Contains(err.Error(), `"bad_name"`) {
		t.Fatalf("invalid name: err = %v", err)
	}
}
