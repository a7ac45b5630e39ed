package changeset

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

func exampleDoc(name string) *cloudformation.DescribeChangeSetOutput {
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	var out cloudformation.DescribeChangeSetOutput
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return &out
}

// A new image in the template of a CODE_DEPLOY service is refused: the
// release belongs to CodeDeploy.
func ExampleReport_Table_refused() {
	r := Classify([]*cloudformation.DescribeChangeSetOutput{exampleDoc("codedeploy-image-bump.json")}, Live{Mode: ModeCodeDeploy})
	fmt.Print(Report{Review: r, Decision: Decide(r, nil, false)}.Table())
	// Output:
	// stack shop-service, change set review-r42, mode codedeploy
	// VERDICT  CLASS                      ACTION  REPLACE  RESOURCE             TYPE                      PROPERTIES
	// refused  codedeploy-service-update  Modify  False    ShopService7A3F0B19  AWS::ECS::Service         TaskDefinition
	// safe     -                          Modify  True     ShopTaskDef4C1E2A07  AWS::ECS::TaskDefinition  ContainerDefinitions (recreate: Always)
	//   refused ShopService7A3F0B19: TaskDefinition of a CODE_DEPLOY service cannot be changed by CloudFormation (UpdateService refuses it for that controller: the update fails late, mid-way); a task definition reaches the service with the next release (through CodeDeploy); other properties need the service replaced or the codedeploy → ecs migration
	// decision: refused (codedeploy-service-update); after reading the review, allow with --allow codedeploy-service-update:shop-service/ShopService7A3F0B19
}

func ExampleReport_Table_safe() {
	r := Classify([]*cloudformation.DescribeChangeSetOutput{exampleDoc("safe-alarm-and-retention.json")}, Live{Mode: ModeCodeDeploy})
	fmt.Print(Report{Review: r, Decision: Decide(r, nil, false)}.Table())
	// Output:
	// stack shop-service, change set review-retention, mode codedeploy
	// VERDICT  CLASS  ACTION  REPLACE  RESOURCE                              TYPE                    PROPERTIES
	// safe     -      Add     -        GreenTargetGroupLatencyAlarm9E21C4D7  AWS::CloudWatch::Alarm  -
	// safe     -      Modify  False    ShopLogGroup51A2B3C4                  AWS::Logs::LogGroup     RetentionInDays
	// decision: execute
}

func TestTableMarksAllowedClasses(t *testing.T) {
	r := Classify(pages(t, change("Modify", "AWS::ECS::Cluster", "ShopCluster", "True", prop("ClusterName", "Always"))), Live{})
	table := Report{Review: r, Decision: Decide(r, []Allowance{{Class: ReplaceCluster, Stack: "shop-service", Resource: "ShopCluster"}}, false)}.Table()
	for _, want := range []string{"replace-cluster (allowed)", "decision: execute, allowed: replace-cluster", "ClusterName (recreate: Always)"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// TestJSONDocument: CI reads the overall action and, per stack, each change
// with its verdict, class and reason.
func TestJSONDocument(t *testing.T) {
	refused := Classify([]*cloudformation.DescribeChangeSetOutput{exampleDoc("codedeploy-image-bump.json")}, Live{Mode: ModeCodeDeploy})
	safe := Classify([]*cloudformation.DescribeChangeSetOutput{exampleDoc("safe-alarm-and-retention.json")}, Live{})
	data, err := JSON([]Report{
		{Review: safe, Decision: Decide(safe, nil, false)},
		{Review: refused, Decision: Decide(refused, nil, false)},
	}, map[string]map[string]string{"shop-ecr": {"RepositoryUri": "210987654321.dkr.ecr.eu-west-1.amazonaws.com/shop"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Outputs map[string]map[string]string
		Action  string
		Stacks  []struct {
			Stack    string
			Decision struct {
				Action   string
				Blocking []string
			}
			Findings []struct {
				LogicalID, Verdict, Class, Reason string
				Properties                        []struct{ Name, Before, After string }
			}
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if doc.Action != "refuse" || len(doc.Stacks) != 2 || doc.Outputs["shop-ecr"]["RepositoryUri"] == "" {
		t.Fatalf("document: %s", data)
	}
	s := doc.Stacks[1]
	if s.Decision.Action != "refuse" || len(s.Decision.Blocking) != 1 || s.Decision.Blocking[0] != "codedeploy-service-update" {
		t.Errorf("decision %+v", s.Decision)
	}
	f := s.Findings[0]
	if f.Verdict != "refused" || f.Class != "codedeploy-service-update" || f.Reason == "" {
		t.Errorf("finding %+v", f)
	}
	// The task definition's image change carries its values.
	td := s.Findings[1].Properties[0]
	if !strings.HasSuffix(td.Before, "shop:r41@sha256:"+strings.Repeat("1", 64)) || !strings.HasSuffix(td.After, "shop:r42@sha256:"+strings.Repeat("2", 64)) {
		t.Errorf("after value %q", td.After)
	}
	if got := truncate(strings.Repeat("x", 200)); len(got) != valueLimit+len("…") {
		t.Errorf("values are not truncated: %d bytes", len(got))
	}
	if got := Overall(nil); got != NoChanges {
		t.Errorf("no stacks: %s", got)
	}
}
