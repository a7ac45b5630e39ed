// Package albtest creates, in the test binary's moto server, the load
// balancer a blue/green service routes through: an ALB in moto's default VPC,
// blue and green target groups, a production listener (:80) and a test
// listener (:8080), each with a rule forwarding to both target groups by
// weight — where ECS blue/green deployments (and the ECS stand-in) shift
// traffic — and a default action forwarding the same way, where CodeDeploy
// shifts it.
package albtest

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// ALB is what New created.
type ALB struct {
	LoadBalancer                     string
	Blue, Green                      string // target group ARNs
	ProductionListener, TestListener string
	ProductionRule, TestRule         string
}

// New creates an ALB through the ELBv2 client (pointed at moto, whose
// endpoint is given for the one EC2 read: its default subnets). Every rule and
// default action starts at blue 999, green 0.
func New(t testing.TB, api *elbv2.Client, endpoint string) ALB {
	t.Helper()
	ctx := context.Background()
	vpc, subnets := defaultSubnets(t, endpoint)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("creating the test load balancer: %v", err)
		}
	}
	var a ALB
	lb, err := api.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: subnets[:2]})
	must(err)
	a.LoadBalancer = *lb.LoadBalancers[0].LoadBalancerArn
	for _, tg := range []struct {
		name string
		arn  *string
	}{{"blue", &a.Blue}, {"green", &a.Green}} {
		out, err := api.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
			Name: aws.String(tg.name), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(3000),
			VpcId: aws.String(vpc), TargetType: elbtypes.TargetTypeEnumIp,
		})
		must(err)
		*tg.arn = *out.TargetGroups[0].TargetGroupArn
	}
	for _, ln := range []struct {
		port           int32
		listener, rule *string
	}{{80, &a.ProductionListener, &a.ProductionRule}, {8080, &a.TestListener, &a.TestRule}} {
		out, err := api.CreateListener(ctx, &elbv2.CreateListenerInput{
			LoadBalancerArn: aws.String(a.LoadBalancer), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(ln.port),
			DefaultActions: Forward(map[string]int32{a.Blue: 999, a.Green: 0}),
		})
		must(err)
		*ln.listener = *out.Listeners[0].ListenerArn
		rule, err := api.CreateRule(ctx, &elbv2.CreateRuleInput{
			ListenerArn: ln.listener, Priority: aws.Int32(10),
			Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/*"}}}},
			Actions:    Forward(map[string]int32{a.Blue: 999, a.Green: 0}),
		})
		must(err)
		*ln.rule = *rule.Rules[0].RuleArn
	}
	return a
}

// Forward is a forward action sending to the target groups by weight.
func Forward(weights map[string]int32) []elbtypes.Action {
	var tgs []elbtypes.TargetGroupTuple
	for arn, w := range weights {
		tgs = append(tgs, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(arn), Weight: aws.Int32(w)})
	}
	return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: tgs}}}
}

// SetRule rewrites a rule's forward weights, as a deployment does.
func SetRule(t testing.TB, api *elbv2.Client, rule string, weights map[string]int32) {
	t.Helper()
	if _, err := api.ModifyRule(context.Background(), &elbv2.ModifyRuleInput{RuleArn: aws.String(rule), Actions: Forward(weights)}); err != nil {
		t.Fatalf("ModifyRule %s: %v", rule, err)
	}
}

// SetListener rewrites a listener's default forward weights, as CodeDeploy does.
func SetListener(t testing.TB, api *elbv2.Client, listener string, weights map[string]int32) {
	t.Helper()
	if _, err := api.ModifyListener(context.Background(), &elbv2.ModifyListenerInput{ListenerArn: aws.String(listener), DefaultActions: Forward(weights)}); err != nil {
		t.Fatalf("ModifyListener %s: %v", listener, err)
	}
}

// defaultSubnets reads moto's default VPC and its subnets with a plain EC2
// query call (the module has no EC2 client of its own to reuse).
func defaultSubnets(t testing.TB, endpoint string) (string, []string) {
	t.Helper()
	form := url.Values{"Action": {"DescribeSubnets"}, "Version": {"2016-11-15"}, "Filter.1.Name": {"default-for-az"}, "Filter.1.Value.1": {"true"}}
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(endpoint, "/")+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	// moto routes by the signing name in the credential scope and checks no signature.
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("EC2 DescribeSubnets: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct {
		Subnets []struct {
			ID  string `xml:"subnetId"`
			VPC string `xml:"vpcId"`
		} `xml:"subnetSet>item"`
	}
	if err := xml.Unmarshal(body, &out); err != nil || len(out.Subnets) < 2 {
		t.Fatalf("EC2 DescribeSubnets: want at least two default subnets, got HTTP %d: %s (%v)", resp.StatusCode, body, err)
	}
	ids := make([]string, len(out.Subnets))
	for i, s := range out.Subnets {
		ids[i] = s.ID
	}
	return out.Subnets[0].VPC, ids
}
