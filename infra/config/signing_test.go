package config

import (
	"strings"
	"testing"
)

func TestSigningKeyModes(t *testing.T) {
	keyArn := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	role := "arn:aws:iam::123456789012:role/github-release"
	cases := []struct {
		ctx  map[string]any
		want Signing
	}{
		{map[string]any{}, Signing{Mode: SigningOff}},
		{map[string]any{"signingKey": "off"}, Signing{Mode: SigningOff}},
		{map[string]any{"signingKey": "create"}, Signing{Mode: SigningCreate}},
		{map[string]any{"signingKey": "create", "releaseRoleArn": role}, Signing{Mode: SigningCreate, ReleaseRoleArn: role}},
		{map[string]any{"signingKey": keyArn}, Signing{Mode: SigningExisting, KeyArn: keyArn}},
	}
	for _, tc := range cases {
		c, err := Load(ctx(tc.ctx), noEnv)
		if err != nil {
			t.Fatalf("%v: %v", tc.ctx, err)
		}
		if c.Signing != tc.want {
			t.Errorf("%v: %+v, want %+v", tc.ctx, c.Signing, tc.want)
		}
	}
	if c, _ := Load(ctx(nil), noEnv); c.BuildRoleName() != "webapp-release-build" {
		t.Errorf("BuildRoleName = %q", c.BuildRoleName())
	}
}

func TestBadSigningConfigIsRefused(t *testing.T) {
	cases := []struct {
		ctx  map[string]any
		want []string
	}{
		{map[string]any{"signingKey": "alias/provenance"}, []string{`signingKey "alias/provenance"`, "create", "existing KMS key ARN"}},
		{map[string]any{"signingKey": "arn:aws:iam::123456789012:role/x"}, []string{`signingKey "arn:aws:iam::123456789012:role/x"`}},
		{map[string]any{"signingKey": "create", "releaseRoleArn": "github-release"}, []string{`releaseRoleArn "github-release"`, "IAM role ARN"}},
		{map[string]any{"releaseRoleArn": "arn:aws:iam::123456789012:role/github-release"}, []string{"releaseRoleArn", "signingKey=create"}},
		{map[string]any{"signingKey": "create", "pipeline": false}, []string{"releaseRoleArn (not set)", "no pipeline"}},
	}
	for _, tc := range cases {
		_, err := Load(ctx(tc.ctx), noEnv)
		if err == nil {
			t.Fatalf("%v accepted", tc.ctx)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error lacks %q:\n%s", tc.ctx, w, err)
			}
		}
	}
}
