package livestate

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"dagger/ecs-bluegreen/internal/awstest"
	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// serviceTemplate is the part of <app>-service this package reads, with the
// logical ids CDK gives it: a load balancer, the two target groups and the
// two listeners, production on blue and test on green as first deployed,
// and the cluster, task definition and service. An ecs-mode stack also has
// the two listener rules, both on blue.
func serviceTemplate(mode string) string {
	ref := func(id string) map[string]any { return map[string]any{"Ref": id} }
	tg := func() map[string]any {
		return map[string]any{"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": map[string]any{
			"Port": 3000, "Protocol": "HTTP", "TargetType": "ip", "VpcId": ref("Vpc8378EB38")}}
	}
	listener := func(port int, tg string) map[string]any {
		return map[string]any{"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": map[string]any{
			"LoadBalancerArn": ref("LoadBalancerBE9EEC3A"), "Port": port, "Protocol": "HTTP",
			"DefaultActions": []any{map[string]any{"Type": "forward", "TargetGroupArn": ref(tg)}}}}
	}
	subnet := func(cidr, az string) map[string]any {
		return map[string]any{"Type": "AWS::EC2::Subnet", "Properties": map[string]any{"VpcId": ref("Vpc8378EB38"), "CidrBlock": cidr, "AvailabilityZone": az}}
	}
	resources := map[string]any{
		"Vpc8378EB38": map[string]any{"Type": "AWS::EC2::VPC", "Properties": map[string]any{"CidrBlock": "10.0.0.0/16"}},
		"SubnetA":     subnet("10.0.1.0/24", "us-east-1a"),
		"SubnetB":     subnet("10.0.2.0/24", "us-east-1b"),
		"LoadBalancerBE9EEC3A": map[string]any{"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": map[string]any{
			"Scheme": "internet-facing", "Type": "application", "Subnets": []any{ref("SubnetA"), ref("SubnetB")}}},
		"Blue9A8B7C6D":                           tg(),
		"Green9DCBBC03":                          tg(),
		"LoadBalancerProductionListener6A87E151": listener(80, "Blue9A8B7C6D"),
		"LoadBalancerTestListenerB9671EB8":       listener(8080, "Green9DCBBC03"),
		"ClusterEB0386A7":                        map[string]any{"Type": "AWS::ECS::Cluster", "Properties": map[string]any{"ClusterName": "webapp"}},
		"TaskDefinitionB36D86D9": map[string]any{"Type": "AWS::ECS::TaskDefinition", "Properties": map[string]any{
			"Family": "webapp", "Cpu": "512", "Memory": "1024", "NetworkMode": "awsvpc", "RequiresCompatibilities": []any{"FARGATE"},
			"ContainerDefinitions": []any{map[string]any{"Name": "webapp", "Image": imageV1, "Essential": true}}}},
		"Service9571FDD8": map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{
			"ServiceName": "webapp", "Cluster": ref("ClusterEB0386A7"), "TaskDefinition": ref("TaskDefinitionB36D86D9"),
			"DesiredCount": 1, "LaunchType": "FARGATE"}},
	}
	if mode == "ecs" {
		rule := func(listener string) map[string]any {
			return map[string]any{"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": map[string]any{
				"ListenerArn": ref(listener), "Priority": 1,
				"Conditions": []any{map[string]any{"Field": "path-pattern", "Values": []any{"/*"}}},
				"Actions": []any{map[string]any{"Type": "forward", "ForwardConfig": map[string]any{"TargetGroups": []any{
					map[string]any{"TargetGroupArn": ref("Blue9A8B7C6D"), "Weight": 100},
					map[string]any{"TargetGroupArn": ref("Green9DCBBC03"), "Weight": 0},
				}}}}}}
		}
		resources["ProductionRule1C2D3E4F"] = rule("LoadBalancerProductionListener6A87E151")
		resources["TestRule5A6B7C8D"] = rule("LoadBalancerTestListenerB9671EB8")
	}
	body, _ := json.Marshal(map[string]any{
		"Resources": resources,
		"Outputs":   map[string]any{"DeploymentMode": map[string]any{"Value": mode}},
	})
	return string(body)
}

