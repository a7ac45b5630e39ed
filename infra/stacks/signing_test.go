package stacks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestSigningKeyOnlyTheReleaseRolesSign: with signingKey=create the ECR
// stack holds a P-256 signing key whose policy gives kms:Sign to the
// pipeline's build role and the release role only (and denies everyone
// else), gives the account no kms:* and outputs the key's ARN; the build
// role, named so the policy can name it, may sign with that key and gets
// its ARN as SIGNING_KEY.
func TestSigningKeyOnlyTheReleaseRolesSign(t *testing.T) {
	s := synth(t, "ecs")
	ecr, pipeline := s.json["ecr"], s.json["pipeline"]
	keys := findResources(ecr, "AWS::KMS::Key")
	if len(keys) != 1 {
		t.Fatalf("%d KMS keys in the ECR stack, want 1", len(keys))
	}
	key := keys[0]
	if dig(key, "Properties", "KeySpec") != "ECC_NIST_P256" || dig(key, "Properties", "KeyUsage") != "SIGN_VERIFY" {
		t.Fatalf("key %v", key["Properties"])
	}
	if key["DeletionPolicy"] != "Retain" {
		t.Errorf("key DeletionPolicy %v: published provenance needs the key", key["DeletionPolicy"])
	}
	buildRole := "role/" + s.cfg.BuildRoleName()
	allowedSign, denied := 0, 0
	for _, raw := range asSlice(dig(key, "Properties", "KeyPolicy", "Statement")) {
		st := raw.(map[string]any)
		acts := actionsOf(st)
		if slices.Contains(acts, "kms:*") {
			t.Errorf("key policy grants kms:*: %v", st)
		}
		signs := slices.Contains(acts, "kms:Sign")
		for _, a := range acts {
			if a != "kms:Sign" && strings.HasPrefix("kms:Sign", strings.TrimSuffix(a, "*")) && strings.HasSuffix(a, "*") {
				signs = true // a wildcard that covers kms:Sign
			}
		}
		if !signs {
			continue
		}
		cond, _ := json.Marshal(st["Condition"])
		if !strings.Contains(string(cond), buildRole) || !strings.Contains(string(cond), releaseRole) {
			t.Errorf("kms:Sign statement without the two roles in its condition: %v", st)
		}
		switch st["Effect"] {
		case "Allow":
			allowedSign++
			if dig(st, "Condition", "ArnEquals", "aws:PrincipalArn") == nil {
				t.Errorf("kms:Sign allowed without an aws:PrincipalArn condition: %v", st)
			}
		case "Deny":
			denied++
			if dig(st, "Condition", "ArnNotEquals", "aws:PrincipalArn") == nil {
				t.Errorf("deny without ArnNotEquals: %v", st)
			}
		}
	}
	if allowedSign != 1 || denied != 1 {
		t.Fatalf("key policy: %d statements allow kms:Sign, %d deny it; want 1 and 1", allowedSign, denied)
	}
	if dig(ecr, "Outputs", OutputSigningKeyArn) == nil {
		t.Errorf("ECR stack has no %s output", OutputSigningKeyArn)
	}

	roles := findResources(pipeline, "AWS::IAM::Role")
	named := false
	for _, r := range roles {
		if dig(r, "Properties", "RoleName") == s.cfg.BuildRoleName() {
			named = true
		}
	}
	if !named {
		t.Errorf("no role named %s in the pipeline stack", s.cfg.BuildRoleName())
	}
	signGrants := 0
	for _, p := range findResources(pipeline, "AWS::IAM::Policy") {
		for _, raw := range asSlice(dig(p, "Properties", "PolicyDocument", "Statement")) {
			st := raw.(map[string]any)
			if slices.Contains(actionsOf(st), "kms:Sign") {
				signGrants++
				if onStar(st) || !strings.Contains(fmt.Sprint(st["Resource"]), "Fn::ImportValue") {
					t.Errorf("build role may sign with %v, want the ECR stack's key only", st["Resource"])
				}
			}
		}
	}
	if signGrants != 1 {
		t.Errorf("%d kms:Sign grants in the pipeline stack, want 1", signGrants)
	}
	env, _ := json.Marshal(findResources(pipeline, "AWS::CodeBuild::Project")[0])
	if !strings.Contains(string(env), `"Name":"SIGNING_KEY"`) {
		t.Errorf("build project has no SIGNING_KEY variable")
	}
}

// TestExistingSigningKeyIsGrantedNotCreated: with a key ARN nothing is
// created; the build role may sign with exactly that key.
func TestExistingSigningKeyIsGrantedNotCreated(t *testing.T) {
	s := synth(t, "agnostic")
	if n := len(findResources(s.json["ecr"], "AWS::KMS::Key")); n != 0 {
		t.Fatalf("%d keys created for an existing key", n)
	}
	if got := dig(s.json["ecr"], "Outputs", OutputSigningKeyArn, "Value"); got != existingSigningKey {
		t.Errorf("output %v, want %s", got, existingSigningKey)
	}
	found := false
	for _, p := range findResources(s.json["pipeline"], "AWS::IAM::Policy") {
		for _, raw := range asSlice(dig(p, "Properties", "PolicyDocument", "Statement")) {
			st := raw.(map[string]any)
			if slices.Contains(actionsOf(st), "kms:Sign") {
				found = st["Resource"] == existingSigningKey
			}
		}
	}
	if !found {
		t.Error("build role may not sign with the existing key")
	}
}

// TestSigningOffByDefault: no key, no grant, no output.
func TestSigningOffByDefault(t *testing.T) {
	s := synth(t, "codedeploy")
	if len(findResources(s.json["ecr"], "AWS::KMS::Key")) != 0 || dig(s.json["ecr"], "Outputs", OutputSigningKeyArn) != nil {
		t.Fatal("signing key without signingKey")
	}
	raw, _ := json.Marshal(s.json["pipeline"])
	if strings.Contains(string(raw), "kms:Sign") {
		t.Fatal("kms:Sign granted without signingKey")
	}
}
