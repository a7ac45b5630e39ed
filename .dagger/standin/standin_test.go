package standin

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	got, err := Choose("", "http://c0agl6vuanoj8:4566")
	if err != nil {
		t.Fatal(err)
	}
	if got.SDK != "http://c0agl6vuanoj8:4566" || got.Container != "http://aws-localhost:4566" {
		t.Errorf("got %+v", got)
	}
	// moto's template-URL check: the container endpoint must contain "localhost".
	if !strings.Contains(got.Container, "localhost") {
		t.Errorf("container endpoint %s fails moto's TemplateURL check", got.Container)
	}
	if got, _ := Choose("", "c0agl6vuanoj8:5000"); got.SDK != "http://c0agl6vuanoj8:5000" || got.Container != "http://aws-localhost:5000" {
		t.Errorf("bare host:port: %+v", got)
	}
	if got, _ := Choose("http://host.docker.internal:4566", ""); got.SDK != "http://host.docker.internal:4566" || got.Container != got.SDK {
		t.Errorf("plain endpoint: %+v", got)
	}
	if got, _ := Choose("", ""); got != (Endpoints{}) {
		t.Errorf("no endpoint: %+v", got)
	}
	if _, err := Choose("http://localhost:4566", "http://c0agl6vuanoj8:4566"); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("both given: %v", err)
	}
	if _, err := Choose("", "http://c0agl6vuanoj8"); err == nil || !strings.Contains(err.Error(), "tcp://localhost:4566") {
		t.Errorf("no port: %v", err)
	}
}

func TestRegistryAddressResolvesTheServiceName(t *testing.T) {
	lookup := func(_ context.Context, host string) ([]string, error) {
		if host != "c0agl6vuanoj8" {
			return nil, fmt.Errorf("no such host %s", host)
		}
		return []string{"fd00::5", "10.87.0.12"}, nil
	}
	for in, want := range map[string]string{
		"c0agl6vuanoj8:5000": "10.87.0.12:5000", "http://c0agl6vuanoj8:5000": "10.87.0.12:5000", "10.87.0.9:5000": "10.87.0.9:5000",
	} {
		got, err := RegistryAddress(context.Background(), in, lookup)
		if err != nil || got != want {
			t.Errorf("%s: %s %v", in, got, err)
		}
	}
	if _, err := RegistryAddress(context.Background(), "c0agl6vuanoj8", lookup); err == nil || !strings.Contains(err.Error(), "registry-service") {
		t.Errorf("no port: %v", err)
	}
	if _, err := RegistryAddress(context.Background(), "elsewhere:5000", lookup); err == nil || !strings.Contains(err.Error(), "resolving elsewhere") {
		t.Errorf("unresolvable: %v", err)
	}
}
