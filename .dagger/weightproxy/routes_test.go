package weightproxy

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/internal/albtest"
	"dagger/ecs-bluegreen/stackout"
)

func TestFindRoutesFollowsTheModesShiftingPoint(t *testing.T) {
	api, alb := motoELB(t)
	ctx := context.Background()
	lbs, err := api.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{alb.LoadBalancer}})
	if err != nil {
		t.Fatal(err)
	}
	dns := aws.ToString(lbs.LoadBalancers[0].DNSName)
	ecs := map[string]string{
		stackout.KeyDeploymentMode: stackout.ModeECS, stackout.KeyProductionListenerRule: alb.ProductionRule,
		stackout.KeyTestListenerRule: alb.TestRule, stackout.KeyBlueTargetGroup: alb.Blue, stackout.KeyGreenTargetGroup: alb.Green,
	}
	codeDeploy := map[string]string{
		stackout.KeyDeploymentMode: stackout.ModeCodeDeploy, stackout.KeyProductionUrl: "http://" + dns, stackout.KeyTestUrl: "http://" + dns + ":8080",
	}

	r, err := FindRoutes(ctx, api, ecs)
	if err != nil {
		t.Fatal(err)
	}
	if r.Production != alb.ProductionRule || r.Test != alb.TestRule || r.Serving != alb.Blue || r.Releasing != alb.Green {
		t.Errorf("ecs mode: %+v, want the rules, blue serving", r)
	}
	if r.TargetGroupOf(Serving) != alb.Blue || r.TargetGroupOf(Releasing) != alb.Green || r.TargetGroupOf("nobody") != "" {
		t.Errorf("TargetGroupOf: %q, %q", r.TargetGroupOf(Serving), r.TargetGroupOf(Releasing))
	}
	// After an odd number of releases production is on green: green is
	// what serves, and blue gets the next release.
	albtest.SetRule(t, api, alb.ProductionRule, map[string]int32{alb.Blue: 0, alb.Green: 999})
	if r, err = FindRoutes(ctx, api, ecs); err != nil || r.Serving != alb.Green || r.Releasing != alb.Blue {
		t.Errorf("ecs mode on green: %+v, %v", r, err)
	}

	albtest.SetListener(t, api, alb.ProductionListener, map[string]int32{alb.Green: 1})
	if r, err = FindRoutes(ctx, api, codeDeploy); err != nil {
		t.Fatal(err)
	}
	if r.Production != alb.ProductionListener || r.Test != alb.TestListener || r.Serving != alb.Green || r.Releasing != alb.Blue {
		t.Errorf("codedeploy mode: %+v, want the listeners, green serving", r)
	}

	// A deployment under way is no starting point.
	albtest.SetRule(t, api, alb.ProductionRule, map[string]int32{alb.Blue: 899, alb.Green: 100})
	if _, err := FindRoutes(ctx, api, ecs); err == nil || !strings.Contains(err.Error(), "deployment is under way") {
		t.Errorf("mid-shift: err = %v", err)
	}
	for name, outputs := range map[string]map[string]string{
		"hook mode":         {stackout.KeyDeploymentMode: stackout.ModeHook},
		"no rule output":    {stackout.KeyDeploymentMode: stackout.ModeECS, stackout.KeyBlueTargetGroup: alb.Blue},
		"no load balancer":  {stackout.KeyDeploymentMode: stackout.ModeCodeDeploy, stackout.KeyProductionUrl: "http://nowhere.example", stackout.KeyTestUrl: "http://nowhere.example:8080"},
		"production no URL": {stackout.KeyDeploymentMode: stackout.ModeCodeDeploy, stackout.KeyProductionUrl: "::", stackout.KeyTestUrl: "http://" + dns + ":8080"},
	} {
		if _, err := FindRoutes(ctx, api, outputs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
