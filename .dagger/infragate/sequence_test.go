package infragate

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"

	"dagger/ecs-bluegreen/cdkcmd"
	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/internal/awstest"
)

// TestSequenceStopsAtTheFirstRefusal: stacks go through the gate in order;
// the first is deployed, the second (a service with a CodeDeploy deployment
// running) is refused, and the third is never prepared.
func TestSequenceStopsAtTheFirstRefusal(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	cfn, cd := cloudformation.NewFromConfig(cfg), codedeploy.NewFromConfig(cfg)
	ctx := context.Background()
	serviceStack(t, cfn, "shop-service", "shop", "shop-dg")
	runningDeployment(t, cd, "shop", "shop-dg")

	name := ChangeSetName(time.Date(2026, 3, 2, 9, 14, 55, 0, time.UTC))
	if name != "ecs-bluegreen-20260302T091455Z" {
		t.Fatalf("change set name %s", name)
	}
	var prepared []string
	prepare := func(ctx context.Context, s cdkcmd.Stack) error {
		prepared = append(prepared, s.ID)
		kind := types.ChangeSetTypeUpdate
		if status(t, cfn, s.Name) == "absent" {
			kind = types.ChangeSetTypeCreate
		}
		prepare(t, cfn, s.Name, name, strings.ReplaceAll(queueV2, "jobs", s.ID), kind)
		return nil
	}
	var out, progress bytes.Buffer
	res, err := Sequence(ctx, Clients{CloudFormation: cfn, CodeDeploy: cd}, Plan{
		Stacks:    []cdkcmd.Stack{{ID: "shop-ecr", Name: "shop-ecr"}, {ID: "shop-service", Name: "shop-service"}, {ID: "shop-pipeline", Name: "shop-pipeline"}},
		ChangeSet: name, Options: Options{Out: &out, Progress: &progress, Clock: newInstantClock()},
	}, prepare)
	if !IsRefusal(err) {
		t.Fatalf("want a refusal, got %v\n%s", err, out.String())
	}
	if strings.Join(prepared, ",") != "shop-ecr,shop-service" {
		t.Errorf("prepared %v: the stack after a refusal must not be touched", prepared)
	}
	if len(res.Reports) != 2 || res.Reports[0].Decision.Action != changeset.Execute || res.Reports[1].Decision.Action != changeset.Refuse {
		t.Fatalf("reports %+v", res.Reports)
	}
	if got := status(t, cfn, "shop-ecr"); got != "CREATE_COMPLETE" {
		t.Errorf("first stack %s", got)
	}
	if !strings.Contains(progress.String(), "shop-ecr shop-ecr CREATE_COMPLETE") || strings.Contains(out.String(), "CREATE_COMPLETE") {
		t.Errorf("events belong on progress, tables on out:\nout:\n%s\nprogress:\n%s", out.String(), progress.String())
	}
	doc, err := res.JSON()
	if err != nil || !strings.Contains(doc, `"action": "refuse"`) || !strings.Contains(doc, `"class": "deployment-in-progress"`) {
		t.Errorf("json %v:\n%s", err, doc)
	}
	if text := res.Text(false); !strings.Contains(text, "stack shop-service") || !strings.Contains(text, "shop-ecr\n") {
		t.Errorf("text:\n%s", text)
	}
}
