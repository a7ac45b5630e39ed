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
	// RegistryAuth is the login for Registry. Nil presents the ECR login
	// there instead (for stand-ins that accept it).
	RegistryAuth *publish.Auth
}

// PushTarget resolves the tag, the repository and the registry login into a
// publish.Request (without Tarball). For ECR it also reads whether tags are
// immutable and looks digests up through the ECR API, which knows about
// images the registry API would need extra permissions to read.
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
	repoName, err := repositoryName(repoURI)
	if err != nil {
		return req, err
	}

	if o.Registry != "" && o.RegistryAuth != nil {
		req.Auth = *o.RegistryAuth
		req.Target, err = publish.ParseReference(o.Registry + "/" + repoName + ":" + tag)
		return req, err
	}
	client := ecr.New(cfg)
	reg, err := client.ResolveRegistry(ctx, o.Registry)
	if err != nil {
		return req, err
	}
	req.Auth = publish.Auth{Username: reg.Auth.Username, Password: reg.Auth.Password}
	if req.Target, err = publish.ParseReference(reg.Address + "/" + repoName + ":" + tag); err != nil {
		return req, err
	}
	if o.Registry == "" {
		if req.Immutable, err = client.TagsImmutable(ctx, repoName); err != nil {
			return req, err
		}
		req.Lookup = func(ctx context.Context, tag string) (string, error) {
			return client.ImageDigestForTag(ctx, repoName, tag)
		}
	}
	return req, nil
}

// repositoryName accepts a repository URI or a bare repository name, which
// may itself contain slashes (team/webapp): only a first segment that looks
// like a host (a dot, a port, or localhost) makes it a URI.
func repositoryName(s string) (string, error) {
	if first, _, ok := strings.Cut(s, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		_, name, err := ecr.SplitRepositoryURI(s)
		return name, err
	}
	if err := ecr.ValidateRepositoryName(s); err != nil {
		return "", err
	}
	return s, nil
}
