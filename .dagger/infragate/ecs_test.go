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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/internal/moto"
)

// serviceDeployments is a small stand-in for the ECS service-deployment
// APIs, speaking the ECS JSON protocol (awsJson1_1) the SDK uses: it holds
// one service's deployments and answers DescribeServices and
// ListServiceDeployments (status filter, one deployment per page). The
// lifecycle of deployments is exercised with ecsfake below; this one covers
// paging and a missing service.
type serviceDeployments struct {
	t       *testing.T
	cluster string
	service string
	missing bool              // DescribeServices reports the service MISSING
	deps    map[string]string // service deployment ARN → status
	mu      sync.Mutex
	calls   []string
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
		if s.missing {
			json.NewEncoder(w).Encode(map[string]any{"services": []any{}, "failures": []map[string]any{{
				"arn": "arn:aws:ecs:us-east-1:123456789012:service/" + s.cluster + "/" + s.service, "reason": "MISSING",
			}}})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"services": []map[string]any{{
			"serviceName": s.service, "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/" + s.cluster,
			"deploymentController":     map[string]any{"type": "ECS"},
			"currentServiceDeployment": arnPrefix + "c3",
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
	stand := &serviceDeployments{t: t, cluster: "shop-cluster", service: "shop", deps: map[string]string{
		arnPrefix + "a1": "SUCCESSFUL", arnPrefix + "b2": "IN_PROGRESS", arnPrefix + "c3": "ROLLBACK_IN_PROGRESS",
		arnPrefix + "d4": "ROLLBACK_SUCCESSFUL", arnPrefix + "e5": "STOPPED",
	}}
	got, err := ECSDeploymentInProgress(context.Background(), ecsClient(t, stand), "shop-cluster", "shop")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ECS service deployment " + arnPrefix + "b2 of shop-cluster/shop is IN_PROGRESS",
		"ECS service deployment " + arnPrefix + "c3 of shop-cluster/shop is ROLLBACK_IN_PROGRESS (the service's current deployment)",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// Two unfinished deployments, one per page: the second page was read.
	if n := strings.Count(strings.Join(stand.calls, " "), "ListServiceDeployments"); n != 2 {
		t.Errorf("%d ListServiceDeployments calls, want 2 (one per page): %v", n, stand.calls)
	}

	// The service is gone (or not created yet): nothing runs on it.
	stand.missing = true
	stand.calls = nil
	got, err = ECSDeploymentInProgress(context.Background(), ecsClient(t, stand), "shop-cluster", "shop")
	if err != nil || len(got) != 0 || strings.Contains(strings.Join(stand.calls, " "), "ListServiceDeployments") {
		t.Fatalf("a missing service: %q %v, calls %v", got, err, stand.calls)
	}
}

// TestECSCheckFailureNamesTheCall (ReadLive adds the way out, scoped to the
// stack: TestAFailedLiveCheckFailsClosedAndLeavesNoChangeSet).
func TestECSCheckFailureNamesTheCall(t *testing.T) {
	stand := &serviceDeployments{t: t, cluster: "other-cluster", service: "shop"}
	_, err := ECSDeploymentInProgress(context.Background(), ecsClient(t, stand), "shop-cluster", "shop")
	if err == nil || !strings.Contains(err.Error(), "ecs:DescribeServices") || !strings.Contains(err.Error(), "shop-cluster/shop") {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(err.Error(), "gate-test-secret") {
		t.Fatal("the secret key leaked into the error")
	}
}

// TestRunRefusesDuringAnECSServiceDeployment: an ECS-native service stack
// whose blue/green service deployment is running (the ECS stand-in in front
// of moto, which also serves the stack) refuses any update; once the
// deployment has finished, the same update runs.
func TestRunRefusesDuringAnECSServiceDeployment(t *testing.T) {
	e := ecsfake.NewEnv(t)
	e.CreateService(t, &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(5)})
	running := e.Deploy(t)
	cfn := cloudformation.New(cloudformation.Options{
		Region: moto.Region, BaseEndpoint: aws.String(e.Server.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""),
	})
	tpl := fmt.Sprintf(`{"Resources":{"Jobs":{"Type":"AWS::SQS::Queue","Properties":{"QueueName":"jobs","VisibilityTimeout":30}}},
		"Outputs":{"DeploymentMode":{"Value":"ecs"},"ClusterName":{"Value":%q},"ServiceName":{"Value":%q}}}`, e.Cluster, e.Service)
	if _, err := cfn.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String("shop-service"), TemplateBody: aws.String(tpl)}); err != nil {
		t.Fatal(err)
	}
	clients := Clients{CloudFormation: cfn, ECS: e.ECS}
	prepare(t, cfn, "shop-service", "gate-ecs", queueV2, types.ChangeSetTypeUpdate)
	var out bytes.Buffer
	report, err := Run(context.Background(), clients, Request{
		Stack: "shop-service", ChangeSet: "gate-ecs", Options: Options{Out: &out, Clock: newInstantClock()},
	})
	if err == nil || report.Decision.Action != changeset.Refuse || !slices.Equal(report.Decision.Blocking, []changeset.Class{changeset.DeploymentInProgress}) {
		t.Fatalf("%v %+v\n%s", err, report.Decision, out.String())
	}
	if !strings.Contains(out.String(), "ECS service deployment "+running+" of web/webapp is ") || report.Mode != changeset.ModeECS {
		t.Errorf("review does not name %s:\n%s", running, out.String())
	}

	e.Clock.Advance(3 * time.Hour) // past every stage and the bake time
	if d := e.Deployment(t, running); d.Status != ecstypes.ServiceDeploymentStatusSuccessful {
		t.Fatalf("the deployment is %s after three hours", d.Status)
	}
	prepare(t, cfn, "shop-service", "gate-ecs-2", queueV2, types.ChangeSetTypeUpdate)
	out.Reset()
	report, err = Run(context.Background(), clients, Request{
		Stack: "shop-service", ChangeSet: "gate-ecs-2", Options: Options{Out: &out, Clock: newInstantClock()},
	})
	if err != nil || report.Decision.Action != changeset.Execute {
		t.Fatalf("after the deployment: %v %+v\n%s", err, report.Decision, out.String())
	}
}
