package changeset

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// The live listeners and target groups of the migration document.
const (
	prodListener = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:listener/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
	testListener = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:listener/app/shop-alb/50dc6c495c0c9188/0467ef3c8400ae65"
	shopALB      = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:loadbalancer/app/shop-alb/50dc6c495c0c9188"
	blueTG       = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/shop-blue/73e2d6bc24d8a067"
	greenTG      = "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/shop-green/2453ed029918f21f"
)

func finding(t *testing.T, r Review, resource string) Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Resource() == resource {
			return f
		}
	}
	t.Fatalf("no finding for %s in %+v", resource, r.Findings)
	return Finding{}
}

// TestMigrationRulesAreJudgedAgainstTheLiveListeners: the codedeploy → ecs
// migration adds /* rules on the live listeners. With production on blue
// (where the rules forward) they are allowed, with the reason; on green
// they are refused, naming the migration's precondition.
func TestMigrationRulesAreJudgedAgainstTheLiveListeners(t *testing.T) {
	doc := []*cloudformation.DescribeChangeSetOutput{load(t, "codedeploy-to-ecs-migration.json")}
	if got := TrafficSources(ChangeSet{Pages: doc}); !reflect.DeepEqual(got, []string{testListener, prodListener}) {
		t.Errorf("traffic sources %v", got)
	}
	onBlue := Classify(doc, Live{Mode: ModeCodeDeploy, Serving: map[string][]string{prodListener: {blueTG}, testListener: {blueTG}}})
	if d := Decide(onBlue, nil, false); d.Action != Execute {
		t.Fatalf("production on blue: %+v\n%+v", d, onBlue.Findings)
	}
	for _, id := range []string{"ProductionRuleC0A1B2D3", "TestRuleE4F5A6B7"} {
		f := finding(t, onBlue, id)
		if f.Verdict != Care || !strings.Contains(f.Reason, "forwards all its traffic to target group shop-blue, which serves that traffic now") {
			t.Errorf("%s: %s %q", id, f.Verdict, f.Reason)
		}
	}
	// The controller switch is the migration, not a CODE_DEPLOY update.
	if f := finding(t, onBlue, "ShopService7A3F0B19"); f.Verdict != Care || !strings.Contains(f.Reason, "CODE_DEPLOY → ECS") {
		t.Errorf("service: %s %q", f.Verdict, f.Reason)
	}

	onGreen := Classify(doc, Live{Mode: ModeCodeDeploy, Serving: map[string][]string{prodListener: {greenTG}, testListener: {blueTG}}})
	d := Decide(onGreen, nil, false)
	if d.Action != Refuse || !reflect.DeepEqual(d.Blocking, []Class{TakesLiveTraffic}) ||
		!reflect.DeepEqual(d.AllowWith, []string{"takes-live-traffic:shop-service/ProductionRuleC0A1B2D3"}) {
		t.Fatalf("production on green: %+v", d)
	}
	if f := finding(t, onGreen, "ProductionRuleC0A1B2D3"); !strings.Contains(f.Reason, "codedeploy → ecs migration production must first be on the target group the new rules forward to") ||
		f.Allow != "takes-live-traffic:shop-service/ProductionRuleC0A1B2D3" {
		t.Errorf("reason %q allow %q", f.Reason, f.Allow)
	}
	// Nothing known about the listeners: refused, not guessed.
	unknown := Classify(doc, Live{Mode: ModeCodeDeploy})
	if f := finding(t, unknown, "TestRuleE4F5A6B7"); f.Class != TakesLiveTraffic || !strings.Contains(f.Reason, "could not be read") {
		t.Errorf("unknown listener: %+v", f)
	}
}

