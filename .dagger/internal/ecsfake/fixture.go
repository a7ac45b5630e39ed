package ecsfake

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// Listeners are the load-balancing resources a blue/green service needs,
// created in moto's EC2 and ELBv2: a VPC with two subnets, an ALB, the blue
// and green target groups, a production listener on :80 and a test listener
// on :8080 (default action fixed-response, as ECS requires), and one rule on
// each listener forwarding to both target groups (blue 100 %, green 0 %).
type Listeners struct {
	VpcID          string
	Subnets        []string
	LoadBalancer   string
	Blue, Green    string // target group ARNs
	ProductionRule string
	TestRule       string
}

// NewListeners creates Listeners in the moto server at endpoint (the
// stand-in's URL or moto's own). With onlyBlue the rules forward to blue
// alone, which ECS refuses for a blue/green service; its resources carry the
// prefix "single-" so both kinds can live in one account.
func NewListeners(t testing.TB, endpoint string, onlyBlue bool) Listeners {
	t.Helper()
	prefix := ""
	if onlyBlue {
		prefix = "single-"
	}
	q := queryClient{endpoint: endpoint + "/", region: "us-east-1", accessKey: "testing", http: &http.Client{Timeout: 30 * time.Second}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("creating the test load balancer: %v", err)
		}
	}
	var l Listeners
	var vpc struct {
		ID string `xml:"vpc>vpcId"`
	}
	must(q.call("ec2", "2016-11-15", "CreateVpc", url.Values{"CidrBlock": {"10.0.0.0/16"}}, &vpc))
	l.VpcID = vpc.ID
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		var sn struct {
			ID string `xml:"subnet>subnetId"`
		}
		must(q.call("ec2", "2016-11-15", "CreateSubnet", url.Values{"VpcId": {l.VpcID}, "CidrBlock": {"10.0." + strconv.Itoa(i) + ".0/24"}, "AvailabilityZone": {az}}, &sn))
		l.Subnets = append(l.Subnets, sn.ID)
	}
	var lb struct {
		Arn string `xml:"CreateLoadBalancerResult>LoadBalancers>member>LoadBalancerArn"`
	}
	must(q.call("elasticloadbalancing", elbv2Version, "CreateLoadBalancer", url.Values{"Name": {prefix + "web"}, "Subnets.member.1": {l.Subnets[0]}, "Subnets.member.2": {l.Subnets[1]}}, &lb))
	l.LoadBalancer = lb.Arn
	for _, tg := range []struct {
		name string
		arn  *string
	}{{"blue", &l.Blue}, {"green", &l.Green}} {
		var out struct {
			Arn string `xml:"CreateTargetGroupResult>TargetGroups>member>TargetGroupArn"`
		}
		must(q.call("elasticloadbalancing", elbv2Version, "CreateTargetGroup", url.Values{"Name": {prefix + tg.name}, "Protocol": {"HTTP"}, "Port": {"3000"}, "VpcId": {l.VpcID}, "TargetType": {"ip"}}, &out))
		*tg.arn = out.Arn
	}
	for _, ln := range []struct {
		port string
		rule *string
	}{{"80", &l.ProductionRule}, {"8080", &l.TestRule}} {
		var listener struct {
			Arn string `xml:"CreateListenerResult>Listeners>member>ListenerArn"`
		}
		must(q.call("elasticloadbalancing", elbv2Version, "CreateListener", url.Values{
			"LoadBalancerArn": {l.LoadBalancer}, "Protocol": {"HTTP"}, "Port": {ln.port},
			"DefaultActions.member.1.Type":                            {"fixed-response"},
			"DefaultActions.member.1.FixedResponseConfig.StatusCode":  {"404"},
			"DefaultActions.member.1.FixedResponseConfig.ContentType": {"text/plain"},
		}, &listener))
		params := url.Values{
			"ListenerArn": {listener.Arn}, "Priority": {"10"},
			"Conditions.member.1.Field":                                           {"path-pattern"},
			"Conditions.member.1.PathPatternConfig.Values.member.1":               {"/*"},
			"Actions.member.1.Type":                                               {"forward"},
			"Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn": {l.Blue},
			"Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight":         {"999"},
		}
		if !onlyBlue {
			params.Set("Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", l.Green)
			params.Set("Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "0")
		}
		var rule struct {
			Arn string `xml:"CreateRuleResult>Rules>member>RuleArn"`
		}
		must(q.call("elasticloadbalancing", elbv2Version, "CreateRule", params, &rule))
		*ln.rule = rule.Arn
	}
	return l
}

// RuleWeights reads the target-group weights of a listener rule from ELBv2.
func RuleWeights(t testing.TB, endpoint, ruleArn string) map[string]int {
	t.Helper()
	r, err := elbv2Rules{q: queryClient{endpoint: endpoint + "/", region: "us-east-1", accessKey: "testing", http: &http.Client{Timeout: 30 * time.Second}}}.rule(ruleArn)
	if err != nil {
		t.Fatalf("reading listener rule %s: %v", ruleArn, err)
	}
	return r.weights
}