// Images of the two releases the tests deploy.
const (
	imageV1 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	imageV2 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

// deployed creates the service stack and returns the physical ids by logical id.
func deployed(t *testing.T, cfg aws.Config, stack, mode string) map[string]string {
	t.Helper()
	ctx := context.Background()
	cf := cloudformation.NewFromConfig(cfg)
	if _, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(stack), TemplateBody: aws.String(serviceTemplate(mode))}); err != nil {
		t.Fatal(err)
	}
	w := cloudformation.NewStackCreateCompleteWaiter(cf, func(o *cloudformation.StackCreateCompleteWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	if err := w.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	res, err := cf.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(stack)})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, r := range res.StackResources {
		ids[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
	}
	return ids
}

// shift points a listener at target groups with weights, as CodeDeploy does.
func shift(t *testing.T, lb *elb.Client, listener string, weights map[string]int32) {
	t.Helper()
	var tgs []elbtypes.TargetGroupTuple
	for arn, w := range weights {
		tgs = append(tgs, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(arn), Weight: aws.Int32(w)})
	}
	_, err := lb.ModifyListener(context.Background(), &elb.ModifyListenerInput{
		ListenerArn:    aws.String(listener),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: tgs}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadFollowsTheListeners(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	ids := deployed(t, cfg, "webapp-service", "codedeploy")
	blue, green := ids["Blue9A8B7C6D"], ids["Green9DCBBC03"]
	prod, test := ids["LoadBalancerProductionListener6A87E151"], ids["LoadBalancerTestListenerB9671EB8"]
	ctx := context.Background()

	got, err := Read(ctx, cfg, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	// The emulator lists alarm resources without their ids
	// (TestReadNamesTheAlarms covers them).
	var alarms []string
	v1 := ids["TaskDefinitionB36D86D9"]
	if want := (State{ProductionTarget: "blue", TestTarget: "green", TaskDefinition: v1, Mode: "codedeploy", Stack: "webapp-service", Alarms: alarms}); !reflect.DeepEqual(got, want) {
		t.Fatalf("as deployed: %+v, want %+v", got, want)
	}

	// A deployment moved production to green and test to blue.
	lb := elb.NewFromConfig(cfg)
	shift(t, lb, prod, map[string]int32{green: 100, blue: 0})
	shift(t, lb, test, map[string]int32{blue: 100})
	v2 := release(t, cfg, imageV2)
	got, err = Read(ctx, cfg, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	if want := (State{ProductionTarget: "green", TestTarget: "blue", TaskDefinition: v2, Mode: "codedeploy", Stack: "webapp-service", Alarms: alarms}); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a deployment: %+v, want %+v", got, want)
	}
	if c := got.Context(); !reflect.DeepEqual(c, map[string]string{KeyProductionTarget: "green", KeyTestTarget: "blue", KeyDeploymentMode: "codedeploy", KeyTaskDefinition: v2}) {
		t.Fatalf("context %v", c)
	}

	// Mid-shift: refuse rather than pin either side.
	shift(t, lb, prod, map[string]int32{green: 90, blue: 10})
	_, err = Read(ctx, cfg, "webapp-service")
	if err == nil || !strings.Contains(err.Error(), "production listener of webapp-service") || !strings.Contains(err.Error(), "shifting traffic") {
		t.Fatalf("split traffic: err = %v", err)
	}
}

func TestReadWithoutStack(t *testing.T) {
	cfg := awstest.MotoConfig(t)
	got, err := Read(context.Background(), cfg, "nothere-service")
	if err != nil || !reflect.DeepEqual(got, State{}) || len(got.Context()) != 0 {
		t.Fatalf("a stack that does not exist yet: %+v, %v", got, err)
	}
}

func TestServesRefusesForeignGroups(t *testing.T) {
	colors := map[string]string{"arn:blue": "blue", "arn:green": "green"}
	l := elbtypes.Listener{DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String("arn:other")}}}
	if _, err := Serves(l, colors); err == nil || !strings.Contains(err.Error(), "neither the stack's blue nor its green") {
		t.Fatalf("err = %v", err)
	}
	l = elbtypes.Listener{DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect}}}
	if _, err := Serves(l, colors); err == nil || !strings.Contains(err.Error(), "no target group") {
		t.Fatalf("err = %v", err)
	}
}

