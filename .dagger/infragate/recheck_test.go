package infragate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"

	"dagger/ecs-bluegreen/cdkcmd"
	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/internal/awstest"
)

func TestLiveMovedComparesTheWholeMap(t *testing.T) {
	synth := map[string]string{"liveProductionTarget": "blue", "liveTestTarget": "blue", "liveDeploymentMode": "codedeploy",
		"liveTaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7"}
	if err := LiveMoved("shop-service", synth, map[string]string{"liveDeploymentMode": "codedeploy", "liveTestTarget": "blue",
		"liveProductionTarget": "blue", "liveTaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7"}); err != nil {
		t.Fatalf("nothing moved: %v", err)
	}
	now := map[string]string{"liveProductionTarget": "green", "liveTestTarget": "blue", "liveDeploymentMode": "codedeploy",
		"liveTaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:8", "liveProductionRuleTarget": "green"}
	err := LiveMoved("shop-service", synth, now)
	if err == nil {
		t.Fatal("a release in between went unnoticed")
	}
	for _, want := range []string{"stack shop-service moved since the synth", "liveProductionTarget blue → green",
		"liveTaskDefinition arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7 → arn:aws:ecs:us-east-1:123456789012:task-definition/shop:8",
		"liveProductionRuleTarget (unset) → green", "run deploy-infra again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "liveTestTarget") {
		t.Errorf("an unchanged key is named: %v", err)
	}
	if err := LiveMoved("shop-service", synth, nil); err == nil || !strings.Contains(err.Error(), "liveDeploymentMode codedeploy → (no longer set)") {
		t.Errorf("a stack gone since: %v", err)
	}
}

func TestRecheckLiveReadsTheServiceStackOnly(t *testing.T) {
	reads := 0
	state := map[string]string{"liveProductionTarget": "blue"}
	recheck := RecheckLive("shop-service", map[string]string{"liveProductionTarget": "blue"}, func(context.Context) (map[string]string, error) {
		reads++
		return state, nil
	})
	if err := recheck(context.Background(), cdkcmd.Stack{Name: "shop-ecr"}); err != nil || reads != 0 {
		t.Fatalf("another stack: %v, %d reads", err, reads)
	}
	if err := recheck(context.Background(), cdkcmd.Stack{Name: "shop-service"}); err != nil || reads != 1 {
		t.Fatalf("unmoved: %v, %d reads", err, reads)
	}
	state = map[string]string{"liveProductionTarget": "green"}
	if err := recheck(context.Background(), cdkcmd.Stack{Name: "shop-service"}); err == nil || !strings.Contains(err.Error(), "liveProductionTarget blue → green") {
		t.Fatalf("moved: %v", err)
	}
	failing := RecheckLive("shop-service", nil, func(context.Context) (map[string]string, error) {
		return nil, errors.New("AccessDenied: elasticloadbalancing:DescribeListeners")
	})
	if err := failing(context.Background(), cdkcmd.Stack{Name: "shop-service"}); err == nil || !strings.Contains(err.Error(), "re-reading the live state of shop-service") {
		t.Fatalf("read failure: %v", err)
	}
}

// TestSequenceRechecksBeforePreparing: a recheck that fails stops the
// sequence before the stack's change set is prepared; the stacks before it
// are deployed.
func TestSequenceRechecksBeforePreparing(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	var prepared, rechecked []string
	prep := func(ctx context.Context, s cdkcmd.Stack) error {
		prepared = append(prepared, s.Name)
		prepare(t, cfn, s.Name, "gate-seq", strings.ReplaceAll(queueV1, "jobs", s.Name), types.ChangeSetTypeCreate)
		return nil
	}
	moved := errors.New("the live state of stack shop-service moved since the synth")
	var out bytes.Buffer
	_, err := Sequence(context.Background(), Clients{CloudFormation: cfn}, Plan{
		Stacks:    []cdkcmd.Stack{{ID: "shop-ecr", Name: "shop-ecr"}, {ID: "shop-service", Name: "shop-service"}},
		ChangeSet: "gate-seq", Options: Options{Out: &out, Clock: newInstantClock()},
		Recheck: func(ctx context.Context, s cdkcmd.Stack) error {
			rechecked = append(rechecked, s.Name)
			if s.Name == "shop-service" {
				return moved
			}
			return nil
		},
	}, prep)
	if !errors.Is(err, moved) {
		t.Fatalf("error %v", err)
	}
	if strings.Join(rechecked, ",") != "shop-ecr,shop-service" || strings.Join(prepared, ",") != "shop-ecr" {
		t.Errorf("rechecked %v, prepared %v", rechecked, prepared)
	}
	if got := status(t, cfn, "shop-service"); got != "absent" {
		t.Errorf("the moved stack was touched: %s", got)
	}
}

