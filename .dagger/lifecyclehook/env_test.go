package lifecyclehook

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestNewFromEnvNeedsTheFunctionsCredentialsAndRegion(t *testing.T) {
	base := map[string]string{EnvSmokeURL: "http://alb:8080", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-not-to-be-printed", "AWS_REGION": "eu-west-1"}
	h, err := NewFromEnv(context.Background(), env(base), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if h.Revisions == nil || h.Metrics == nil || h.CodeDeploy == nil || h.Config.Smoke.URL != "http://alb:8080" {
		t.Errorf("handler %+v", h)
	}
	for _, drop := range []string{"AWS_REGION", "AWS_SECRET_ACCESS_KEY"} {
		m := map[string]string{}
		for k, v := range base {
			if k != drop {
				m[k] = v
			}
		}
		_, err := NewFromEnv(context.Background(), env(m), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "AWS configuration from the function's environment") {
			t.Errorf("without %s: %v", drop, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret-not-to-be-printed") {
			t.Errorf("error reveals the secret: %v", err)
		}
	}
}
