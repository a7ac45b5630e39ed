package moto

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestSharedServerAnswersAndResets(t *testing.T) {
	s := Shared(t)
	if !strings.HasPrefix(s.URL, "http://localhost:") {
		t.Fatalf("URL = %q, want a localhost endpoint", s.URL)
	}
	// Create an ECR repository through the raw JSON API, then reset and check it is gone.
	call := func(target, body string) string {
		req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921."+target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	call("CreateRepository", `{"repositoryName":"probe"}`)
	if out := call("DescribeRepositories", `{}`); !strings.Contains(out, `"probe"`) {
		t.Fatalf("repository not created: %s", out)
	}
	s.Reset(t)
	if out := call("DescribeRepositories", `{}`); strings.Contains(out, `"probe"`) {
		t.Fatalf("reset left the repository behind: %s", out)
	}
}
