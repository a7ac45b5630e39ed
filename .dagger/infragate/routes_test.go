package infragate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"

	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

// documents answers DescribeChangeSet with DescribeChangeSet documents (by
// change set name or ARN), DescribeStacks with a codedeploy service stack,
// and records deletions. Only those calls are meant to be made.
type documents struct {
	CloudFormationAPI
	docs    map[string]*cloudformation.DescribeChangeSetOutput
	deleted []string
}

func (d *documents) DescribeChangeSet(_ context.Context, in *cloudformation.DescribeChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error) {
	if doc, ok := d.docs[aws.ToString(in.ChangeSetName)]; ok {
		return doc, nil
	}
	return nil, &smithy.GenericAPIError{Code: "ChangeSetNotFound", Message: "ChangeSet [" + aws.ToString(in.ChangeSetName) + "] does not exist"}
}

func (d *documents) DeleteChangeSet(_ context.Context, in *cloudformation.DeleteChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error) {
	d.deleted = append(d.deleted, aws.ToString(in.ChangeSetName))
	return &cloudformation.DeleteChangeSetOutput{}, nil
}

func (d *documents) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return &cloudformation.DescribeStacksOutput{Stacks: []cftypes.Stack{{
		StackName: aws.String("shop-service"), StackStatus: cftypes.StackStatusUpdateComplete,
		Outputs: []cftypes.Output{{OutputKey: aws.String("DeploymentMode"), OutputValue: aws.String("codedeploy")}},
	}}}, nil
}