func routeChange(action, typ, logical, after string, details ...string) string {
	c := change(action, typ, logical, "False", details...)
	return strings.TrimSuffix(c, "}") + `, "AfterContext": ` + quote(after) + "}"
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func TestNewRoutesOnLiveListeners(t *testing.T) {
	serving := Live{Serving: map[string][]string{prodListener: {blueTG}, shopALB: {blueTG}}}
	cases := []struct {
		name, change string
		verdict      Verdict
		words        string
	}{
		{"rule on a listener the change set creates", routeChange("Add", typeListenerRule, "NewRule",
			`{"Properties":{"ListenerArn":"{{changeSet:KNOWN_AFTER_APPLY}}","Actions":[{"Type":"forward","TargetGroupArn":"`+greenTG+`"}]}}`), Safe, "no traffic reaches it yet"},
		{"rule on a listener known after apply, none created", routeChange("Add", typeListenerRule, "NewRule",
			`{"Properties":{"ListenerArn":"{{changeSet:KNOWN_AFTER_APPLY}}","Actions":[{"Type":"forward","TargetGroupArn":"`+greenTG+`"}]}}`), Refused, "yet the change set creates none"},
		{"fixed-response rule on the live listener", routeChange("Add", typeListenerRule, "Maintenance",
			`{"Properties":{"ListenerArn":"`+prodListener+`","Priority":"5","Actions":[{"Type":"fixed-response","FixedResponseConfig":{"StatusCode":"503"}}]}}`), Refused, "answers requests itself (fixed-response)"},
		{"rule forwarding to a new target group", routeChange("Add", typeListenerRule, "Canary",
			`{"Properties":{"ListenerArn":"`+prodListener+`","Actions":[{"Type":"forward","TargetGroupArn":"{{changeSet:KNOWN_AFTER_APPLY}}"}]}}`), Refused, "a target group the change set creates"},
		{"weighted rule splitting live traffic", routeChange("Add", typeListenerRule, "Split",
			`{"Properties":{"ListenerArn":"`+prodListener+`","Actions":[{"Type":"forward","ForwardConfig":{"TargetGroups":[{"TargetGroupArn":"`+blueTG+`","Weight":50},{"TargetGroupArn":"`+greenTG+`","Weight":50}]}}]}}`), Refused, "target group shop-blue and target group shop-green"},
		{"rule with authentication before the live forward", routeChange("Add", typeListenerRule, "Auth",
			`{"Properties":{"ListenerArn":"`+prodListener+`","Actions":[{"Type":"authenticate-oidc","Order":1},{"Type":"forward","Order":2,"TargetGroupArn":"`+blueTG+`"}]}}`), Care, "serves that traffic now"},
		{"rule without property values", change("Add", typeListenerRule, "Blind", ""), Refused, "no property values"},
		{"new listener on the live load balancer, to the serving group", routeChange("Add", typeListener, "Https",
			`{"Properties":{"LoadBalancerArn":"`+shopALB+`","Port":"443","DefaultActions":[{"Type":"forward","TargetGroupArn":"`+blueTG+`"}]}}`), Care, "load balancer shop-alb"},
		{"new HTTP → HTTPS redirect listener on the live load balancer", routeChange("Add", typeListener, "Redirect",
			`{"Properties":{"LoadBalancerArn":"`+shopALB+`","Port":"80","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}]}}`), Care, "answers requests on its own port itself (redirect)"},
		{"new listener on the live load balancer, to the idle group", routeChange("Add", typeListener, "Https",
			`{"Properties":{"LoadBalancerArn":"`+shopALB+`","Port":"443","DefaultActions":[{"Type":"forward","TargetGroupArn":"`+greenTG+`"}]}}`), Refused, "but target group shop-blue serves it now"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changes := []string{tc.change}
			if strings.Contains(tc.name, "the change set creates") {
				changes = append(changes, routeChange("Add", typeListener, "Admin",
					`{"Properties":{"LoadBalancerArn":"`+shopALB+`","Port":"9000","DefaultActions":[{"Type":"forward","TargetGroupArn":"`+blueTG+`"}]}}`))
			}
			r := Classify(pages(t, changes...), serving)
			f := finding(t, r, strings.SplitN(strings.SplitN(tc.change, `"LogicalResourceId": "`, 2)[1], `"`, 2)[0])
			if f.Verdict != tc.verdict || !strings.Contains(f.Reason, tc.words) {
				t.Fatalf("%s %s %q, want %s saying %q", f.Verdict, f.Class, f.Reason, tc.verdict, tc.words)
			}
			if f.Verdict == Refused && f.Class != TakesLiveTraffic {
				t.Errorf("class %s", f.Class)
			}
		})
	}
}

