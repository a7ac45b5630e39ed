package main

import (
	"context"
	"net"

	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/standin"
)

// awsEndpoints resolves where this call's AWS requests go: the
// --aws-endpoint URL, or the --aws-endpoint-service (started, so the
// module's own SDK calls can reach it, and bound under standin.AWSHost in
// containers). Nothing when neither is given: AWS itself.
func (m *EcsBluegreen) awsEndpoints(ctx context.Context) (standin.Endpoints, error) {
	if m.AwsEndpointService == nil {
		return standin.Choose(m.AwsEndpoint, "")
	}
	if err := standin.OneEndpoint(m.AwsEndpoint, true); err != nil {
		return standin.Endpoints{}, err // refused before anything starts
	}
	svc, err := m.AwsEndpointService.Start(ctx)
	if err != nil {
		return standin.Endpoints{}, err
	}
	endpoint, err := svc.Endpoint(ctx, dagger.ServiceEndpointOpts{Scheme: "http"})
	if err != nil {
		return standin.Endpoints{}, err
	}
	return standin.Choose("", endpoint)
}

// withAWSService binds the AWS stand-in service into a container under the
// hostname its container endpoint names.
func (m *EcsBluegreen) withAWSService(ctr *dagger.Container) *dagger.Container {
	if m.AwsEndpointService == nil {
		return ctr
	}
	return ctr.WithServiceBinding(standin.AWSHost, m.AwsEndpointService)
}

// registryAddress returns the host:port to push to for a registry given as
// a service, or registry unchanged when there is none.
func registryAddress(ctx context.Context, registry string, service *dagger.Service) (string, error) {
	if service == nil {
		return registry, nil
	}
	if registry != "" {
		return "", standin.BothRegistries(registry)
	}
	svc, err := service.Start(ctx)
	if err != nil {
		return "", err
	}
	endpoint, err := svc.Endpoint(ctx)
	if err != nil {
		return "", err
	}
	return standin.RegistryAddress(ctx, endpoint, net.DefaultResolver.LookupHost)
}