func TestMode(t *testing.T) {
	for _, tc := range []struct {
		outputs map[string]string
		types   []string
		want    string
	}{
		{map[string]string{"DeploymentMode": "codedeploy"}, nil, "codedeploy"},
		{nil, []string{"AWS::ECS::Cluster", "AWS::ECS::TaskSet"}, "hook"}, // hook-mode templates declare no outputs
		{nil, []string{"AWS::CodeDeploy::DeploymentGroup"}, "codedeploy"},
		{nil, []string{"AWS::ECS::Service"}, ""},
	} {
		if got := Mode(tc.outputs, tc.types); got != tc.want {
			t.Errorf("Mode(%v, %v) = %q, want %q", tc.outputs, tc.types, got, tc.want)
		}
	}
}

func TestServiceStack(t *testing.T) {
	cdkJSON := []byte(`{"app":"go run .","context":{"appName":"shop"}}`)
	for _, tc := range []struct {
		json   []byte
		values map[string]string
		want   string
	}{
		{cdkJSON, nil, "shop-service"},
		{cdkJSON, map[string]string{"appName": "cart"}, "cart-service"},
		{[]byte(`{"app":"go run ."}`), nil, "webapp-service"},
	} {
		got, err := ServiceStack(tc.json, tc.values)
		if err != nil || got != tc.want {
			t.Errorf("ServiceStack(%s, %v) = %q, %v; want %q", tc.json, tc.values, got, err, tc.want)
		}
	}
	if _, err := ServiceStack([]byte(`{`), nil); err == nil || !strings.Contains(err.Error(), "cdk.json") {
		t.Errorf("bad cdk.json: %v", err)
	}
}

func TestWithContext(t *testing.T) {
	s := State{ProductionTarget: "green", TestTarget: "blue", Mode: "codedeploy"}
	got, err := WithContext(map[string]string{"appName": "shop", KeyProductionTarget: "green"}, s)
	if err != nil || len(got) != 4 || got["appName"] != "shop" || got[KeyTestTarget] != "blue" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := WithContext(map[string]string{KeyProductionTarget: "blue"}, s); err == nil || !strings.Contains(err.Error(), "serves liveProductionTarget=green") {
		t.Fatalf("a contradicting value: %v", err)
	}
	// Nothing deployed: the values pass unchanged.
	if got, err := WithContext(map[string]string{"a": "b"}, State{}); err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
}

func TestRollbackTriggers(t *testing.T) {
	alarms := []string{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:b"}
	hook := State{Mode: "hook", Stack: "webapp-service", Alarms: alarms}
	cdkJSON := []byte(`{"context":{"terminationWaitMinutes":30}}`)
	for _, tc := range []struct {
		name     string
		state    State
		selected []string
		values   map[string]string
		alarms   []string
		minutes  int
	}{
		{"hook mode, every stack: the wait from cdk.json", hook, nil, nil, alarms, 35},
		{"hook mode, the service stack: the wait from the command line", hook, []string{"webapp-service"}, map[string]string{"terminationWaitMinutes": "200"}, alarms, 180},
		{"hook mode, other stacks only", hook, []string{"webapp-network"}, nil, nil, 0},
		{"codedeploy mode: CodeDeploy watches the alarms", State{Mode: "codedeploy", Stack: "webapp-service", Alarms: alarms}, nil, nil, nil, 0},
		{"not deployed yet: no alarm to watch", State{}, nil, nil, nil, 0},
		{"more alarms than CloudFormation takes", State{Mode: "hook", Stack: "webapp-service", Alarms: append(alarms, alarms...)[:4:4]}, nil, nil, append(alarms, alarms...)[:4], 35},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, minutes, err := RollbackTriggers(tc.state, tc.selected, cdkJSON, tc.values)
			if err != nil || !reflect.DeepEqual(got, tc.alarms) || minutes != tc.minutes {
				t.Fatalf("got %v, %d, %v; want %v, %d", got, minutes, err, tc.alarms, tc.minutes)
			}
		})
	}
	six := State{Mode: "hook", Stack: "s", Alarms: []string{"1", "2", "3", "4", "5", "6"}}
	if got, _, _ := RollbackTriggers(six, nil, cdkJSON, nil); got != nil {
		t.Errorf("six alarms: %v", got)
	}
	// Without a value anywhere, the infra app's default wait.
	if _, minutes, _ := RollbackTriggers(hook, nil, []byte(`{}`), nil); minutes != DefaultTerminationWaitMinutes+MonitoringMarginMinutes {
		t.Errorf("default monitoring %d", minutes)
	}
	if _, _, err := RollbackTriggers(hook, nil, cdkJSON, map[string]string{"terminationWaitMinutes": "soon"}); err == nil || !strings.Contains(err.Error(), `"soon"`) {
		t.Errorf("bad wait: %v", err)
	}
}

