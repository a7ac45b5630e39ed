package release

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/ecr"
	"dagger/ecs-bluegreen/publish"
	"dagger/ecs-bluegreen/stackout"
)

// TargetOptions say where an image is pushed.
type TargetOptions struct {
	// Stack is read for its RepositoryUri output when Repository is empty.
	Stack string
	// Repository is a repository name or URI; optional.
	Repository string
	// Tag and Version pick the tag (publish.ResolveTag).
	Tag, Version string
	// Registry overrides the ECR registry (host[:port]); optional.
	Registry string
	// RegistryAuth is the login for Registry. Nil means no credentials,
	// unless Registry is an ECR host, which gets the ECR login of its region.
	RegistryAuth *publish.Auth
}

// PushTarget resolves the tag, the repository and the registry login into a
// publish.Request (without Tarball). For ECR it also reads whether tags are
// immutable and looks digests up through the ECR API, which knows about
// images the registry API would need extra permissions to read. A repository
// URI naming another account or region is pushed there (its registry id on
// the ECR calls, its region's login); one naming a registry that is not ECR
// is refused unless Registry and its login are given.
func PushTarget(ctx context.Context, cfg aws.Config, o TargetOptions) (publish.Request, error) {
	var req publish.Request
	tag, err := publish.ResolveTag(o.Tag, o.Version)
	if err != nil {
		return req, err
	}
	if o.Registry != "" {
		if err := ecr.ValidateRegistry(o.Registry); err != nil {
			return req, fmt.Errorf("registry override: %w", err)
		}
	}
	repoURI := o.Repository
	if repoURI == "" {
		// Only the repository is needed: the service itself may not exist yet.
		outputs, err := stackout.Outputs(ctx, cfg, o.Stack)
		if err != nil {
			return req, err
		}
		if repoURI = outputs[stackout.KeyRepositoryUri]; repoURI == "" {
			return req, fmt.Errorf("stack %s has no %s output: pass --repository (a name such as webapp, or a repository URI)", o.Stack, stackout.KeyRepositoryUri)
		}
	}
	host, repoName, err := splitRepository(repoURI)
	if err != nil {
		return req, err
	}
	if o.Registry != "" {
		return overrideTarget(ctx, cfg, o, repoName, tag)
	}

	client := ecr.New(cfg)
	var address string
	var login ecr.RegistryAuth
	switch account, region, isECR := ecr.ParseRegistryHost(host); {
	case host == "":
		reg, err := client.ResolveRegistry(ctx, "")
		if err != nil {
			return req, err
		}
		address, login = reg.Address, reg.Auth
	case isECR:
		// The URI may name another account or region: push there, with that
		// region's login and that registry's repository settings.
		client = ecr.ForRegistry(cfg, account, region)
		if login, err = client.RegistryAuth(ctx); err != nil {
			return req, err
		}
		address = host
	default:
		// Not an ECR host: only the caller's own registry as an AWS stand-in
		// names it (its login's endpoint); anything else needs its own login.
		if login, err = client.RegistryAuth(ctx); err != nil {
			return req, err
		}
		if login.Registry != host {
			return req, fmt.Errorf("repository %q is in registry %s, which is not an Amazon ECR registry: to push there pass --registry %s with --registry-username and --registry-password (the ECR login is never sent to another registry)", repoURI, host, host)
		}
		address = host
	}
	req.Auth = publish.Auth{Username: login.Username, Password: login.Password}
	if req.Target, err = publish.ParseReference(address + "/" + repoName + ":" + tag); err != nil {
		return req, err
	}
	if req.Immutable, err = client.TagsImmutable(ctx, repoName); err != nil {
		return req, err
	}
	req.Lookup = func(ctx context.Context, tag string) (string, error) {
		return client.ImageDigestForTag(ctx, repoName, tag)
	}
	return req, nil
}

// overrideTarget is the target on a registry override, with the login
// Login picks for it.
func overrideTarget(ctx context.Context, cfg aws.Config, o TargetOptions, repoName, tag string) (publish.Request, error) {
	var req publish.Request
	auth, err := Login(ctx, cfg, o.Registry, o.RegistryAuth)
	if err != nil {
		return req, err
	}
	req.Auth = auth
	req.Target, err = publish.ParseReference(o.Registry + "/" + repoName + ":" + tag)
	return req, err
}

// splitRepository accepts a repository URI or a bare repository name, which
// may itself contain slashes (team/webapp): only a first segment that looks
// like a host (a dot, a port, or localhost) makes it a URI. host is "" for a
// bare name.
func splitRepository(s string) (host, name string, err error) {
	if first, _, ok := strings.Cut(s, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return ecr.SplitRepositoryURI(s)
	}
	if err := ecr.ValidateRepositoryName(s); err != nil {
		return "", "", err
	}
	return "", s, nil
}
