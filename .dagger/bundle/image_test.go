package bundle

import (
	"strings"
	"testing"
)

func TestParseImage(t *testing.T) {
	d := testDigest
	good := []struct {
		uri                         string
		registry, repo, tag, digest string
	}{
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com/webapp@" + d, "123456789012.dkr.ecr.us-east-1.amazonaws.com", "webapp", "", d},
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/webapp:v1.2.3@" + d, "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team/webapp", "v1.2.3", d},
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/webapp@" + d, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "webapp", "", d},
		{"localhost:5000/webapp:latest@" + d, "localhost:5000", "webapp", "latest", d},
		{"127.0.0.1:43211/my_app/web-app__x@" + d, "127.0.0.1:43211", "my_app/web-app__x", "", d},
		{"registry.example.com/a.b/c@" + d, "registry.example.com", "a.b/c", "", d},
	}
	for _, g := range good {
		img, err := ParseImage(g.uri)
		if err != nil {
			t.Errorf("ParseImage(%q): %v", g.uri, err)
			continue
		}
		if img.URI != g.uri || img.Registry != g.registry || img.Repository != g.repo || img.Tag != g.tag || img.Digest != g.digest {
			t.Errorf("ParseImage(%q) = %+v", g.uri, img)
		}
	}
	bad := map[string]string{
		"":                                  "is empty",
		" registry.example.com/webapp@" + d: "white space",
		"registry.example.com/webapp":       "not pinned to a digest",
		"registry.example.com/webapp@sha512:" + strings.Repeat("a", 64): "not sha256",
		"registry.example.com/webapp@sha256:" + strings.Repeat("a", 63): "not sha256",
		"webapp@" + d:                                                       "no registry host",
		"library/webapp@" + d:                                               "no registry host",
		"registry.example.com/@" + d:                                        "has no repository",
		"registry.example.com/web//app@" + d:                                `component ""`,
		"registry.example.com/web app@" + d:                                 "is not lowercase",
		"registry.example.com/-webapp@" + d:                                 "is not lowercase",
		"registry.example.com:port/webapp@" + d:                             "invalid port",
		"reg_istry.example.com/webapp@" + d:                                 "is not a DNS name",
		"123456789012.dkr.ecr.us-east-1.amazonaws.co/webapp@" + d:           "is not <12-digit account>",
		"registry.example.com/webapp:" + strings.Repeat("t", 129) + "@" + d: "has tag",
		"registry.example.com/" + strings.Repeat("a", 257) + "@" + d:        "longer than 256",
	}
	for uri, want := range bad {
		_, err := ParseImage(uri)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseImage(%q) = %v; want an error containing %q", uri, err, want)
			continue
		}
		if !strings.Contains(err.Error(), "want <registry>/<repository>") {
			t.Errorf("ParseImage(%q) error does not say what is accepted: %v", uri, err)
		}
	}
}
