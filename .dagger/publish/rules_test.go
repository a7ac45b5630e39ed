package publish

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var (
	digestA = "sha256:" + strings.Repeat("a", 64)
	digestB = "sha256:" + strings.Repeat("b", 64)
)

func TestValidateTag(t *testing.T) {
	for _, ok := range []string{"3f2c1ab", "v1.4.0", "_x", strings.Repeat("a", 128), "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"} {
		if err := ValidateTag(ok); err != nil {
			t.Errorf("ValidateTag(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "latest", "LATEST", ".x", "-x", "a b", "a/b", "a:b", strings.Repeat("a", 129)} {
		err := ValidateTag(bad)
		if err == nil {
			t.Errorf("ValidateTag(%q) = nil", bad)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("error %q does not name the value", err)
		}
	}
}

func TestResolveTag(t *testing.T) {
	cases := []struct{ tag, rev, want string }{
		{"", "9f8e7d6", "9f8e7d6"},
		{"v2", "9f8e7d6", "v2"},
		{" v2\n", "", "v2"},
	}
	for _, c := range cases {
		if got, err := ResolveTag(c.tag, c.rev); err != nil || got != c.want {
			t.Errorf("ResolveTag(%q,%q) = %q, %v; want %q", c.tag, c.rev, got, err, c.want)
		}
	}
	if _, err := ResolveTag("", ""); err == nil || !strings.Contains(err.Error(), "no image tag") {
		t.Errorf("no tag and no revision: %v", err)
	}
	if _, err := ResolveTag("latest", "abc"); err == nil {
		t.Error("latest accepted")
	}
	if _, err := ResolveTag("", "refs/heads/main"); err == nil || !strings.Contains(err.Error(), "git revision") {
		t.Errorf("revision that is not a tag: %v", err)
	}
}

func TestPlan(t *testing.T) {
	d, err := Plan("v1", "", digestA, true)
	if err != nil || d.Action != ActionPush || d.Digest != digestA {
		t.Fatalf("free tag: %+v, %v", d, err)
	}
	d, err = Plan("v1", digestA, digestA, true)
	if err != nil || d.Action != ActionSkip {
		t.Fatalf("same digest: %+v, %v", d, err)
	}
	if want := "tag v1 already holds " + digestA + " — nothing to push"; d.Message != want {
		t.Errorf("message %q, want %q", d.Message, want)
	}
	_, err = Plan("v1", digestA, digestB, true)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Existing != digestA || conflict.Local != digestB {
		t.Fatalf("immutable conflict: %v", err)
	}
	for _, want := range []string{digestA, digestB, "new tag", "v1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("conflict error %q lacks %q", err, want)
		}
	}
	d, err = Plan("v1", digestA, digestB, false)
	if err != nil || d.Action != ActionPush || !strings.Contains(d.Message, "moving tag v1") {
		t.Fatalf("mutable tag: %+v, %v", d, err)
	}
	if _, err := Plan("latest", "", digestA, true); err == nil {
		t.Error("latest accepted")
	}
	if _, err := Plan("v1", "", "sha256:short", true); err == nil || !strings.Contains(err.Error(), "sha256:short") {
		t.Errorf("bad local digest: %v", err)
	}
	if _, err := Plan("v1", "md5:x", digestA, true); err == nil || !strings.Contains(err.Error(), "md5:x") {
		t.Errorf("bad remote digest: %v", err)
	}
}

func TestAfterPushFailure(t *testing.T) {
	pushErr := errors.New("MANIFEST_INVALID: tag is immutable")
	d, err := AfterPushFailure("v1", pushErr, digestA, digestA, true)
	if err != nil || d.Action != ActionSkip {
		t.Fatalf("concurrent identical push: %+v, %v", d, err)
	}
	var conflict *ConflictError
	if _, err := AfterPushFailure("v1", pushErr, digestB, digestA, true); !errors.As(err, &conflict) {
		t.Fatalf("different digest after failure: %v", err)
	}
	if _, err := AfterPushFailure("v1", pushErr, digestB, digestA, false); errors.As(err, &conflict) || !errors.Is(err, pushErr) {
		t.Fatalf("a mutable tag holding another image must give the push error: %v", err)
	}
	if _, err := AfterPushFailure("v1", pushErr, "", digestA, true); !errors.Is(err, pushErr) {
		t.Fatalf("absent tag after failure must return the push error: %v", err)
	}
}

func TestParseReference(t *testing.T) {
	ecrHost := "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
	good := map[string]Reference{
		ecrHost + "/webapp:3f2c1ab":                      {Registry: ecrHost, Repository: "webapp", Tag: "3f2c1ab"},
		ecrHost + "/team/webapp:v1@" + digestA:           {Registry: ecrHost, Repository: "team/webapp", Tag: "v1", Digest: digestA},
		ecrHost + "/webapp@" + digestB:                   {Registry: ecrHost, Repository: "webapp", Digest: digestB},
		"localhost:5000/webapp:v1":                       {Registry: "localhost:5000", Repository: "webapp", Tag: "v1"},
		"127.0.0.1:41234/a/b-c__d:x@" + digestA:          {Registry: "127.0.0.1:41234", Repository: "a/b-c__d", Tag: "x", Digest: digestA},
		"localhost/webapp:v1":                            {Registry: "localhost", Repository: "webapp", Tag: "v1"},
		"registry.example.com:443/org/app.name:1.0-rc.1": {Registry: "registry.example.com:443", Repository: "org/app.name", Tag: "1.0-rc.1"},
	}
	for s, want := range good {
		got, err := ParseReference(s)
		if err != nil || got != want {
			t.Errorf("ParseReference(%q) = %+v, %v; want %+v", s, got, err, want)
			continue
		}
		if got.String() != s {
			t.Errorf("String() = %q, want %q", got.String(), s)
		}
	}
	for _, bad := range []string{"", "webapp:v1", "docker.io", "library/webapp:v1", ecrHost + "/WebApp:v1", ecrHost + "/webapp",
		ecrHost + "/webapp:v1@sha256:abc", ecrHost + "/webapp:bad tag", "https://" + ecrHost + "/webapp:v1", ecrHost + "//webapp:v1"} {
		_, err := ParseReference(bad)
		if err == nil {
			t.Errorf("ParseReference(%q) accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) || !strings.Contains(err.Error(), "expected") {
			t.Errorf("error %q should name the value and what is expected", err)
		}
	}
}

func TestParsePublished(t *testing.T) {
	s := "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:3f2c1ab@" + digestA
	r, err := ParsePublished(s)
	if err != nil {
		t.Fatal(err)
	}
	if r.ByDigest() != "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@"+digestA || r.Tagged() != "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:3f2c1ab" {
		t.Errorf("ByDigest %q Tagged %q", r.ByDigest(), r.Tagged())
	}
	for _, bad := range []string{"123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp:3f2c1ab", "123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@" + digestA} {
		if _, err := ParsePublished(bad); err == nil || !strings.Contains(err.Error(), "both a tag and a digest") {
			t.Errorf("ParsePublished(%q) = %v", bad, err)
		}
	}
}

func TestVerifyPublished(t *testing.T) {
	r := Reference{Registry: "localhost:5000", Repository: "webapp", Tag: "v1", Digest: digestA}
	if err := VerifyPublished(r, digestA); err != nil {
		t.Fatal(err)
	}
	if err := VerifyPublished(r, digestB); err == nil || !strings.Contains(err.Error(), digestA) || !strings.Contains(err.Error(), digestB) {
		t.Errorf("mismatch: %v", err)
	}
	if err := VerifyPublished(r, ""); err == nil {
		t.Error("absent tag accepted")
	}
}

func TestParseReferenceHidesUserInfo(t *testing.T) {
	for _, s := range []string{"https://AWS:ref-leak-pw@host.example/webapp:v1", "AWS:ref-leak-pw@host.example/webapp:v1@" + digestA} {
		_, err := ParseReference(s)
		if err == nil {
			t.Errorf("%q accepted", s)
			continue
		}
		if strings.Contains(err.Error(), "ref-leak-pw") || strings.Contains(err.Error(), "AWS:") {
			t.Errorf("error reveals user information: %v", err)
		}
	}
	if got := withoutUserInfo("host/webapp:v1@" + digestA); got != "host/webapp:v1@"+digestA {
		t.Errorf("a digest was taken for user information: %q", got)
	}
}
