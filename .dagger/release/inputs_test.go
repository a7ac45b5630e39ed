package release

import (
	"strings"
	"testing"
	"time"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/sigstore"
)

func TestInputsCheckRefusesEachBadArgumentBeforeAWS(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	good := Inputs{Deploy: true, Timeout: "30m", CredentialsExpireAt: "2026-12-05T14:00:00Z", WaitUntil: "traffic-shifted",
		Hooks: []string{"AfterAllowTestTraffic=smoke"}, Platforms: []string{"linux/arm64"}}
	c, err := good.Check(now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != bundle.ModeDirect || !c.Waits || c.Wait != 30*time.Minute || c.Hooks["AfterAllowTestTraffic"] != "smoke" || c.Expiry.IsZero() {
		t.Errorf("checked = %+v", c)
	}
	if c, err := (Inputs{Deploy: true, NoWait: true, Timeout: "60m"}).Check(now); err != nil || c.Waits {
		t.Errorf("--no-wait: %+v, %v", c, err)
	}
	if c, err := (Inputs{Timeout: "60m"}).Check(now); err != nil || c.Mode != bundle.ModePipeline || c.Waits {
		t.Errorf("pipeline release: %+v, %v", c, err)
	}
	for name, bad := range map[string]Inputs{
		"timeout":         {Timeout: "soon"},
		"no timeout":      {Timeout: "0s"},
		"expiry":          {CredentialsExpireAt: "tomorrow"},
		"outlived":        {Deploy: true, Timeout: "3h", CredentialsExpireAt: "2026-12-05T13:00:00Z"},
		"checkpoint":      {WaitUntil: "halfway"},
		"hook":            {Hooks: []string{"smoke"}},
		"platform":        {Platforms: []string{"windows/amd64"}},
		"image":           {Image: "webapp:latest"},
		"source url":      {SourceURL: "ftp://example.org/shop"},
		"signing key id":  {SigningKey: "not a key"},
		"key with image":  {Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("a", 64), SigningKey: "alias/webapp-provenance"},
		"tags with image": {Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("a", 64), CosignTags: true},
		"keyless with image": {Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("a", 64),
			Keyless: sigstore.Request{GitHubURL: true, GitHubToken: true}},
		"keyless and a key":       {Keyless: sigstore.Request{Token: true}, SigningKey: "alias/webapp-provenance"},
		"half the GitHub pair":    {Keyless: sigstore.Request{GitHubURL: true}},
		"an http Fulcio":          {Keyless: sigstore.Request{Token: true, FulcioURL: "http://fulcio.example"}},
		"a Rekor without keyless": {Keyless: sigstore.Request{RekorURL: "https://rekor.example"}},
	} {
		if bad.Timeout == "" {
			bad.Timeout = "60m" // the function's default
		}
		if _, err := bad.Check(now); err == nil {
			t.Errorf("%s: %+v accepted", name, bad)
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("%s: empty error", name)
		}
	}
	image := "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@sha256:" + strings.Repeat("a", 64)
	if _, err := (Inputs{Timeout: "60m", Image: image}).Check(now); err != nil {
		t.Fatalf("--image alone: %v", err)
	}
	for _, bad := range []Inputs{{Timeout: "60m", Image: image, SigningKey: "alias/webapp-provenance"}, {Timeout: "60m", Image: image, SigningKey: "alias/webapp-provenance", CosignTags: true}} {
		if _, err := bad.Check(now); err == nil || !strings.Contains(err.Error(), "builds and attests nothing") {
			t.Errorf("%+v: err = %v, want the refusal of provenance options with --image", bad, err)
		}
	}
	if _, err := (Inputs{Timeout: "60m", CosignTags: true}).Check(now); err == nil || !strings.Contains(err.Error(), "--cosign-tags needs a signed provenance") {
		t.Errorf("--cosign-tags without a key: %v", err)
	}
	c, err = (Inputs{Timeout: "60m", CosignTags: true, Keyless: sigstore.Request{GitHubURL: true, GitHubToken: true}}).Check(now)
	if err != nil || c.Fulcio.String() != sigstore.DefaultFulcioURL || c.Rekor.String() != sigstore.DefaultRekorURL {
		t.Errorf("keyless with --cosign-tags: %+v, %v", c, err)
	}
}
