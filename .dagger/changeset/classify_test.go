package changeset

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// load decodes a DescribeChangeSet document in the shape the API (and
// `aws cloudformation describe-change-set --include-property-values`) returns.
func load(t *testing.T, name string) *cloudformation.DescribeChangeSetOutput {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, string(data))
}

func decode(t *testing.T, doc string) *cloudformation.DescribeChangeSetOutput {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	var out cloudformation.DescribeChangeSetOutput
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decoding change set document: %v\n%s", err, doc)
	}
	return &out
}

// page wraps resource changes (JSON objects) in a DescribeChangeSet page of
// the stack "shop-service".
func page(t *testing.T, next string, changes ...string) *cloudformation.DescribeChangeSetOutput {
	t.Helper()
	wrapped := make([]string, len(changes))
	for i, c := range changes {
		wrapped[i] = `{"Type": "Resource", "ResourceChange": ` + c + `}`
	}
	tok := ""
	if next != "" {
		tok = fmt.Sprintf(`"NextToken": %q,`, next)
	}
	return decode(t, fmt.Sprintf(`{"Changes": [%s], %s "ChangeSetName": "review-1", "StackName": "shop-service",
		"ExecutionStatus": "AVAILABLE", "Status": "CREATE_COMPLETE"}`, strings.Join(wrapped, ","), tok))
}

// change is one ResourceChange; detail entries are ResourceChangeDetail objects.
func change(action, resourceType, logical, replacement string, details ...string) string {
	repl := ""
	if replacement != "" {
		repl = fmt.Sprintf(`"Replacement": %q,`, replacement)
	}
	return fmt.Sprintf(`{"Action": %q, "LogicalResourceId": %q, "PhysicalResourceId": "phys-%s",
		"ResourceType": %q, %s "Scope": ["Properties"], "Details": [%s]}`,
		action, logical, logical, resourceType, repl, strings.Join(details, ","))
}

func prop(name, recreation string) string {
	return fmt.Sprintf(`{"Target": {"Attribute": "Properties", "Name": %q, "Path": "/Properties/%s",
		"RequiresRecreation": %q, "AttributeChangeType": "Modify"}, "Evaluation": "Static", "ChangeSource": "DirectModification"}`,
		name, name, recreation)
}