// TestRewrittenForwardOutsideECSMode: a listener whose default action the
// template rewrites must keep forwarding where the last deployment left it;
// a weighted forward that attaches another target group is refused.
func TestRewrittenForwardOutsideECSMode(t *testing.T) {
	rewrite := func(tg string) string {
		c := change("Modify", typeListener, "ProdListener", "False", prop("DefaultActions", "Never"))
		c = strings.Replace(c, `"PhysicalResourceId": "phys-ProdListener"`, `"PhysicalResourceId": "`+prodListener+`"`, 1)
		return strings.TrimSuffix(c, "}") + `, "AfterContext": ` + quote(`{"Properties":{"DefaultActions":[{"Type":"forward","TargetGroupArn":"`+tg+`"}]}}`) + "}"
	}
	live := Live{Mode: ModeCodeDeploy, Serving: map[string][]string{prodListener: {greenTG}}}
	if got := TrafficSources(ChangeSet{Pages: pages(t, rewrite(blueTG))}); !slices.Equal(got, []string{prodListener}) {
		t.Errorf("traffic sources %v", got)
	}
	if f := Classify(pages(t, rewrite(blueTG)), live).Findings[0]; f.Class != TakesLiveTraffic {
		t.Errorf("back to blue while green serves: %+v", f)
	}
	if f := Classify(pages(t, rewrite(greenTG)), live).Findings[0]; f.Verdict != Care {
		t.Errorf("staying on green: %+v", f)
	}
	// A rule (no mode: a stack without the service outputs) whose weighted
	// forward gains blue next to green.
	attach := routeChange("Modify", typeListenerRule, "ApiRule",
		`{"Properties":{"ListenerArn":"`+prodListener+`","Actions":[{"Type":"forward","ForwardConfig":{"TargetGroups":[`+
			`{"TargetGroupArn":"`+greenTG+`","Weight":"90"},{"TargetGroupArn":"`+blueTG+`","Weight":"10"}]}}]}}`, prop("Actions", "Never"))
	if f := Classify(pages(t, attach), Live{Serving: live.Serving}).Findings[0]; f.Class != TakesLiveTraffic || !strings.Contains(f.Reason, "target group shop-blue and target group shop-green") {
		t.Errorf("attached target group: %+v", f)
	}
	// In ECS-native mode the same rewrite resets the shifted weights.
	if f := Classify(pages(t, attach), Live{Mode: ModeECS, Serving: live.Serving}).Findings[0]; f.Class != ListenerWeightReset {
		t.Errorf("ecs mode: %+v", f)
	}
}

// TestCodeDeployServiceRefusesEveryPropertyUpdateServiceRefuses: the ECS
// API lets a CODE_DEPLOY service change only its desired count, deployment
// configuration, health check grace period, placement and tag settings.
func TestCodeDeployServiceRefusesEveryPropertyUpdateServiceRefuses(t *testing.T) {
	for _, name := range []string{"NetworkConfiguration", "PlatformVersion", "CapacityProviderStrategy", "ServiceConnectConfiguration",
		"ServiceRegistries", "VolumeConfigurations", "EnableExecuteCommand", "TaskDefinition", "LoadBalancers"} {
		r := Classify(pages(t, change("Modify", "AWS::ECS::Service", "ShopService", "False", prop(name, "Never"))), Live{Mode: ModeCodeDeploy})
		if f := r.Findings[0]; f.Class != CodeDeployServiceUpdate || !strings.HasPrefix(f.Reason, name+" of a CODE_DEPLOY service") {
			t.Errorf("%s: %s %s %q", name, f.Verdict, f.Class, f.Reason)
		}
	}
	for _, name := range []string{"DesiredCount", "DeploymentConfiguration", "HealthCheckGracePeriodSeconds", "PlacementConstraints",
		"PlacementStrategies", "EnableECSManagedTags", "PropagateTags"} {
		r := Classify(pages(t, change("Modify", "AWS::ECS::Service", "ShopService", "False", prop(name, "Never"))), Live{Mode: ModeCodeDeploy})
		if f := r.Findings[0]; f.Verdict != Care {
			t.Errorf("%s is updatable on a CODE_DEPLOY service: %s %s %q", name, f.Verdict, f.Class, f.Reason)
		}
	}
	// Several at once are named together.
	r := Classify(pages(t, change("Modify", "AWS::ECS::Service", "ShopService", "False", prop("DesiredCount", "Never"),
		prop("NetworkConfiguration", "Never"), prop("PlatformVersion", "Never"))), Live{Mode: ModeCodeDeploy})
	if f := r.Findings[0]; !strings.HasPrefix(f.Reason, "NetworkConfiguration and PlatformVersion of a CODE_DEPLOY service") {
		t.Errorf("reason %q", f.Reason)
	}
	// A rolling (ECS) service takes the same change in place.
	r = Classify(pages(t, change("Modify", "AWS::ECS::Service", "ShopService", "False", prop("NetworkConfiguration", "Never"))), Live{Mode: ModeECS})
	if f := r.Findings[0]; f.Verdict != Care {
		t.Errorf("ECS controller: %+v", f)
	}
}

