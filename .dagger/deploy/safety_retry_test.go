package deploy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/internal/moto"
)

// A lost CreateDeployment response: the deployment exists, the SDK's retry
// is refused because it is active. Start must recognise its own deployment
// and return it, so the caller follows it.
func TestStartRecognisesItsDeploymentAfterALostResponse(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	s.awaitCreate = true
	s.dropResponses = map[string]int{"CreateDeployment": 1}
	id, err := Start(context.Background(), s.client(3), Request{Application: target.Application, DeploymentGroup: target.DeploymentGroup, AppSpecContent: appSpecFor("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:2"), Description: "release abc123"})
	t.Logf("id %q, error: %v", id, err)
	if err != nil || id != s.id {
		t.Fatalf("Start = %q, %v; want the deployment it created, %s", id, err, s.id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.created) != 1 {
		t.Fatalf("deployments created = %d, want 1", len(s.created))
	}
}

// A call refused before CodeDeploy did anything is tried again (the SDK's
// retries are off for it), once nothing of the release is found.
func TestStartRetriesACallThatCreatedNothing(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	s.awaitCreate = true
	s.unavailable = map[string]int{"CreateDeployment": 2}
	id, err := Start(context.Background(), s.client(1), Request{Application: target.Application, DeploymentGroup: target.DeploymentGroup, AppSpecContent: appSpecFor("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:2")})
	if err != nil || id != s.id {
		t.Fatalf("Start = %q, %v", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.created) != 1 || s.calls["CreateDeployment"] != 3 {
		t.Fatalf("created %d deployments in %d calls, want 1 in 3", len(s.created), s.calls["CreateDeployment"])
	}
}

// A deployment someone else started is not ours: Start must not adopt it.
func TestStartDoesNotAdoptAnotherDeployment(t *testing.T) {
	s := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	_ = s
	other := newScripted(t, newFakeClock(), phase{Status: "InProgress"})
	other.awaitCreate = true
	other.description = "someone else's release"
	var zero time.Duration
	other.createdAt = &zero
	_, err := Start(context.Background(), other.client(3), Request{Application: target.Application, DeploymentGroup: target.DeploymentGroup, AppSpecContent: appSpecFor("arn:aws:ecs:us-east-1:123456789012:task-definition/webapp:2")})
	t.Logf("error: %v", err)
	if err == nil || !strings.Contains(err.Error(), "DeploymentLimitExceeded") || !strings.Contains(err.Error(), other.id) {
		t.Fatalf("err = %v, want the refusal naming the active deployment", err)
	}
}

// lossyProxy forwards to upstream but drops the response of the first n
// requests for op after upstream has processed them.
func lossyProxy(t *testing.T, upstream, op string, n int) string {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		mu.Lock()
		drop := strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+op) && n > 0
		if drop {
			n--
		}
		mu.Unlock()
		if drop {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A lost RegisterTaskDefinition response must not leave a second revision
// behind: the SDK's retry registers again unless the first one is found.
func TestRegisterLeavesNoDuplicateRevisionAfterALostResponse(t *testing.T) {
	e := newMoto(t)
	url := lossyProxy(t, e.srv.URL, "RegisterTaskDefinition", 1)
	client := ecs.New(ecs.Options{Region: moto.Region, BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""), RetryMaxAttempts: 3})
	arn, err := Register(context.Background(), client, taskDef("webapp", "registry.example/webapp@sha256:"+strings.Repeat("1", 64)))
	t.Logf("arn %q, error: %v", arn, err)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	list, err := e.ecs.ListTaskDefinitions(context.Background(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("webapp")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.TaskDefinitionArns) != 1 || list.TaskDefinitionArns[0] != arn {
		t.Fatalf("revisions = %v, want only %s", list.TaskDefinitionArns, arn)
	}
}
