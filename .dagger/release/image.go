package release

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/ecr"
	"dagger/ecs-bluegreen/publish"
)

// Login returns the credentials to present to registry host: the given
// login, else the ECR login of the host's region for an ECR host, else none.
// The ECR token is a credential for the caller's images and never travels to
// another registry.
func Login(ctx context.Context, cfg aws.Config, host string, given *publish.Auth) (publish.Auth, error) {
	if given != nil {
		return *given, nil
	}
	account, region, isECR := ecr.ParseRegistryHost(host)
	if !isECR {
		return publish.Auth{}, nil
	}
	login, err := ecr.ForRegistry(cfg, account, region).RegistryAuth(ctx)
	if err != nil {
		return publish.Auth{}, err
	}
	return publish.Auth{Username: login.Username, Password: login.Password}, nil
}

// CheckImage confirms, before anything is registered, that an image given by
// reference (--image) exists in its registry and holds a linux image for the
// task definition's CPU architecture: ECS would accept any string and fail
// only when the new tasks start, after the deployment began.
func (p *Plan) CheckImage(ctx context.Context, image string, auth publish.Auth) error {
	img, err := bundle.ParseImage(image)
	if err != nil {
		return err
	}
	ref, err := name.NewDigest(img.Registry+"/"+img.Repository+"@"+img.Digest, name.StrictValidation)
	if err != nil {
		return fmt.Errorf("image %s: %w", image, err)
	}
	opts := []remote.Option{remote.WithContext(ctx)}
	if auth.Username != "" || auth.Password != "" {
		opts = append(opts, remote.WithAuth(&authn.Basic{Username: auth.Username, Password: auth.Password}))
	}
	desc, err := remote.Get(ref, opts...)
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
		return fmt.Errorf("image %s is not in its registry: %s holds no manifest %s in repository %s; push it first or pass the digest publish printed", image, img.Registry, img.Digest, img.Repository)
	}
	if err != nil {
		return fmt.Errorf("reading image %s from %s: %w", image, img.Registry, err)
	}
	want := platformFor(p.architecture())
	var have []string
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return fmt.Errorf("reading image index %s: %w", image, err)
		}
		man, err := idx.IndexManifest()
		if err != nil {
			return fmt.Errorf("reading image index %s: %w", image, err)
		}
		for _, m := range man.Manifests {
			if m.Platform != nil && m.Platform.OS != "unknown" {
				have = append(have, m.Platform.OS+"/"+m.Platform.Architecture)
			}
		}
	} else {
		i, err := desc.Image()
		if err != nil {
			return fmt.Errorf("reading image %s: %w", image, err)
		}
		cf, err := i.ConfigFile()
		if err != nil {
			return fmt.Errorf("reading the configuration of image %s: %w", image, err)
		}
		have = append(have, cf.OS+"/"+cf.Architecture)
	}
	for _, h := range have {
		if h == want {
			return nil
		}
	}
	return fmt.Errorf("image %s is built for %s but task family %s runs on %s (%s): release an image built with --platform %s",
		image, strings.Join(have, ", "), aws.ToString(p.TaskDefinition.Family), p.architecture(), want, want)
}
