package cdkcmd

import (
	"reflect"
	"strings"
	"testing"
)

// A cloud assembly manifest in the shape cdk synth writes (values our own):
// asset manifests and the tree are artifacts too, and stacks depend on them.
const shopManifest = `{
  "version": "48.0.0",
  "artifacts": {
    "shop-ecr.assets": {"type": "cdk:asset-manifest", "properties": {"file": "shop-ecr.assets.json"}},
    "shop-ecr": {"type": "aws:cloudformation:stack", "environment": "aws://210987654321/eu-west-1",
      "properties": {"templateFile": "shop-ecr.template.json", "stackName": "shop-ecr"}, "dependencies": ["shop-ecr.assets"]},
    "shop-service": {"type": "aws:cloudformation:stack", "environment": "aws://210987654321/eu-west-1",
      "properties": {"templateFile": "shop-service.template.json", "stackName": "shop-service"},
      "dependencies": ["shop-network", "shop-service.assets", "shop-ecr"]},
    "shop-service.assets": {"type": "cdk:asset-manifest", "properties": {"file": "shop-service.assets.json"}},
    "shop-network": {"type": "aws:cloudformation:stack", "environment": "aws://210987654321/eu-west-1",
      "properties": {"templateFile": "shop-network.template.json", "stackName": "shop-net-prod"}, "dependencies": []},
    "shop-pipeline": {"type": "aws:cloudformation:stack", "environment": "aws://210987654321/eu-west-1",
      "properties": {"templateFile": "shop-pipeline.template.json"}, "dependencies": ["shop-service"]},
    "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}
  }
}`

func TestStackOrderPutsDependenciesFirst(t *testing.T) {
	got, err := StackOrder([]byte(shopManifest), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stack{{ID: "shop-ecr", Name: "shop-ecr", Account: "210987654321", Region: "eu-west-1"}, {ID: "shop-network", Name: "shop-net-prod", Account: "210987654321", Region: "eu-west-1"}, {ID: "shop-service", Name: "shop-service", Account: "210987654321", Region: "eu-west-1"}, {ID: "shop-pipeline", Name: "shop-pipeline", Account: "210987654321", Region: "eu-west-1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	got, err = StackOrder([]byte(shopManifest), []string{"shop-network", "shop-ecr"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []Stack{{ID: "shop-ecr", Name: "shop-ecr", Account: "210987654321", Region: "eu-west-1"}, {ID: "shop-network", Name: "shop-net-prod", Account: "210987654321", Region: "eu-west-1"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("selected: got %v, want %v", got, want)
	}
	// A selected stack brings the stacks it depends on, as cdk deploy does.
	got, err = StackOrder([]byte(shopManifest), []string{"shop-service"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []Stack{{ID: "shop-ecr", Name: "shop-ecr", Account: "210987654321", Region: "eu-west-1"}, {ID: "shop-network", Name: "shop-net-prod", Account: "210987654321", Region: "eu-west-1"}, {ID: "shop-service", Name: "shop-service", Account: "210987654321", Region: "eu-west-1"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("with dependencies: got %v, want %v", got, want)
	}
}

func TestStackOrderRejectsUnknownStacksAndCycles(t *testing.T) {
	_, err := StackOrder([]byte(shopManifest), []string{"shop-db"})
	if err == nil || !strings.Contains(err.Error(), `"shop-db"`) || !strings.Contains(err.Error(), "shop-ecr, shop-network, shop-pipeline, shop-service") {
		t.Fatalf("error %v", err)
	}
	cycle := `{"artifacts": {"a": {"type": "aws:cloudformation:stack", "dependencies": ["b"]}, "b": {"type": "aws:cloudformation:stack", "dependencies": ["a"]}}}`
	if _, err := StackOrder([]byte(cycle), nil); err == nil || !strings.Contains(err.Error(), "a -> b -> a") {
		t.Fatalf("cycle: %v", err)
	}
}

func TestPrepareChangeSetCommand(t *testing.T) {
	cmd := mustBuild(t, Options{Command: Deploy, Stacks: []string{"shop-service"}, Exclusively: true, App: "/out/cdk.out",
		Method: MethodPrepare, ChangeSetName: "ecs-bluegreen-20260302T091455Z", Region: "eu-west-1"})
	got := strings.Join(cmd.Args, " ")
	want := "cdk deploy shop-service --app /out/cdk.out --method prepare-change-set --change-set-name ecs-bluegreen-20260302T091455Z --exclusively --progress events --no-notices --ci --no-color"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	for _, bad := range []Options{
		{Command: Deploy, Stacks: []string{"s"}, Method: MethodPrepare, Region: "eu-west-1"},
		{Command: Deploy, Stacks: []string{"s"}, Method: MethodDirect, ChangeSetName: "x", Region: "eu-west-1"},
		{Command: Deploy, Stacks: []string{"s"}, Method: MethodPrepare, ChangeSetName: "1-starts-with-digit", Region: "eu-west-1"},
		{Command: Diff, Exclusively: true, Region: "eu-west-1"},
	} {
		if _, err := Build(bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	if _, err := ParseDeployMethod("prepare-change-set"); err == nil {
		t.Error("prepare-change-set is the gate's own step, not a user's deploy method")
	}
}

func TestStackOrderReadsEachStacksEnvironment(t *testing.T) {
	manifest := `{"artifacts": {
	  "a": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region"},
	  "b": {"type": "aws:cloudformation:stack", "environment": "aws://123456789012/us-west-2"}}}`
	got, err := StackOrder([]byte(manifest), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stack{{ID: "a", Name: "a"}, {ID: "b", Name: "b", Account: "123456789012", Region: "us-west-2"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}