// document reads a DescribeChangeSet document of the changeset package's
// test data, with replacements applied (old, new, …).
func document(t *testing.T, name string, replace ...string) *cloudformation.DescribeChangeSetOutput {
	t.Helper()
	data, err := os.ReadFile("../changeset/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(replace...).Replace(string(data))
	var out cloudformation.DescribeChangeSetOutput
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestNestedChangeSetsAreFollowed: the root change set shows one nested
// stack Modify; the target group replacement inside it is refused, and
// the root change set is deleted. A nested change set that cannot be read
// fails the review, and the root is deleted too.
func TestNestedChangeSetsAreFollowed(t *testing.T) {
	root, child := document(t, "nested-root.json"), document(t, "nested-routing.json")
	api := &documents{docs: map[string]*cloudformation.DescribeChangeSetOutput{
		aws.ToString(root.ChangeSetName): root, aws.ToString(child.ChangeSetId): child,
	}}
	var out bytes.Buffer
	report, err := Run(context.Background(), Clients{CloudFormation: api}, Request{Stack: "shop-service", ChangeSet: aws.ToString(root.ChangeSetName), Options: Options{Out: &out, Clock: newInstantClock()}})
	var refusal *changeset.RefusalError
	if !errors.As(err, &refusal) {
		t.Fatalf("want a refusal, got %v\n%s", err, out.String())
	}
	want := "replace-target-group:shop-service/RoutingNestedStackRoutingNestedStackResourceE1F2A3B4/Blue5B4C3D2E"
	if !slices.Equal(report.Decision.AllowWith, []string{want}) || !strings.Contains(err.Error(), "--allow "+want) {
		t.Errorf("allow %v; refusal %v", report.Decision.AllowWith, err)
	}
	if !slices.Equal(api.deleted, []string{aws.ToString(root.ChangeSetName)}) {
		t.Errorf("deleted %v, want the root change set", api.deleted)
	}

	delete(api.docs, aws.ToString(child.ChangeSetId))
	api.deleted = nil
	_, err = Run(context.Background(), Clients{CloudFormation: api}, Request{Stack: "shop-service", ChangeSet: aws.ToString(root.ChangeSetName), Options: Options{Out: &out, Clock: newInstantClock()}})
	if err == nil || !strings.Contains(err.Error(), "reading the change set of nested stack RoutingNestedStackRoutingNestedStackResourceE1F2A3B4") {
		t.Fatalf("error %v", err)
	}
	if !slices.Equal(api.deleted, []string{aws.ToString(root.ChangeSetName)}) {
		t.Errorf("deleted %v, want the unreviewed root change set", api.deleted)
	}
}

// ec2Call makes one EC2 Query API call on moto (the project has no EC2
// client; moto tells the service from the credential scope) and returns
// the first value of the named XML element.
func ec2Call(t *testing.T, endpoint, element string, params url.Values) string {
	t.Helper()
	params.Set("Version", "2016-11-15")
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(params.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+moto.AccessKey+"/20260101/"+moto.Region+"/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile("<" + element + ">([^<]+)<").FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("%s: %d %s", params.Get("Action"), resp.StatusCode, body)
	}
	return string(m[1])
}

// liveALB is a load balancer in moto standing for a deployed codedeploy
// service: production (:80) and test (:8080) listeners on blue.
type liveALB struct {
	lb, prod, test, blue, green string
}

func newLiveALB(t *testing.T, cfg aws.Config) (*elb.Client, liveALB) {
	t.Helper()
	ctx := context.Background()
	api := elb.NewFromConfig(cfg)
	endpoint := aws.ToString(cfg.BaseEndpoint)
	vpc := ec2Call(t, endpoint, "vpcId", url.Values{"Action": {"CreateVpc"}, "CidrBlock": {"10.0.0.0/16"}})
	var subnets []string
	for i, az := range []string{"a", "b"} {
		subnets = append(subnets, ec2Call(t, endpoint, "subnetId", url.Values{"Action": {"CreateSubnet"}, "VpcId": {vpc},
			"CidrBlock": {fmt.Sprintf("10.0.%d.0/24", i+1)}, "AvailabilityZone": {moto.Region + az}}))
	}
	lb, err := api.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("shop-alb"), Subnets: subnets})
	if err != nil {
		t.Fatal(err)
	}
	a := liveALB{lb: aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)}
	for _, c := range []struct {
		name string
		arn  *string
	}{{"shop-blue", &a.blue}, {"shop-green", &a.green}} {
		tg, err := api.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(c.name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), VpcId: aws.String(vpc), TargetType: elbtypes.TargetTypeEnumIp})
		if err != nil {
			t.Fatal(err)
		}
		*c.arn = aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	}
	for _, c := range []struct {
		port int32
		arn  *string
	}{{80, &a.prod}, {8080, &a.test}} {
		l, err := api.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(a.lb), Port: aws.Int32(c.port), Protocol: elbtypes.ProtocolEnumHttp,
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(a.blue)}}})
		if err != nil {
			t.Fatal(err)
		}
		*c.arn = aws.ToString(l.Listeners[0].ListenerArn)
	}
	return api, a
}

// moveProduction points a listener at one target group, as CodeDeploy does.
func moveProduction(t *testing.T, api *elb.Client, listener, tg string) {
	t.Helper()
	if _, err := api.ModifyListener(context.Background(), &elb.ModifyListenerInput{ListenerArn: aws.String(listener),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(tg), Weight: aws.Int32(1)}}}}}}); err != nil {
		t.Fatal(err)
	}
}