// TestEveryRefusalClassHasAFailingCase feeds one change set per refusal
// class and checks that an execution is refused under exactly that class,
// with the reason in words, and that allowing the class lets it through.
func TestEveryRefusalClassHasAFailingCase(t *testing.T) {
	cases := []struct {
		class Class
		live  Live
		pages func(t *testing.T) []*cloudformation.DescribeChangeSetOutput
		words string
	}{
		{ReplaceService, Live{Mode: ModeCodeDeploy}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Modify", "AWS::ECS::Service", "ShopService", "True", prop("ServiceName", "Always")))
		}, "the ECS service would be replaced (ServiceName changes)"},
		{ReplaceService, Live{Mode: ModeECS}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			// Conditional: the cluster it references may get a new name at run time.
			return pages(t, change("Modify", "AWS::ECS::Service", "ShopService", "Conditional",
				`{"Target": {"Attribute": "Properties", "Name": "Cluster", "Path": "/Properties/Cluster", "RequiresRecreation": "Always",
				  "AttributeChangeType": "Modify"}, "Evaluation": "Dynamic", "ChangeSource": "ResourceReference", "CausingEntity": "ShopCluster"}`))
		}, "possibly replaced (conditional"},
		{ReplaceTargetGroup, Live{Mode: ModeCodeDeploy}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Modify", "AWS::ElasticLoadBalancingV2::TargetGroup", "BlueTG", "True", prop("Port", "Always")))
		}, "a target group would be replaced (Port changes)"},
		{ReplaceListener, Live{}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Modify", "AWS::ElasticLoadBalancingV2::Listener", "ProdListener", "True", prop("LoadBalancerArn", "Always")))
		}, "a listener would be replaced"},
		{ReplaceListenerRule, Live{Mode: ModeECS}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Modify", "AWS::ElasticLoadBalancingV2::ListenerRule", "ProdRule", "Conditional", prop("ListenerArn", "Conditionally")))
		}, "a listener rule would be possibly replaced"},
		{ReplaceLoadBalancer, Live{}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Modify", "AWS::ElasticLoadBalancingV2::LoadBalancer", "ShopALB", "True", prop("Scheme", "Always")))
		}, "the load balancer would be replaced (Scheme changes)"},
		{ReplaceCluster, Live{}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Modify", "AWS::ECS::Cluster", "ShopCluster", "True", prop("ClusterName", "Always")))
		}, "the ECS cluster would be replaced"},
		{RemoveServing, Live{}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Remove", "AWS::ElasticLoadBalancingV2::Listener", "TestListener", ""))
		}, "a listener would be deleted while it serves traffic"},
		{CodeDeployServiceUpdate, Live{Mode: ModeCodeDeploy}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return []*cloudformation.DescribeChangeSetOutput{load(t, "codedeploy-image-bump.json")}
		}, "TaskDefinition of a CODE_DEPLOY service cannot be changed by CloudFormation"},
		{CodeDeployServiceUpdate, Live{}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			// No mode output (an older stack): the controller in the property values decides.
			return pages(t, `{"Action": "Modify", "LogicalResourceId": "ShopService", "ResourceType": "AWS::ECS::Service",
				"Replacement": "False", "Details": [`+prop("LoadBalancers", "Never")+`],
				"BeforeContext": "{\"Properties\":{\"DeploymentController\":{\"Type\":\"CODE_DEPLOY\"}}}"}`)
		}, "LoadBalancers of a CODE_DEPLOY service"},
		{DeploymentInProgress, Live{Mode: ModeCodeDeploy, InProgress: []string{"CodeDeploy deployment d-7KQ2M1X9A is InProgress"}}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return []*cloudformation.DescribeChangeSetOutput{load(t, "safe-alarm-and-retention.json")}
		}, "CodeDeploy deployment d-7KQ2M1X9A is InProgress: a stack update now would fight the running deployment"},
		{DeploymentInProgress, Live{Mode: ModeECS, InProgress: []string{"ECS service deployment arn:aws:ecs:eu-west-1:210987654321:service-deployment/shop-cluster/shop/a1b2 is IN_PROGRESS"}}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return []*cloudformation.DescribeChangeSetOutput{load(t, "safe-alarm-and-retention.json")}
		}, "ECS service deployment"},
		{ListenerWeightReset, Live{Mode: ModeECS}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Modify", "AWS::ElasticLoadBalancingV2::ListenerRule", "ProdRule", "False", prop("Actions", "Never")))
		}, "resetting the traffic weights ECS has shifted"},
		{DeleteRepository, Live{}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, `{"Action": "Remove", "LogicalResourceId": "ShopRepo", "ResourceType": "AWS::ECR::Repository",
				"PhysicalResourceId": "shop", "PolicyAction": "Delete", "Details": []}`)
		}, "the ECR repository would be deleted"},
		{DeleteRepository, Live{}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, `{"Action": "Modify", "LogicalResourceId": "ShopRepo", "ResourceType": "AWS::ECR::Repository",
				"Replacement": "True", "PolicyAction": "ReplaceAndDelete", "Details": [`+prop("RepositoryName", "Always")+`]}`)
		}, "the old one deleted with its images"},
		{TakesLiveTraffic, Live{Mode: ModeCodeDeploy, Serving: map[string][]string{prodListener: {greenTG}, testListener: {greenTG}}}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			// The codedeploy → ecs migration while production is on green.
			return []*cloudformation.DescribeChangeSetOutput{load(t, "codedeploy-to-ecs-migration.json")}
		}, "would send its traffic to target group shop-blue, but target group shop-green serves it now"},
		{DynamicServing, Live{Mode: ModeECS}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			return pages(t, change("Dynamic", "AWS::ElasticLoadBalancingV2::ListenerRule", "ProdRule", ""))
		}, "a listener rule has a Dynamic change"},
		{UnreviewedNestedStack, Live{Mode: ModeCodeDeploy}, func(t *testing.T) []*cloudformation.DescribeChangeSetOutput {
			// The nested change set named in the root was not read.
			return []*cloudformation.DescribeChangeSetOutput{load(t, "nested-root.json")}
		}, "was not read: what would run inside it is unknown"},
	}
	seen := map[Class]bool{}
	for _, tc := range cases {
		t.Run(string(tc.class), func(t *testing.T) {
			seen[tc.class] = true
			r := Classify(tc.pages(t), tc.live)
			d := Decide(r, nil, false)
			if d.Action != Refuse || !reflect.DeepEqual(d.Blocking, []Class{tc.class}) {
				t.Fatalf("decision = %+v, want refuse under %s; findings: %+v", d, tc.class, r.Findings)
			}
			var reason string
			for _, f := range r.Findings {
				if f.Class == tc.class {
					reason = f.Reason
				}
			}
			if !strings.Contains(reason, tc.words) {
				t.Errorf("reason %q does not say %q", reason, tc.words)
			}
			err := &RefusalError{Review: r, Decision: d}
			if len(d.AllowWith) == 0 || !strings.Contains(err.Error(), "--allow "+strings.Join(d.AllowWith, ",")) {
				t.Errorf("refusal %q does not say how to allow %s (%v)", err, tc.class, d.AllowWith)
			}
			// What the refusal prints is what --allow takes, and lets exactly it through.
			allow, perr := ParseAllow(d.AllowWith)
			if perr != nil {
				t.Fatalf("the printed --allow %v does not parse: %v", d.AllowWith, perr)
			}
			for _, a := range allow {
				if a.Class != tc.class || a.Stack != "shop-service" {
					t.Errorf("printed allowance %s is not scoped to %s on shop-service", a, tc.class)
				}
			}
			allowed := Decide(r, allow, false)
			if allowed.Action != Execute || !reflect.DeepEqual(allowed.Allowed, []Class{tc.class}) {
				t.Errorf("with --allow %v: decision = %+v, want execute", d.AllowWith, allowed)
			}
			if other := Decide(r, []Allowance{{Class: otherClass(tc.class), Stack: "shop-service", Resource: allow[0].Resource}}, false); other.Action != Refuse {
				t.Errorf("allowing %s let %s through: %+v", otherClass(tc.class), tc.class, other)
			}
			elsewhere := make([]Allowance, len(allow))
			for i, a := range allow {
				a.Stack = "shop-other"
				elsewhere[i] = a
			}
			if other := Decide(r, elsewhere, false); other.Action != Refuse {
				t.Errorf("allowing %s on another stack let it through here: %+v", tc.class, other)
			}
		})
	}
	for _, c := range Classes() {
		if !seen[c] {
			t.Errorf("refusal class %s has no failing case", c)
		}
	}
}