// TestSequenceRefusesAStackOfAnotherEnvironment: the CLI would prepare the
// change set in the stack's own region, out of the gate's sight.
func TestSequenceRefusesAStackOfAnotherEnvironment(t *testing.T) {
	prepared := false
	for _, s := range []cdkcmd.Stack{
		{ID: "shop-ecr", Name: "shop-ecr", Region: "eu-west-1"},
		{ID: "shop-ecr", Name: "shop-ecr", Account: "210987654321", Region: "us-east-1"},
	} {
		_, err := Sequence(context.Background(), Clients{}, Plan{Stacks: []cdkcmd.Stack{s}, ChangeSet: "gate-env",
			Options: Options{Where: motoWhere, Out: &bytes.Buffer{}}}, func(context.Context, cdkcmd.Stack) error { prepared = true; return nil })
		if err == nil || !strings.Contains(err.Error(), "stack shop-ecr is synthesized for") || !strings.Contains(err.Error(), "region us-east-1, account 123456789012") {
			t.Errorf("%+v: %v", s, err)
		}
	}
	if prepared {
		t.Error("a change set was prepared out of the gate's sight")
	}
	// A later stack of another environment stops the run before the first
	// stack is touched, not half-way.
	_, err := Sequence(context.Background(), Clients{}, Plan{Stacks: []cdkcmd.Stack{
		{ID: "shop-ecr", Name: "shop-ecr", Account: motoWhere.Account, Region: motoWhere.Region},
		{ID: "shop-network", Name: "shop-network", Region: "eu-west-1"},
	}, ChangeSet: "gate-env", Options: Options{Where: motoWhere, Out: &bytes.Buffer{}}}, func(context.Context, cdkcmd.Stack) error { prepared = true; return nil })
	if err == nil || !strings.Contains(err.Error(), "stack shop-network is synthesized for") || prepared {
		t.Errorf("a second stack of another region: prepared %t, %v", prepared, err)
	}
	if err := CheckEnvironment(cdkcmd.Stack{Name: "shop-ecr", Account: motoWhere.Account, Region: motoWhere.Region}, motoWhere); err != nil {
		t.Errorf("same environment: %v", err)
	}
}

// TestARefusalIsPrintedAsTheJSONDocument: with --format json the failing
// call's error is the same document CI reads on success, with the error.
func TestARefusalIsPrintedAsTheJSONDocument(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	cfn, cd := cloudformation.NewFromConfig(cfg), codedeploy.NewFromConfig(cfg)
	serviceStack(t, cfn, "shop-service", "shop", "shop-dg")
	runningDeployment(t, cd, "shop", "shop-dg")
	var out bytes.Buffer
	typo := changeset.Allowance{Class: changeset.DeploymentInProgress, Stack: "shop-servce"}
	other := changeset.Allowance{Class: changeset.RemoveServing, Stack: "shop-service", Resource: "Jobs"}
	res, err := Sequence(context.Background(), Clients{CloudFormation: cfn, CodeDeploy: cd}, Plan{
		Stacks: []cdkcmd.Stack{{ID: "shop-service", Name: "shop-service"}}, ChangeSet: "gate-json",
		Options: Options{Out: &out, Clock: newInstantClock(), Allow: []changeset.Allowance{other, typo}},
	}, func(ctx context.Context, s cdkcmd.Stack) error {
		prepare(t, cfn, s.Name, "gate-json", queueV2, types.ChangeSetTypeUpdate)
		return nil
	})
	if !IsRefusal(err) {
		t.Fatalf("want a refusal: %v", err)
	}
	// The allowance that matched nothing on the reviewed stack is named;
	// the one for a stack never reviewed is not judged.
	if !strings.Contains(out.String(), "note: --allow remove-serving:shop-service/Jobs matched no refused change") || strings.Contains(out.String(), "shop-servce") {
		t.Errorf("unused allowances:\n%s", out.String())
	}
	failed := res.Failed(err, true)
	if !IsRefusal(failed) {
		t.Error("the JSON error no longer unwraps to the refusal")
	}
	var doc changeset.Document
	if jerr := json.Unmarshal([]byte(failed.Error()), &doc); jerr != nil {
		t.Fatalf("the error is not the JSON document: %v\n%s", jerr, failed)
	}
	if doc.Action != changeset.Refuse || len(doc.Stacks) != 1 || !strings.Contains(doc.Error, "--allow deployment-in-progress:shop-service") ||
		doc.Stacks[0].Decision.AllowWith[0] != "deployment-in-progress:shop-service" {
		t.Errorf("document %+v", doc)
	}
	text := res.Failed(err, false).Error()
	if !strings.HasPrefix(text, "stack shop-service, change set gate-json") || !strings.Contains(text, "refused:") {
		t.Errorf("text:\n%s", text)
	}
	plain := errors.New("stack shop-ecr ended UPDATE_ROLLBACK_COMPLETE")
	if got := (Result{}).Failed(plain, false); got != plain {
		t.Errorf("a plain failure in text is returned as is: %v", got)
	}
	if got := (Result{}).Failed(plain, true); got != plain {
		t.Errorf("a failure before any review is no document: %v", got)
	}
}
