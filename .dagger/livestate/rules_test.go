package livestate

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"dagger/ecs-bluegreen/internal/awstest"
)

// setRule points a listener rule at target groups with weights, as ECS does.
func setRule(t *testing.T, lb *elb.Client, rule string, weights map[string]int32) {
	t.Helper()
	var tgs []elbtypes.TargetGroupTuple
	for arn, w := range weights {
		tgs = append(tgs, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(arn), Weight: aws.Int32(w)})
	}
	_, err := lb.ModifyRule(context.Background(), &elb.ModifyRuleInput{
		RuleArn: aws.String(rule),
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: tgs}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// In ecs mode ECS shifts the rules' weights and never the listeners'
// default actions: the rules say what serves.
func TestReadFollowsTheRules(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	ids := deployed(t, cfg, "webapp-service", "ecs")
	blue, green := ids["Blue9A8B7C6D"], ids["Green9DCBBC03"]
	prodRule, testRule := ids["ProductionRule1C2D3E4F"], ids["TestRule5A6B7C8D"]
	ctx := context.Background()
	var alarms []string

	got, err := Read(ctx, cfg, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	want := State{ProductionTarget: "blue", TestTarget: "blue", ProductionListenerTarget: "blue", TestListenerTarget: "green",
		TaskDefinition: ids["TaskDefinitionB36D86D9"], Mode: "ecs", Stack: "webapp-service", Alarms: alarms}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("as deployed:\n got %+v\nwant %+v", got, want)
	}

	// One ECS deployment later both rules serve green; the listeners still
	// say what they said.
	lb := elb.NewFromConfig(cfg)
	setRule(t, lb, prodRule, map[string]int32{blue: 0, green: 100})
	setRule(t, lb, testRule, map[string]int32{blue: 0, green: 100})
	v2 := release(t, cfg, imageV2)
	if got, err = Read(ctx, cfg, "webapp-service"); err != nil {
		t.Fatal(err)
	}
	want.ProductionTarget, want.TestTarget, want.TaskDefinition = "green", "green", v2
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after a deployment:\n got %+v\nwant %+v", got, want)
	}
	if c := got.Context(); !reflect.DeepEqual(c, map[string]string{
		KeyProductionTarget: "green", KeyTestTarget: "green", KeyProductionListenerTarget: "blue", KeyTestListenerTarget: "green",
		KeyDeploymentMode: "ecs", KeyTaskDefinition: v2,
	}) {
		t.Fatalf("context %v", c)
	}

	// A rule caught mid-shift stops the run, as a listener does.
	setRule(t, lb, prodRule, map[string]int32{blue: 40, green: 60})
	_, err = Read(ctx, cfg, "webapp-service")
	if err == nil || !strings.Contains(err.Error(), "production listener rule of webapp-service") || !strings.Contains(err.Error(), "shifting traffic") {
		t.Fatalf("split traffic on the rule: err = %v", err)
	}
	setRule(t, lb, prodRule, map[string]int32{blue: 0, green: 100})
	setRule(t, lb, testRule, map[string]int32{blue: 100, green: 1})
	_, err = Read(ctx, cfg, "webapp-service")
	if err == nil || !strings.Contains(err.Error(), "test listener rule of webapp-service") {
		t.Fatalf("split traffic on the test rule: err = %v", err)
	}
}