func otherClass(c Class) Class {
	if c == DeleteRepository {
		return ReplaceCluster
	}
	return DeleteRepository
}

func pages(t *testing.T, changes ...string) []*cloudformation.DescribeChangeSetOutput {
	return []*cloudformation.DescribeChangeSetOutput{page(t, "", changes...)}
}

// TestSafeAndCareChangesExecute: additions, in-place updates and a new task
// definition revision behind a rolling (ECS) service run without --allow;
// IAM, security-group and service updates are flagged for care.
func TestSafeAndCareChangesExecute(t *testing.T) {
	r := Classify([]*cloudformation.DescribeChangeSetOutput{
		load(t, "safe-alarm-and-retention.json"),
		page(t, "",
			change("Modify", "AWS::ECS::TaskDefinition", "ShopTaskDef", "True", prop("ContainerDefinitions", "Always")),
			change("Modify", "AWS::ECS::Service", "ShopService", "False", prop("TaskDefinition", "Never")),
			change("Modify", "AWS::IAM::Policy", "TaskRoleDefaultPolicy", "False", prop("PolicyDocument", "Never")),
			change("Modify", "AWS::EC2::SecurityGroupIngress", "AlbToApp", "False", prop("FromPort", "Never")),
			// A rule's actions rewritten, still forwarding where traffic goes now.
			routeChange("Modify", "AWS::ElasticLoadBalancingV2::ListenerRule", "ProdRule",
				`{"Properties":{"ListenerArn":"`+prodListener+`","Actions":[{"Type":"forward","TargetGroupArn":"`+blueTG+`"}]}}`, prop("Actions", "Never")),
		),
	}, Live{Mode: ModeHook, Serving: map[string][]string{prodListener: {blueTG}}})
	d := Decide(r, nil, false)
	if d.Action != Execute || len(d.Blocking) != 0 {
		t.Fatalf("decision = %+v, want execute; findings %+v", d, r.Findings)
	}
	want := map[string]Verdict{
		"GreenTargetGroupLatencyAlarm9E21C4D7": Safe, "ShopLogGroup51A2B3C4": Safe, "ShopTaskDef": Safe,
		"ShopService": Care, "TaskRoleDefaultPolicy": Care, "AlbToApp": Care, "ProdRule": Care,
	}
	if len(r.Findings) != len(want) {
		t.Fatalf("%d findings, want %d: %+v", len(r.Findings), len(want), r.Findings)
	}
	for _, f := range r.Findings {
		if f.Verdict != want[f.LogicalID] {
			t.Errorf("%s: verdict %s, want %s (%s)", f.LogicalID, f.Verdict, want[f.LogicalID], f.Reason)
		}
		if f.Reason == "" {
			t.Errorf("%s has no reason", f.LogicalID)
		}
	}
	if r.Findings[0].Verdict != Care {
		t.Errorf("findings are not ordered most serious first: %+v", r.Findings[0])
	}
}

