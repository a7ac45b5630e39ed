package redact

import "testing"

func TestUserInfo(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:4566":                        "http://localhost:4566",
		"https://AKIAX:secret@host:443/x":              "https://xxxxx@host:443/x",
		"user:pass@registry.local:5000":                "xxxxx@registry.local:5000",
		"https://a@b@host":                             "https://xxxxx@host",
		"%zz://AKIALEAK:s3cr3t@bad url":                "%zz://xxxxx@bad url",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com": "123456789012.dkr.ecr.us-east-1.amazonaws.com",
	} {
		if got := UserInfo(in); got != want {
			t.Errorf("UserInfo(%q) = %q, want %q", in, got, want)
		}
	}
}
