package moto

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// CreateOutputsStack deploys a one-resource stack whose outputs are the given
// values, the way deploy-infra leaves the service stack for a release to
// read, and waits until CloudFormation reports it complete.
func CreateOutputsStack(t testing.TB, cfg aws.Config, name string, outputs map[string]string) {
	t.Helper()
	tmpl := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Resources": map[string]any{
			"Marker": map[string]any{"Type": "AWS::CloudFormation::WaitConditionHandle"},
		},
	}
	if len(outputs) > 0 {
		outs := map[string]any{}
		for k, v := range outputs {
			outs[k] = map[string]any{"Value": v}
		}
		tmpl["Outputs"] = outs
	}
	body, _ := json.Marshal(tmpl) // map keys marshal sorted: a stable template
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
