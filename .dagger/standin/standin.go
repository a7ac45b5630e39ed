// Package standin decides how the module reaches local stand-ins (moto,
// LocalStack, a plain OCI registry) handed to it as Dagger services: the
// hostnames they are bound under inside containers, and the URLs and
// addresses derived from the endpoint the engine reports for them.
package standin

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Hostnames the stand-ins are bound under in the module's containers. Both
// contain "localhost": moto's CloudFormation only fetches a TemplateURL (the
// CDK CLI uploads templates to S3 and passes their URL) whose URL contains
// it, and tools treat such registries as local (plain HTTP).
const (
	AWSHost      = "aws-localhost"
	RegistryHost = "registry-localhost"
)

// Endpoints is where AWS calls go.
type Endpoints struct {
	// SDK is the endpoint URL for the module's own SDK calls (the address
	// the engine reports for the service); empty means AWS itself.
	SDK string
	// Container is the endpoint URL for containers, which reach a service
	// through its binding (AWSHost); empty means AWS itself.
	Container string
}

// Choose checks that at most one of an endpoint URL and an endpoint service
// is given. serviceEndpoint is what the engine reports for the service
// ("" when there is none), e.g. http://c0agl6vuanoj8:4566.
func Choose(endpoint, serviceEndpoint string) (Endpoints, error) {
	if serviceEndpoint == "" {
		return Endpoints{SDK: endpoint, Container: endpoint}, nil
	}
	if err := OneEndpoint(endpoint, true); err != nil {
		return Endpoints{}, err
	}
	port, err := Port(serviceEndpoint)
	if err != nil {
		return Endpoints{}, fmt.Errorf("aws-endpoint-service: %w", err)
	}
	sdk := serviceEndpoint
	if !strings.Contains(sdk, "://") {
		sdk = "http://" + sdk
	}
	return Endpoints{SDK: sdk, Container: "http://" + net.JoinHostPort(AWSHost, port)}, nil
}

// OneEndpoint refuses an endpoint URL given together with an endpoint service.
func OneEndpoint(endpoint string, haveService bool) error {
	if endpoint != "" && haveService {
		return fmt.Errorf("invalid aws-endpoint %q: give either --aws-endpoint or --aws-endpoint-service, not both", endpoint)
	}
	return nil
}

// Port returns the port of a service endpoint (host:port or scheme://host:port).
func Port(serviceEndpoint string) (string, error) {
	raw := serviceEndpoint
	if !strings.Contains(raw, "://") {
		raw = "tcp://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || u.Port() == "" {
		return "", fmt.Errorf("service endpoint %q has no host:port; expose one port, e.g. tcp://localhost:4566", serviceEndpoint)
	}
	return u.Port(), nil
}

// RegistryAddress returns the host:port the module pushes to for a registry
// service. The engine names the service with a generated hostname; the
// push goes to the address it resolves to instead, because registry clients
// speak plain HTTP only to loopback and private (RFC 1918) addresses, which
// the engine's service network uses, and HTTPS to any other name. lookup
// resolves a hostname (net.DefaultResolver.LookupHost in the module).
func RegistryAddress(ctx context.Context, serviceEndpoint string, lookup func(context.Context, string) ([]string, error)) (string, error) {
	port, err := Port(serviceEndpoint)
	if err != nil {
		return "", fmt.Errorf("registry-service: %w", err)
	}
	raw := serviceEndpoint
	if !strings.Contains(raw, "://") {
		raw = "tcp://" + raw
	}
	u, _ := url.Parse(raw)
	host := u.Hostname()
	if net.ParseIP(host) == nil {
		addrs, err := lookup(ctx, host)
		if err != nil || len(addrs) == 0 {
			return "", fmt.Errorf("registry-service: resolving %s: %v", host, err)
		}
		host = addrs[0]
		for _, a := range addrs {
			if ip := net.ParseIP(a); ip != nil && ip.To4() != nil {
				host = a // an IPv4 address needs no brackets in an image reference
				break
			}
		}
	}
	return net.JoinHostPort(host, port), nil
}

// BothRegistries is the error for a registry given both as an address and
// as a service.
func BothRegistries(registry string) error {
	return fmt.Errorf("invalid registry %q: give either --registry or --registry-service, not both", registry)
}
