package weightproxy

import (
	"context"
	"errors"
	"strings"
	"testing"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/internal/albtest"
	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// noELB is an ELBv2 API that is never reached.
type noELB struct{}

func (noELB) DescribeRules(context.Context, *elbv2.DescribeRulesInput, ...func(*elbv2.Options)) (*elbv2.DescribeRulesOutput, error) {
	return nil, errors.New("unreachable")
}

func (noELB) DescribeListeners(context.Context, *elbv2.DescribeListenersInput, ...func(*elbv2.Options)) (*elbv2.DescribeListenersOutput, error) {
	return nil, errors.New("unreachable")
}

func motoELB(t *testing.T) (*elbv2.Client, albtest.ALB) {
	t.Helper()
	api := elbv2.NewFromConfig(awstest.MotoConfig(t, awsenv.WithMaxAttempts(1)))
	return api, albtest.New(t, api, moto.Shared(t).URL)
}

func TestListenerSourceReadsRulesAndListeners(t *testing.T) {
	api, alb := motoELB(t)
	ups := map[string]string{alb.Blue: "blue", alb.Green: "green"}
	ctx := context.Background()
	read := func(arn string) Weights {
		t.Helper()
		w, err := ListenerSource{API: api, ARN: arn, Upstreams: ups}.Weights(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if got := read(alb.ProductionRule); !got.Equal(Weights{"blue": 999, "green": 0}) {
		t.Errorf("new production rule: %v", got)
	}
	albtest.SetRule(t, api, alb.ProductionRule, map[string]int32{alb.Blue: 899, alb.Green: 100})
	if got := read(alb.ProductionRule); !got.Equal(Weights{"blue": 899, "green": 100}) {
		t.Errorf("production rule after ModifyRule: %v", got)
	}
	if got := read(alb.TestRule); !got.Equal(Weights{"blue": 999, "green": 0}) {
		t.Errorf("the test rule moved with the production rule: %v", got)
	}
	// A listener's default action, where CodeDeploy shifts traffic.
	albtest.SetListener(t, api, alb.ProductionListener, map[string]int32{alb.Green: 1})
	if got := read(alb.ProductionListener); !got.Equal(Weights{"blue": 0, "green": 1}) {
		t.Errorf("production listener after ModifyListener: %v", got)
	}
}

func TestListenerSourceRefusesWhatItCannotRoute(t *testing.T) {
	api, alb := motoELB(t)
	ctx := context.Background()
	// Green carries traffic but no upstream stands for it.
	albtest.SetRule(t, api, alb.TestRule, map[string]int32{alb.Blue: 1, alb.Green: 3})
	_, err := ListenerSource{API: api, ARN: alb.TestRule, Upstreams: map[string]string{alb.Blue: "blue"}}.Weights(ctx)
	if err == nil || !strings.Contains(err.Error(), "forwards to target groups no upstream stands for: "+alb.Green+" (weight 3)") {
		t.Errorf("unmapped target group with traffic: %v", err)
	}
	// With weight 0 it does not matter.
	albtest.SetRule(t, api, alb.TestRule, map[string]int32{alb.Blue: 1, alb.Green: 0})
	w, err := ListenerSource{API: api, ARN: alb.TestRule, Upstreams: map[string]string{alb.Blue: "blue"}}.Weights(ctx)
	if err != nil || !w.Equal(Weights{"blue": 1}) {
		t.Errorf("unmapped target group without traffic: %v, %v", w, err)
	}
	// A rule that does not exist names itself.
	missing := strings.Replace(alb.TestRule, "/", "/x", 1) // same shape, another id
	_, err = ListenerSource{API: api, ARN: missing, Upstreams: map[string]string{alb.Blue: "blue"}}.Weights(ctx)
	if err == nil || !strings.Contains(err.Error(), "reading listener rule "+missing) {
		t.Errorf("missing rule: %v", err)
	}
}