func TestReadServingReadsDefaultActionsAndRules(t *testing.T) {
	api, a := newLiveALB(t, awstest.MotoConfig(t))
	got, err := ReadServing(context.Background(), api, []string{a.prod, a.lb})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[a.prod], []string{a.blue}) || !slices.Equal(got[a.lb], []string{a.blue}) {
		t.Fatalf("serving %v", got)
	}
	// A rule sending part of the test listener's traffic to green, and a
	// zero-weight forward to green on production: green gets test traffic only.
	if _, err := api.CreateRule(context.Background(), &elb.CreateRuleInput{ListenerArn: aws.String(a.test), Priority: aws.Int32(5),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/canary/*"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(a.green)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.ModifyListener(context.Background(), &elb.ModifyListenerInput{ListenerArn: aws.String(a.prod),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(a.blue), Weight: aws.Int32(100)}, {TargetGroupArn: aws.String(a.green), Weight: aws.Int32(0)}}}}}}); err != nil {
		t.Fatal(err)
	}
	got, err = ReadServing(context.Background(), api, []string{a.prod, a.test, a.lb})
	if err != nil {
		t.Fatal(err)
	}
	both := []string{a.blue, a.green}
	slices.Sort(both)
	if !slices.Equal(got[a.prod], []string{a.blue}) || !slices.Equal(got[a.test], both) || !slices.Equal(got[a.lb], both) {
		t.Fatalf("serving %v", got)
	}
}

// TestMigrationRulesAreCheckedAgainstTheLiveListeners: the codedeploy →
// ecs migration's change set (its /* rules forward to blue) on a load
// balancer in moto: allowed, with the reason, while production is on blue;
// refused once CodeDeploy has moved production to green.
func TestMigrationRulesAreCheckedAgainstTheLiveListeners(t *testing.T) {
	api, a := newLiveALB(t, awstest.MotoConfig(t))
	doc := document(t, "codedeploy-to-ecs-migration.json",
		"arn:aws:elasticloadbalancing:eu-west-1:210987654321:listener/app/shop-alb/50dc6c495c0c9188/f2f7dc8efc522ab2", a.prod,
		"arn:aws:elasticloadbalancing:eu-west-1:210987654321:listener/app/shop-alb/50dc6c495c0c9188/0467ef3c8400ae65", a.test,
		"arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/shop-blue/73e2d6bc24d8a067", a.blue,
		"arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/shop-green/2453ed029918f21f", a.green)
	cfn := &documents{docs: map[string]*cloudformation.DescribeChangeSetOutput{"review-migrate-ecs": doc}}
	run := func(dryRun bool) (changeset.Report, error, string) {
		var out bytes.Buffer
		report, err := Run(context.Background(), Clients{CloudFormation: cfn, ELB: api}, Request{Stack: "shop-service", ChangeSet: "review-migrate-ecs",
			Options: Options{DryRun: dryRun, Out: &out, Clock: newInstantClock()}})
		return report, err, out.String()
	}

	report, err, out := run(true)
	if err != nil || len(report.Decision.Blocking) != 0 {
		t.Fatalf("production on blue: %v %+v\n%s", err, report.Decision, out)
	}
	if !strings.Contains(out, "forwards all its traffic to target group shop-blue, which serves that traffic now") {
		t.Errorf("the review does not give the reason:\n%s", out)
	}

	moveProduction(t, api, a.prod, a.green)
	cfn.deleted = nil
	report, err, out = run(false)
	var refusal *changeset.RefusalError
	if !errors.As(err, &refusal) || !slices.Equal(report.Decision.Blocking, []changeset.Class{changeset.TakesLiveTraffic}) {
		t.Fatalf("production on green: %v %+v\n%s", err, report.Decision, out)
	}
	if !strings.Contains(err.Error(), "--allow takes-live-traffic:shop-service/ProductionRuleC0A1B2D3") ||
		!strings.Contains(out, "would send its traffic to target group shop-blue, but target group shop-green serves it now") {
		t.Errorf("refusal %v\n%s", err, out)
	}
	if !slices.Equal(cfn.deleted, []string{"review-migrate-ecs"}) {
		t.Errorf("deleted %v", cfn.deleted)
	}

	// Without a load-balancer client the routes cannot be judged: refused.
	var buf bytes.Buffer
	report, _ = Run(context.Background(), Clients{CloudFormation: cfn}, Request{Stack: "shop-service", ChangeSet: "review-migrate-ecs", Options: Options{DryRun: true, Out: &buf, Clock: newInstantClock()}})
	if !slices.Equal(report.Decision.Blocking, []changeset.Class{changeset.TakesLiveTraffic}) {
		t.Errorf("unread listeners: %+v", report.Decision)
	}
}