// TestEveryPageIsRead: a refused change on the second page still refuses.
func TestEveryPageIsRead(t *testing.T) {
	r := Classify([]*cloudformation.DescribeChangeSetOutput{
		page(t, "token-2", change("Add", "AWS::CloudWatch::Alarm", "A1", "")),
		page(t, "", change("Modify", "AWS::ECS::Cluster", "ShopCluster", "True", prop("ClusterName", "Always"))),
	}, Live{})
	if d := Decide(r, nil, false); d.Action != Refuse {
		t.Fatalf("second page ignored: %+v", d)
	}
	if r.Stack != "shop-service" || r.ChangeSet != "review-1" {
		t.Errorf("stack/change set = %q/%q", r.Stack, r.ChangeSet)
	}
}

func TestRetainedRepositoryRemovalIsCareNotRefused(t *testing.T) {
	r := Classify(pages(t, `{"Action": "Remove", "LogicalResourceId": "ShopRepo", "ResourceType": "AWS::ECR::Repository",
		"PolicyAction": "Retain", "Details": []}`), Live{})
	if d := Decide(r, nil, false); d.Action != Execute || r.Findings[0].Verdict != Care {
		t.Fatalf("retained repository: %+v %+v", d, r.Findings)
	}
}

func TestDeploymentInProgressWithoutChangesIsNoChange(t *testing.T) {
	r := Classify([]*cloudformation.DescribeChangeSetOutput{page(t, "")}, Live{InProgress: []string{"CodeDeploy deployment d-1 is InProgress"}})
	if d := Decide(r, nil, false); d.Action != NoChanges {
		t.Fatalf("an empty change set must not be refused: %+v", d)
	}
}

func TestDryRunNeverExecutesButReportsBlocking(t *testing.T) {
	r := Classify(pages(t, change("Modify", "AWS::ECS::Cluster", "C", "True", prop("ClusterName", "Always"))), Live{})
	d := Decide(r, nil, true)
	if d.Action != DryRun || !reflect.DeepEqual(d.Blocking, []Class{ReplaceCluster}) {
		t.Fatalf("dry run decision %+v", d)
	}
}

func TestParseAllow(t *testing.T) {
	got, err := ParseAllow([]string{"replace-listener-rule:shop-service/ProdRule, delete-repository:shop-ecr/ShopRepo", "",
		"replace-listener-rule:shop-service/ProdRule", "deployment-in-progress:shop-service", "remove-serving:shop-service/Db/Cluster"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Allowance{
		{DeleteRepository, "shop-ecr", "ShopRepo"},
		{DeploymentInProgress, "shop-service", ""},
		{RemoveServing, "shop-service", "Db/Cluster"},
		{ReplaceListenerRule, "shop-service", "ProdRule"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	for _, a := range want {
		if back, err := ParseAllow([]string{a.String()}); err != nil || back[0] != a {
			t.Errorf("%s does not round-trip: %v %v", a, back, err)
		}
	}
	for value, words := range map[string][]string{
		"replace-everything:shop-service/X": {`"replace-everything"`, "replace-service"},
		// A bare class is refused with the scoped form.
		"codedeploy-service-update":               {"bare class", "codedeploy-service-update:STACK/LOGICAL_ID"},
		"deployment-in-progress":                  {"bare class", "deployment-in-progress:STACK"},
		"remove-serving:shop-service":             {"name the resource", "remove-serving:shop-service/LOGICAL_ID"},
		"remove-serving:shop_service/X":           {`"shop_service" is not a stack name`},
		"remove-serving:shop-service/A-B":         {`"A-B" is not a logical id`},
		"deployment-in-progress:shop-service/Svc": {"stack as a whole", "deployment-in-progress:shop-service"},
	} {
		_, err := ParseAllow([]string{value})
		if err == nil {
			t.Errorf("%s: accepted", value)
			continue
		}
		for _, w := range append(words, value) {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", value, err, w)
			}
		}
	}
}
