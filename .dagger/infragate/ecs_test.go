package infragate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/internal/awstest"
)

// serviceDeployments is a small stand-in for the ECS service-deployment
// APIs, speaking the ECS JSON protocol (awsJson1_1) the SDK uses: it holds
// one service's deployments and answers DescribeServices and
// ListServiceDeployments (status filter, one deployment per page).
type serviceDeployments struct {
	t        *testing.T
	cluster  string
	service  string
	rollouts []string          // the service's deployments[].rolloutState
	deps     map[string]string // service deployment ARN → status
	mu       sync.Mutex
	calls    []string
}

func (s *serviceDeployments) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.")
	s.mu.Lock()
	s.calls = append(s.calls, op)
	s.mu.Unlock()
	var in struct {
		Cluster   string   `json:"cluster"`
		Service   string   `json:"service"`
		Services  []string `json:"services"`
		Status    []string `json:"status"`
		NextToken string   `json:"nextToken"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fail := func(msg string) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"InvalidParameterException","message":%q}`, msg)
	}
	if in.Cluster != s.cluster {
		fail("cluster " + in.Cluster + " not found")
		return
	}
	switch op {
	case "DescribeServices":
		if !slices.Equal(in.Services, []string{s.service}) {
			fail("unexpected services")
			return
		}
		var deps []map[string]any
		for i, st := range s.rollouts {
			deps = append(deps, map[string]any{"id": fmt.Sprintf("ecs-svc/%d", 1000+i), "rolloutState": st, "status": "PRIMARY"})
		}
		json.NewEncoder(w).Encode(map[string]any{"services": []map[string]any{{
			"serviceName": s.service, "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/" + s.cluster,
			"deploymentController": map[string]any{"type": "ECS"}, "deployments": deps,
			"currentServiceDeployment": "arn:aws:ecs:us-east-1:123456789012:service-deployment/" + s.cluster + "/" + s.service + "/current",
		}}, "failures": []any{}})
	case "ListServiceDeployments":
		if in.Service != s.service || len(in.Status) == 0 {
			fail("service and a status filter are required here")
			return
		}
		var match []string
		for arn, st := range s.deps {
			if slices.Contains(in.Status, st) {
				match = append(match, arn)
			}
		}
		slices.Sort(match)
		start := 0
		if in.NextToken != "" {
			start = slices.Index(match, in.NextToken)
		}
		out := map[string]any{"serviceDeployments": []any{}}
		if start >= 0 && start < len(match) {
			out["serviceDeployments"] = []map[string]any{{"serviceDeploymentArn": match[start], "status": s.deps[match[start]]}}
			if start+1 < len(match) {
				out["nextToken"] = match[start+1]
			}
		}
		json.NewEncoder(w).Encode(out)
	default:
		fail("unsupported operation " + op)
	}
}

func ecsClient(t *testing.T, h http.Handler) *ecs.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg, err := awsenv.Config(context.Background(), awsenv.Credentials{AccessKeyID: "AKIDGATETEST", SecretAccessKey: "gate-test-secret"}, "us-east-1", srv.URL, awsenv.WithMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return ecs.NewFromConfig(cfg)
}

const arnPrefix = "arn:aws:ecs:us-east-1:123456789012:service-deployment/shop-cluster/shop/"

func TestECSDeploymentInProgressListsOnlyUnfinishedDeployments(t *testing.T) {
	stand := &serviceDeployments{t: t, cluster: "shop-cluster", service: "shop", rollouts: []string{"COMPLETED"}, deps: map[string]string{
		arnPrefix + "a1": "SUCCESSFUL", arnPrefix + "b2": "IN_PROGRESS", arnPrefix + "c3": "ROLLBACK_IN_PROGRESS",
		arnPrefix + "d4": "ROLLBACK_SUCCESSFUL", arnPrefix + "e5": "STOPPED",
	}}
	got, err := ECSDeploymentInProgress(context.Background(), ecsClient(t, stand), "shop-cluster", "shop")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ECS service deployment " + arnPrefix + "b2 of shop-cluster/shop is IN_PROGRESS",
		"ECS service deployment " + arnPrefix + "c3 of shop-cluster/shop is ROLLBACK_IN_PROGRESS",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// Two unfinished deployments, one per page: the second page was read.
	if n := strings.Count(strings.Join(stand.calls, " "), "ListServiceDeployments"); n != 2 {
		t.Errorf("%d ListServiceDeployments calls, want 2 (one per page): %v", n, stand.calls)
	}

	stand.deps = map[string]string{arnPrefix + "a1": "SUCCESSFUL"}
	stand.rollouts = []string{"IN_PROGRESS"}
	got, err = ECSDeploymentInProgress(context.Background(), ecsClient(t, stand), "shop-cluster", "shop")
	if err != nil || len(got) != 1 || !strings.Contains(got[0], "ECS deployment ecs-svc/1000 of shop-cluster/shop is IN_PROGRESS") {
		t.Fatalf("a rolling deployment in progress: %q %v", got, err)
	}

	stand.rollouts = []string{"COMPLETED"}
	got, err = ECSDeploymentInProgress(context.Background(), ecsClient(t, stand), "shop-cluster", "shop")
	if err != nil || len(got) != 0 {
		t.Fatalf("a settled service: %q %v", got, err)
	}
}

func TestECSCheckFailureNamesTheCallAndTheWayOut(t *testing.T) {
	stand := &serviceDeployments{t: t, cluster: "other-cluster", service: "shop"}
	_, err := ECSDeploymentInProgress(context.Background(), ecsClient(t, stand), "shop-cluster", "shop")
	if err == nil || !strings.Contains(err.Error(), "ecs:DescribeServices") || !strings.Contains(err.Error(), "--allow deployment-in-progress") {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(err.Error(), "gate-test-secret") {
		t.Fatal("the secret key leaked into the error")
	}
}

// TestRunRefusesDuringAnECSServiceDeployment: an ECS-native service stack
// (outputs in moto's CloudFormation) whose service has a deployment in
// progress (the stand-in) refuses any update.
func TestRunRefusesDuringAnECSServiceDeployment(t *testing.T) {
	cfn := cloudformation.NewFromConfig(awstest.MotoConfig(t))
	tpl := `{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"jobs","VisibilityTimeout":30}}},
		"Outputs":{"DeploymentMode":{"Value":"ecs"},"ClusterName":{"Value":"shop-cluster"},"ServiceName":{"Value":"shop"}}}`
	if _, err := cfn.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String("shop-service"), TemplateBody: aws.String(tpl)}); err != nil {
		t.Fatal(err)
	}
	prepare(t, cfn, "shop-service", "gate-ecs", queueV2, types.ChangeSetTypeUpdate)
	stand := &serviceDeployments{t: t, cluster: "shop-cluster", service: "shop", deps: map[string]string{arnPrefix + "f6": "PENDING"}}
	var out bytes.Buffer
	report, err := Run(context.Background(), Clients{CloudFormation: cfn, ECS: ecsClient(t, stand)}, Request{Stack: "shop-service", ChangeSet: "gate-ecs", Options: Options{Out: &out, Clock: newInstantClock()}})
	if err == nil || report.Decision.Action != changeset.Refuse || !slices.Equal(report.Decision.Blocking, []changeset.Class{changeset.DeploymentInProgress}) {
		t.Fatalf("%v %+v\n%s", err, report.Decision, out.String())
	}
	if !strings.Contains(out.String(), arnPrefix+"f6 of shop-cluster/shop is PENDING") || report.Mode != changeset.ModeECS {
		t.Errorf("review:\n%s", out.String())
	}
}