// stackResources answers DescribeStacks and DescribeStackResources with a
// fixed hook-mode stack: the alarm resources as CloudFormation lists them,
// which the emulator does not.
type stackResources struct{ resources []cftypes.StackResource }

func (f stackResources) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	return &cloudformation.DescribeStacksOutput{Stacks: []cftypes.Stack{{
		StackName: aws.String("webapp-service"), StackStatus: cftypes.StackStatusUpdateComplete,
		StackId: aws.String("arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/webapp-service/0f1e2d3c"),
	}}}, nil
}

func (f stackResources) DescribeStackResources(context.Context, *cloudformation.DescribeStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error) {
	return &cloudformation.DescribeStackResourcesOutput{StackResources: f.resources}, nil
}

func TestReadNamesTheAlarms(t *testing.T) {
	res := func(id, typ, phys string) cftypes.StackResource {
		return cftypes.StackResource{LogicalResourceId: aws.String(id), ResourceType: aws.String(typ), PhysicalResourceId: aws.String(phys)}
	}
	cf := stackResources{[]cftypes.StackResource{
		res("UnhealthyHostsblue1A2B3C4D", "AWS::CloudWatch::Alarm", "webapp-unhealthy-hosts-blue"),
		res("Target5xxblue1A2B3C4D", "AWS::CloudWatch::Alarm", "webapp-http-5xx-blue"),
		res("DeploymentHealth1A2B3C4D", "AWS::CloudWatch::CompositeAlarm", "webapp-deployment-health"),
		res("TaskSet1A2B3C4D", "AWS::ECS::TaskSet", "ecs-svc/1"),
	}}
	got, err := ReadWith(context.Background(), Clients{CloudFormation: cf}, "webapp-service")
	if err != nil {
		t.Fatal(err)
	}
	want := State{Mode: "hook", Stack: "webapp-service", Alarms: []string{
		"arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:webapp-http-5xx-blue",
		"arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:webapp-unhealthy-hosts-blue",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestPrepare(t *testing.T) {
	s := State{ProductionTarget: "green", TestTarget: "blue", Mode: "hook", Stack: "webapp-service", Alarms: []string{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"}}
	run, err := Prepare(s, map[string]string{"image": "x"}, []byte(`{"context":{}}`), []string{"webapp-service"})
	if err != nil {
		t.Fatal(err)
	}
	if run.Context[KeyProductionTarget] != "green" || run.Context["image"] != "x" || len(run.RollbackAlarms) != 1 || run.MonitoringMinutes != 10 || run.RollbackStack != "webapp-service" {
		t.Fatalf("%+v", run)
	}
	if _, err := Prepare(s, map[string]string{KeyTestTarget: "green"}, []byte(`{}`), nil); err == nil {
		t.Fatal("a contradicting live value passed")
	}
}
