package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/stackout"
	"dagger/ecs-bluegreen/weightproxy"
)

// Ports of the rehearsal's production and test endpoints.
const (
	rehearsalProductionPort = 8000
	rehearsalTestPort       = 8080
)

// RehearsalTraffic runs the app the way a rehearsed release serves it: the
// release that serves now and the one being released, each built from
// --source and running as a service, behind a weighted proxy that follows the
// AWS stand-in's production and test routes (the listener rules in ecs mode,
// the listeners in codedeploy mode). Production answers on port 8000 and test
// on 8080, so /watch shows the cutover as the stand-in moves traffic:
// `dagger call … --aws-endpoint-service tcp://localhost:4566 rehearsal-traffic
// --serving-version v1 --releasing-version v2 up --ports 8000:8000 --ports
// 8080:8080`, then open http://localhost:8000/watch. Start it on a settled
// service, before the release. Never cached: which side serves is read
// from the stand-in at each call.
// +cache="never"
func (m *EcsBluegreen) RehearsalTraffic(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// The module's source, whose cmd/weight-proxy is built into the proxy.
	// +defaultPath="/.dagger"
	// +ignore=["ecs-bluegreen", "internal/dagger", "dagger.gen.go", "**/testdata"]
	moduleSource *dagger.Directory,
	// Version of the release serving production now; its build answers where production is.
	servingVersion string,
	// Version being released; its build answers where the deployment shifts traffic to.
	releasingVersion string,
	// Service stack whose routes the proxy follows.
	// +optional
	// +default="webapp-service"
	stack string,
	// Main package to build (see build).
	// +optional
	pkg string,
	// Port the app listens on (see build); default 3000.
	// +optional
	port int,
	// Builder image with the Go toolchain; default: the builder image pinned in buildplan/goimage.go.
	// +optional
	goImage string,
) (*dagger.Service, error) {
	if m.AwsEndpointService == nil {
		return nil, errors.New("rehearsal-traffic follows the AWS stand-in's routes: pass --aws-endpoint-service (the aws-standin service, or tcp://localhost:4566) before the function name, or start everything at once with rehearsal")
	}
	return m.rehearsalProxy(ctx, rehearsalApps{source: source, moduleSource: moduleSource, stack: stack,
		serving: servingVersion, releasing: releasingVersion, pkg: pkg, port: port, goImage: goImage}, false)
}

// rehearsalApps are the two releases a rehearsal serves and where they come from.
type rehearsalApps struct {
	source, moduleSource      *dagger.Directory
	stack, serving, releasing string
	pkg, goImage              string
	port                      int
}

// rehearsalProxy is the weighted proxy in front of the serving and the
// releasing build, following the routes of the stand-in m points at. With
// passThrough it also exposes the stand-in itself on its own port.
func (m *EcsBluegreen) rehearsalProxy(ctx context.Context, a rehearsalApps, passThrough bool) (*dagger.Service, error) {
	if a.serving == a.releasing {
		return nil, fmt.Errorf("invalid releasing-version %q: it must differ from --serving-version, or the cutover shows nothing", a.releasing)
	}
	port := a.port
	if port == 0 {
		port = buildplan.DefaultPort
	}
	cfg, err := m.awsConfig(ctx, "rehearsal-traffic")
	if err != nil {
		return nil, err
	}
	outputs, err := stackout.Outputs(ctx, cfg, a.stack)
	if err != nil {
		return nil, err
	}
	routes, err := weightproxy.FindRoutes(ctx, elbv2.NewFromConfig(cfg), outputs)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", a.stack, err)
	}
	endpoints, err := m.awsEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	native, err := dag.Container().Platform(ctx)
	if err != nil {
		return nil, err
	}
	bin, err := moduleCommand(ctx, a.goImage, a.moduleSource, "weight-proxy")
	if err != nil {
		return nil, err
	}
	// A static binary on an empty root filesystem: the proxy speaks plain
	// HTTP to the apps and the stand-in, so it needs no base image.
	proxy := dag.Container().WithFile("/weight-proxy", bin)
	args := []string{"/weight-proxy", "-aws-endpoint", endpoints.Container, "-aws-region", m.Region,
		"-production-rule", routes.Production, "-test-rule", routes.Test,
		"-production-addr", ":" + strconv.Itoa(rehearsalProductionPort), "-test-addr", ":" + strconv.Itoa(rehearsalTestPort)}
	// In a fixed order, so the same routes give the same container.
	for _, up := range []struct{ name, version string }{{weightproxy.Serving, a.serving}, {weightproxy.Releasing, a.releasing}} {
		name, tg := up.name, routes.TargetGroupOf(up.name)
		img, err := m.Build(ctx, a.source, a.pkg, port, string(native), up.version, a.goImage, "", 0)
		if err != nil {
			return nil, err
		}
		proxy = proxy.WithServiceBinding(name, img.AsService(dagger.ContainerAsServiceOpts{Args: []string{buildplan.BinaryPath}}))
		args = append(args, "-upstream", name+"=http://"+name+":"+strconv.Itoa(port), "-target-group", name+"="+tg)
	}
	proxy = m.withAWSService(proxy).WithExposedPort(rehearsalProductionPort).WithExposedPort(rehearsalTestPort)
	if passThrough {
		args = append(args, "-pass-through", ":"+strconv.Itoa(standInPort)+"="+endpoints.Container)
		proxy = proxy.WithExposedPort(standInPort)
	}
	return proxy.AsService(dagger.ContainerAsServiceOpts{Args: args}), nil
}
