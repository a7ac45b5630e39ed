package publish

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// RevisionLabel is the OCI label that names the source revision of an image.
const RevisionLabel = "org.opencontainers.image.revision"

// ExplainConflict adds what the registry knows to a *ConflictError: when the
// image the tag holds carries req.Revision too, it is the same commit built
// earlier into other bytes (a build from before images were reproducible, or
// with another builder image or source date), and the error says so and how
// to go on. Any other error, or a failed lookup, is returned unchanged.
func ExplainConflict(ctx context.Context, req Request, err error) error {
	var conflict *ConflictError
	if req.Revision == "" || !errors.As(err, &conflict) {
		return err
	}
	conflict.Repository = req.Target.Name()
	existing := req.Target
	existing.Tag, existing.Digest = "", conflict.Existing
	rev, lookupErr := RemoteRevision(ctx, existing, req.Auth)
	if lookupErr == nil && rev == req.Revision {
		conflict.Revision = rev
	}
	return err
}

// RemoteRevision reads the revision label of the image ref names (by digest
// or tag); for an image index, that of its first image. "" when unlabelled.
func RemoteRevision(ctx context.Context, ref Reference, auth Auth) (string, error) {
	return Call(ctx, ref.Registry, "reading the revision label of "+ref.String(), func(ctx context.Context) (string, error) {
		return remoteRevision(ctx, ref, auth)
	})
}

func remoteRevision(ctx context.Context, ref Reference, auth Auth) (string, error) {
	r, err := name.ParseReference(ref.String(), name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("image reference %s: %w", ref, err)
	}
	desc, err := remote.Get(r, auth.options(ctx)...)
	if err != nil {
		return "", err
	}
	var img v1.Image
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return "", err
		}
		im, err := idx.IndexManifest()
		if err != nil || len(im.Manifests) == 0 {
			return "", errors.Join(err, fmt.Errorf("index %s lists no image", ref))
		}
		if img, err = idx.Image(im.Manifests[0].Digest); err != nil {
			return "", err
		}
	} else if img, err = desc.Image(); err != nil {
		return "", err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return "", err
	}
	return cf.Config.Labels[RevisionLabel], nil
}

// sameRevisionMessage explains a tag taken by another build of the same
// revision, and the two ways on; nothing is overwritten.
func sameRevisionMessage(e *ConflictError) string {
	repo := e.Repository
	if repo == "" {
		repo = "<repository>"
	}
	return fmt.Sprintf("tag %s already holds %s, an image of the same revision %s built earlier into different bytes "+
		"(by a build that was not reproducible, or with another builder image or source date); this build is %s. "+
		"Nothing was overwritten. Deploy the image that is there with `release --image %s@%s`, "+
		"or publish this build under a new tag (--tag %s-rebuilt)",
		e.Tag, e.Existing, e.Revision, e.Local, repo, e.Existing, e.Tag)
}
