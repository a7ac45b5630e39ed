package cienv

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/ecs-bluegreen/internal/testtool"
)

// Recognisable credentials the stand-in endpoint hands out.
const (
	ciAccessKey = "ASIACREDCHECK1234567"
	ciSecretKey = "cred-check-secret-0a9b8c7d6e"
	ciToken     = "cred-check-session-token-f1e2d3"
	relativeURI = "/v2/credentials/5c0a1f3e-check"
)

// daggerStub records what the buildspec passes to dagger: its arguments, and
// hashes of the credential variables (never the values).
const daggerStub = `#!/usr/bin/env bash
printf '%s\n' "$@" > "$STUB_OUT/args"
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; do
  printf '%s' "${!v}" | sha256sum | cut -d' ' -f1 > "$STUB_OUT/$v"
done
mkdir -p dist && echo '{}' > dist/release.json
`

// buildStep is the buildspec's build phase, the script under test.
func buildStep(t *testing.T) string {
	t.Helper()
	b, err := LoadBuildspec(buildspecPath)
	if err != nil {
		t.Fatal(err)
	}
	cmds := b.Phases["build"].Commands
	if len(cmds) != 1 {
		t.Fatalf("build phase has %d commands, want the single credentials+call step", len(cmds))
	}
	return cmds[0]
}

// runBuildStep runs the build step with bash -x (tracing on, as a debugging
// user might leave it) in a scratch checkout, against the given endpoint.
func runBuildStep(t *testing.T, endpoint http.Handler, env ...string) (out string, stubDir string, err error) {
	t.Helper()
	bash := testtool.Require(t, "bash")
	testtool.Require(t, "curl")
	testtool.Require(t, "jq")
	testtool.Require(t, "sha256sum")
	srv := httptest.NewServer(endpoint)
	defer srv.Close()

	work := t.TempDir()
	stubDir = t.TempDir()
	script, err := os.ReadFile("../../buildspec/container-credentials.sh")
	if err != nil {
		t.Fatal(err)
	}
	for path, body := range map[string]string{"buildspec/container-credentials.sh": string(script), "bin/dagger": daggerStub} {
		p := filepath.Join(work, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bash, "-x", "-c", buildStep(t))
	cmd.Dir = work
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + work,
		"STUB_OUT=" + stubDir,
		"AWS_REGION=eu-west-1",
		"SERVICE_STACK=webapp-service",
		"CODEBUILD_RESOLVED_SOURCE_VERSION=9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
		"CODEBUILD_BUILD_ARN=arn:aws:codebuild:eu-west-1:123456789012:build/webapp-release:0b1c2d3e-1111-2222-3333-444455556666",
		"AWS_CONTAINER_CREDENTIALS_HOST=" + strings.TrimPrefix(srv.URL, "http://"),
	}, env...)
	b, err := cmd.CombinedOutput()
	return string(b), stubDir, err
}

func credentialsEndpoint(doc map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != relativeURI {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	})
}

func assertNoCredentials(t *testing.T, out string) {
	t.Helper()
	for _, s := range []string{ciAccessKey, ciSecretKey, ciToken} {
		if strings.Contains(out, s) {
			t.Errorf("output reveals %q:\n%s", s, out)
		}
	}
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestBuildStepExportsCredentialsWithoutPrintingThem(t *testing.T) {
	endpoint := credentialsEndpoint(map[string]string{
		"AccessKeyId": ciAccessKey, "SecretAccessKey": ciSecretKey, "Token": ciToken, "Expiration": "2030-01-01T00:00:00Z",
	})
	out, stub, err := runBuildStep(t, endpoint, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="+relativeURI)
	if err != nil {
		t.Fatalf("build step failed: %v\n%s", err, out)
	}
	assertNoCredentials(t, out)
	for v, want := range map[string]string{"AWS_ACCESS_KEY_ID": ciAccessKey, "AWS_SECRET_ACCESS_KEY": ciSecretKey, "AWS_SESSION_TOKEN": ciToken} {
		got, err := os.ReadFile(filepath.Join(stub, v))
		if err != nil || strings.TrimSpace(string(got)) != sum(want) {
			t.Errorf("dagger did not receive %s from the endpoint (%v)", v, err)
		}
	}
	args, err := os.ReadFile(filepath.Join(stub, "args"))
	if err != nil {
		t.Fatal(err)
	}
	want := "--progress plain call --region eu-west-1 --aws-access-key-id env:AWS_ACCESS_KEY_ID --aws-secret-access-key env:AWS_SECRET_ACCESS_KEY " +
		"--aws-session-token env:AWS_SESSION_TOKEN release --stack webapp-service --version 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432 " +
		"--builder-id arn:aws:codebuild:eu-west-1:123456789012:build/webapp-release:0b1c2d3e-1111-2222-3333-444455556666 --signing-key export --path dist --wipe"
	if got := strings.Join(strings.Fields(string(args)), " "); got != want {
		t.Errorf("dagger argv = %q\nwant          %q", got, want)
	}
	// Without SIGNING_KEY the key is the empty argument: unsigned provenance.
	if !strings.Contains(string(args), "\n--signing-key\n\nexport\n") {
		t.Errorf("--signing-key is not given as empty without SIGNING_KEY:\n%s", args)
	}
}

func TestBuildStepFailsClearly(t *testing.T) {
	cases := []struct {
		name     string
		endpoint http.Handler
		env      []string
		want     string
	}{
		{"no relative uri", credentialsEndpoint(nil), nil, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not set"},
		{"endpoint error", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom "+ciSecretKey, http.StatusInternalServerError)
		}), []string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=" + relativeURI}, "did not answer"},
		{"incomplete document", credentialsEndpoint(map[string]string{"AccessKeyId": ciAccessKey, "SecretAccessKey": ciSecretKey}),
			[]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=" + relativeURI}, "without AccessKeyId, SecretAccessKey and Token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, stub, err := runBuildStep(t, c.endpoint, c.env...)
			if err == nil {
				t.Fatalf("build step succeeded:\n%s", out)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output lacks %q:\n%s", c.want, out)
			}
			assertNoCredentials(t, out)
			if _, err := os.Stat(filepath.Join(stub, "args")); err == nil {
				t.Error("dagger ran although the credentials were not available")
			}
		})
	}
}

// The stack's signing key reaches the release as --signing-key; without it
// the argument is left out (see the argv above).
func TestBuildStepPassesTheSigningKey(t *testing.T) {
	endpoint := credentialsEndpoint(map[string]string{
		"AccessKeyId": ciAccessKey, "SecretAccessKey": ciSecretKey, "Token": ciToken, "Expiration": "2030-01-01T00:00:00Z",
	})
	key := "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	out, stub, err := runBuildStep(t, endpoint, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="+relativeURI, "SIGNING_KEY="+key)
	if err != nil {
		t.Fatalf("build step failed: %v\n%s", err, out)
	}
	args, err := os.ReadFile(filepath.Join(stub, "args"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(args), "\n--signing-key\n"+key+"\nexport\n") {
		t.Errorf("dagger argv = %q, want --signing-key %s", strings.Fields(string(args)), key)
	}
}
