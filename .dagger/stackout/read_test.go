package stackout

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) {
	code := m.Run()
	moto.StopShared()
	os.Exit(code)
}

// createStack deploys a one-resource stack whose outputs are the given values,
// and waits until CloudFormation reports it complete.
func createStack(t *testing.T, cfg aws.Config, name string, outputs map[string]string) {
	t.Helper()
	tmpl := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Resources": map[string]any{
			"Marker": map[string]any{"Type": "AWS::CloudFormation::WaitConditionHandle"},
		},
	}
	outs := map[string]any{}
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		outs[k] = map[string]any{"Value": outputs[k]}
	}
	if len(outs) > 0 {
		tmpl["Outputs"] = outs
	}
	body, _ := json.Marshal(tmpl)
	cf := cloudformation.NewFromConfig(cfg)
	ctx := context.Background()
	if _, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(string(body))}); err != nil {
		t.Fatalf("creating stack %s: %v", name, err)
	}
	w := cloudformation.NewStackCreateCompleteWaiter(cf, func(o *cloudformation.StackCreateCompleteWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	if err := w.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("stack %s not complete: %v", name, err)
	}
}

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
	createStack(t, cfg, "webapp-service", validOutputs())
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
	createStack(t, cfg, "webapp-service", o)
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
