package cienv

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/deploy"
)

// buildBudget is the time the release workflow allows for building and
// pushing the image before the deployment starts.
const buildBudget = 25 * time.Minute

// The OIDC session must outlive the build, the wait and the stop with
// rollback a timed-out deployment needs; the release is told when it ends.
func TestReleaseWorkflowSessionOutlivesTheWait(t *testing.T) {
	w, err := LoadWorkflow(workflowPath)
	if err != nil {
		t.Fatal(err)
	}
	secs, err := strconv.Atoi(w.Env["SESSION_SECONDS"])
	if err != nil {
		t.Fatalf("SESSION_SECONDS = %q: %v", w.Env["SESSION_SECONDS"], err)
	}
	timeout, err := deploy.ParseTimeout(w.Env["RELEASE_TIMEOUT"])
	if err != nil {
		t.Fatal(err)
	}
	if need := buildBudget + timeout + deploy.CredentialMargin; time.Duration(secs)*time.Second < need {
		t.Errorf("session of %ds is shorter than build %s + timeout %s + stop margin %s", secs, buildBudget, timeout, deploy.CredentialMargin)
	}
	creds, ok := w.Step("aws-actions/configure-aws-credentials")
	if !ok || creds.With["role-duration-seconds"] != "${{ env.SESSION_SECONDS }}" {
		t.Errorf("credentials step with %v: want role-duration-seconds: ${{ env.SESSION_SECONDS }}", creds.With)
	}
	expirySet := false
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials") {
				break
			}
			expirySet = expirySet || strings.Contains(s.Run, "AWS_CREDENTIAL_EXPIRATION=") && strings.Contains(s.Run, "SESSION_SECONDS")
		}
	}
	if !expirySet {
		t.Error("no step before the credentials step records AWS_CREDENTIAL_EXPIRATION from SESSION_SECONDS")
	}
	calls, _ := workflowCalls(t, w.Jobs["release"])
	if len(calls) == 0 {
		t.Fatal("release job runs no dagger call")
	}
	for _, c := range calls {
		if f := c.Chain[0].Flags; f["timeout"] != "$RELEASE_TIMEOUT" || f["credentials-expire-at"] != "$AWS_CREDENTIAL_EXPIRATION" {
			t.Errorf("release flags %v: want --timeout $RELEASE_TIMEOUT --credentials-expire-at $AWS_CREDENTIAL_EXPIRATION", f)
		}
	}
}
