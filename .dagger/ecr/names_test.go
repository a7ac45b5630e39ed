package ecr

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestValidateRepositoryName(t *testing.T) {
	for _, ok := range []string{"webapp", "ab", "team/webapp", "a.b_c-d/e1", strings.Repeat("a", 256)} {
		if err := ValidateRepositoryName(ok); err != nil {
			t.Errorf("ValidateRepositoryName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a", "WebApp", "web app", "-web", "web-", "web//app", "/web", "web/", "web..app", "web:1", strings.Repeat("a", 257)} {
		err := ValidateRepositoryName(bad)
		if err == nil {
			t.Errorf("ValidateRepositoryName(%q) = nil, want an error", bad)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("error %q does not name the value", err)
		}
	}
}

func TestRegistryHostAndURI(t *testing.T) {
	host, err := RegistryHost("123456789012", "eu-west-1")
	if err != nil || host != "123456789012.dkr.ecr.eu-west-1.amazonaws.com" {
		t.Fatalf("RegistryHost = %q, %v", host, err)
	}
	if host, _ := RegistryHost("123456789012", "cn-north-1"); host != "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn" {
		t.Errorf("China host = %q", host)
	}
	for _, bad := range []string{"12345", "12345678901a", ""} {
		if _, err := RegistryHost(bad, "eu-west-1"); err == nil || !strings.Contains(err.Error(), "12 digits") {
			t.Errorf("RegistryHost(%q) err = %v", bad, err)
		}
	}
	uri, err := RepositoryURI(host, "webapp")
	if err != nil || uri != host+"/webapp" {
		t.Fatalf("RepositoryURI = %q, %v", uri, err)
	}
	if _, err := RepositoryURI("https://"+host, "webapp"); err == nil {
		t.Error("a scheme in the registry was accepted")
	}
	if _, err := RepositoryURI(host, "Web"); err == nil {
		t.Error("an invalid repository name was accepted")
	}
}

func TestSplitRepositoryURI(t *testing.T) {
	reg, repo, err := SplitRepositoryURI("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/webapp")
	if err != nil || reg != "123456789012.dkr.ecr.us-east-1.amazonaws.com" || repo != "team/webapp" {
		t.Fatalf("got %q %q %v", reg, repo, err)
	}
	if reg, repo, err := SplitRepositoryURI("localhost:5000/webapp"); err != nil || reg != "localhost:5000" || repo != "webapp" {
		t.Fatalf("override form: %q %q %v", reg, repo, err)
	}
	for _, bad := range []string{"", "webapp", "/webapp", "host/", "host/webapp:tag", "host/webapp@sha256:ab", "ho st/webapp"} {
		if _, _, err := SplitRepositoryURI(bad); err == nil {
			t.Errorf("SplitRepositoryURI(%q) accepted", bad)
		}
	}
}

func TestRegistryFromEndpoint(t *testing.T) {
	got, err := RegistryFromEndpoint("https://123456789012.dkr.ecr.us-east-1.amazonaws.com")
	if err != nil || got != "123456789012.dkr.ecr.us-east-1.amazonaws.com" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := RegistryFromEndpoint("https://host/path"); err == nil {
		t.Error("an endpoint with a path was accepted")
	}
}

func TestDecodeAuthorizationToken(t *testing.T) {
	const pw = "decode-check-password-0123"
	user, password, err := DecodeAuthorizationToken(base64.StdEncoding.EncodeToString([]byte("AWS:" + pw)))
	if err != nil || user != "AWS" || password != pw {
		t.Fatalf("got %q %q %v", user, password, err)
	}
	// A password may itself contain ':'.
	if _, password, _ := DecodeAuthorizationToken(base64.StdEncoding.EncodeToString([]byte("AWS:a:b"))); password != "a:b" {
		t.Errorf("password with a colon = %q", password)
	}
	for name, tok := range map[string]string{
		"empty":       "",
		"not base64":  "%%" + pw,
		"no colon":    base64.StdEncoding.EncodeToString([]byte(pw)),
		"no password": base64.StdEncoding.EncodeToString([]byte("AWS:")),
	} {
		_, _, err := DecodeAuthorizationToken(tok)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), pw) || (tok != "" && strings.Contains(err.Error(), tok)) {
			t.Errorf("%s: error reveals the token: %v", name, err)
		}
	}
}

func TestRegistryAuthRedacts(t *testing.T) {
	a := RegistryAuth{Username: "AWS", Password: "redact-check-password", Registry: "r.example", ExpiresAt: time.Unix(0, 0)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if out := fmt.Sprintf(verb, a); strings.Contains(out, a.Password) || strings.Contains(out, "7265646163742d") {
			t.Errorf("Sprintf(%q) reveals the password: %s", verb, out)
		}
	}
	if out := fmt.Sprintf("%v", a); !strings.Contains(out, "AWS") || !strings.Contains(out, "r.example") {
		t.Errorf("String() drops the non-secret fields: %s", out)
	}
}

func TestErrorsHideUserInfo(t *testing.T) {
	for _, s := range []string{"https://AWS:names-leak-pw@host", "AWS:names-leak-pw@host:5000"} {
		err := ValidateRegistry(s)
		if err == nil || strings.Contains(err.Error(), "names-leak-pw") || strings.Contains(err.Error(), "AWS:") {
			t.Errorf("ValidateRegistry(%q) = %v", s, err)
		}
		_, _, err = SplitRepositoryURI(s + "/webapp")
		if err == nil || strings.Contains(err.Error(), "names-leak-pw") {
			t.Errorf("SplitRepositoryURI: %v", err)
		}
	}
}

func TestParseRegistryHost(t *testing.T) {
	for host, want := range map[string][2]string{
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com":          {"123456789012", "eu-west-1"},
		"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com": {"123456789012", "us-gov-west-1"},
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn":      {"123456789012", "cn-north-1"},
	} {
		a, r, ok := ParseRegistryHost(host)
		if !ok || a != want[0] || r != want[1] {
			t.Errorf("ParseRegistryHost(%q) = %q, %q, %t", host, a, r, ok)
		}
	}
	for _, host := range []string{"localhost:5000", "registry.example.com", "12345.dkr.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example", "public.ecr.aws"} {
		if _, _, ok := ParseRegistryHost(host); ok {
			t.Errorf("ParseRegistryHost(%q) accepted", host)
		}
	}
}