func TestDynamicOffTheTrafficPathNeedsCareOnly(t *testing.T) {
	r := Classify(pages(t, change("Dynamic", "AWS::SSM::Parameter", "Config", "")), Live{})
	if d := Decide(r, nil, false); d.Action != Execute || r.Findings[0].Verdict != Care {
		t.Fatalf("%+v %+v", d, r.Findings)
	}
	for _, typ := range []string{"AWS::ECS::Service", "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ECS::Cluster"} {
		if f := Classify(pages(t, change("Dynamic", typ, "X", "")), Live{}).Findings[0]; f.Class != DynamicServing {
			t.Errorf("%s: %+v", typ, f)
		}
	}
}

// TestNestedStacksAreFollowed: the root shows one nested-stack Modify; the
// replacement of a target group inside it is found and refused, scoped to
// the nested path.
func TestNestedStacksAreFollowed(t *testing.T) {
	root, child := load(t, "nested-root.json"), load(t, "nested-routing.json")
	tree := ChangeSet{Pages: []*cloudformation.DescribeChangeSetOutput{root}, Nested: map[string]ChangeSet{
		*child.ChangeSetId: {Pages: []*cloudformation.DescribeChangeSetOutput{child}},
	}}
	r := ClassifyTree(tree, Live{Mode: ModeCodeDeploy})
	d := Decide(r, nil, false)
	want := "replace-target-group:shop-service/RoutingNestedStackRoutingNestedStackResourceE1F2A3B4/Blue5B4C3D2E"
	if d.Action != Refuse || !reflect.DeepEqual(d.Blocking, []Class{ReplaceTargetGroup}) || !reflect.DeepEqual(d.AllowWith, []string{want}) {
		t.Fatalf("decision %+v; findings %+v", d, r.Findings)
	}
	nested := finding(t, r, "RoutingNestedStackRoutingNestedStackResourceE1F2A3B4/Blue5B4C3D2E")
	if nested.NestedStack != "RoutingNestedStackRoutingNestedStackResourceE1F2A3B4" || !strings.Contains(nested.Reason, "a target group would be replaced (Port changes)") {
		t.Errorf("nested finding %+v", nested)
	}
	if f := finding(t, r, "RoutingNestedStackRoutingNestedStackResourceE1F2A3B4"); f.Verdict != Safe || !strings.Contains(f.Reason, "1 changes are reviewed") {
		t.Errorf("nested stack finding %+v", f)
	}
	allow, err := ParseAllow([]string{want})
	if err != nil {
		t.Fatal(err)
	}
	if d := Decide(r, allow, false); d.Action != Execute {
		t.Errorf("scoped allow: %+v", d)
	}
	table := Report{Review: r, Decision: d}.Table()
	if !strings.Contains(table, "--allow "+want) {
		t.Errorf("table:\n%s", table)
	}

	// Without ChangeSetId (prepared without nested stacks), or removed.
	for action, words := range map[string]string{"Modify": "without nested stacks", "Remove": "deleted with every resource in it", "Add": "what it would create is unknown"} {
		r := Classify(pages(t, change(action, "AWS::CloudFormation::Stack", "Routing", "")), Live{})
		if f := r.Findings[0]; f.Class != UnreviewedNestedStack || !strings.Contains(f.Reason, words) {
			t.Errorf("%s: %+v", action, f)
		}
	}
}

func TestUnusedAllowancesAreThoseOfReviewedStacksThatMatchNothing(t *testing.T) {
	r := Classify(pages(t, change("Modify", "AWS::ECS::Cluster", "ShopCluster", "True", prop("ClusterName", "Always"))), Live{})
	allow := []Allowance{
		{ReplaceCluster, "shop-service", "ShopCluster"},  // used
		{ReplaceCluster, "shop-service", "ShopClustr"},   // mistyped
		{RemoveServing, "shop-service", "ShopCluster"},   // not what is refused
		{ReplaceCluster, "shop-pipeline", "ShopCluster"}, // a stack not reviewed
	}
	got := Unused([]Report{{Review: r, Decision: Decide(r, allow, false)}}, allow)
	if !reflect.DeepEqual(got, allow[1:3]) {
		t.Fatalf("unused %v", got)
	}
}
