package ecsfake_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
)

func TestDescribeServiceRevisions(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(1))
	arn := e.Deploy(t)
	d := e.Deployment(t, arn)
	target, source := aws.ToString(d.TargetServiceRevision.Arn), aws.ToString(d.SourceServiceRevisions[0].Arn)
	missing := "arn:aws:ecs:us-east-1:123456789012:service-revision/web/webapp/1234567890123456789"

	out, err := e.ECS.DescribeServiceRevisions(context.Background(), &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{target, missing, source}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ServiceRevisions) != 2 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Arn) != missing || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Fatalf("revisions %d, failures %+v; want 2 and the unknown ARN MISSING", len(out.ServiceRevisions), out.Failures)
	}
	want := map[string]struct{ td, image, tg string }{
		target: {e.V2, "registry.example/webapp:v2", e.Listeners.Green},
		source: {e.V1, "registry.example/webapp:v1", e.Listeners.Blue},
	}
	svc := e.DescribeService(t)
	for _, r := range out.ServiceRevisions {
		w, ok := want[aws.ToString(r.ServiceRevisionArn)]
		if !ok {
			t.Fatalf("unexpected revision %s", aws.ToString(r.ServiceRevisionArn))
		}
		if aws.ToString(r.TaskDefinition) != w.td || aws.ToString(r.ServiceArn) != aws.ToString(svc.ServiceArn) || aws.ToString(r.ClusterArn) != aws.ToString(svc.ClusterArn) {
			t.Errorf("revision %s: task definition %s, service %s, cluster %s; want %s", aws.ToString(r.ServiceRevisionArn),
				aws.ToString(r.TaskDefinition), aws.ToString(r.ServiceArn), aws.ToString(r.ClusterArn), w.td)
		}
		if len(r.ContainerImages) != 1 || aws.ToString(r.ContainerImages[0].Image) != w.image || aws.ToString(r.ContainerImages[0].ContainerName) != "webapp" {
			t.Errorf("revision %s: container images %+v, want webapp %s", aws.ToString(r.ServiceRevisionArn), r.ContainerImages, w.image)
		}
		if len(r.LoadBalancers) != 1 || aws.ToString(r.LoadBalancers[0].TargetGroupArn) != w.tg {
			t.Errorf("revision %s: load balancers %+v, want target group %s", aws.ToString(r.ServiceRevisionArn), r.LoadBalancers, w.tg)
		}
		if r.CreatedAt == nil || r.CreatedAt.After(e.Clock.Now()) {
			t.Errorf("revision %s: createdAt %v", aws.ToString(r.ServiceRevisionArn), r.CreatedAt)
		}
	}
	// A revision keeps its task definition after the service moved on.
	e.follow(t, arn, 30*time.Second, time.Hour, nil)
	again, err := e.ECS.DescribeServiceRevisions(context.Background(), &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{source}})
	if err != nil || len(again.ServiceRevisions) != 1 || aws.ToString(again.ServiceRevisions[0].TaskDefinition) != e.V1 {
		t.Fatalf("source revision after the deployment: %v %+v", err, again)
	}

	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = target
	}
	for _, arns := range [][]string{{}, tooMany} {
		_, err := e.ECS.DescribeServiceRevisions(context.Background(), &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: arns})
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorCode() != "InvalidParameterException" {
			t.Errorf("%d ARNs: err = %v, want InvalidParameterException", len(arns), err)
		}
	}
	e.NoFailures(t)
}
