package publish

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Auth is a registry login (Basic auth, as ECR and most registries accept).
// Formatting an Auth never shows the password.
type Auth struct {
	// Username is the registry user ("AWS" for ECR).
	Username string
	// Password is the registry password or token. Secret.
	Password string
}

// String describes the login without the password.
func (a Auth) String() string {
	pw := "<empty>"
	if a.Password != "" {
		pw = "[redacted]"
	}
	return "publish.Auth{Username:" + a.Username + " Password:" + pw + "}"
}

// GoString makes %#v as safe as %v.
func (a Auth) GoString() string { return a.String() }

// Format makes every formatting verb print the redacted form.
func (a Auth) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(a.String())) }

func (a Auth) options(ctx context.Context) []remote.Option {
	opts := []remote.Option{remote.WithContext(ctx)}
	if a.Username != "" || a.Password != "" {
		opts = append(opts, remote.WithAuth(&authn.Basic{Username: a.Username, Password: a.Password}))
	}
	return opts
}

// RemoteDigest returns the digest a registry serves for registry/repo:tag, or
// "" when the tag (or the repository) does not exist.
func RemoteDigest(ctx context.Context, ref Reference, auth Auth) (string, error) {
	tag, err := name.NewTag(ref.Tagged(), name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("image reference %s: %w", ref.Tagged(), err)
	}
	desc, err := Call(ctx, ref.Registry, "the lookup of tag "+ref.Tagged(), func(ctx context.Context) (*v1.Descriptor, error) {
		return remote.Head(tag, auth.options(ctx)...)
	})
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("asking %s for tag %s: %w", ref.Registry, ref.Tagged(), err)
	}
	return desc.Digest.String(), nil
}

// Push uploads an image tarball (OCI layout or docker save format) to
// ref.Tagged() and returns the reference with the digest the registry now
// serves for the tag, verified to be the tarball's own digest.
func Push(ctx context.Context, file string, ref Reference, auth Auth) (Reference, error) {
	if err := ValidateTag(ref.Tag); err != nil {
		return Reference{}, err
	}
	want, format, err := DigestFromTarball(file)
	if err != nil {
		return Reference{}, err
	}
	tag, err := name.NewTag(ref.Tagged(), name.StrictValidation)
	if err != nil {
		return Reference{}, fmt.Errorf("image reference %s: %w", ref.Tagged(), err)
	}
	err = call0(ctx, ref.Registry, "the push of "+ref.Tagged(), func(ctx context.Context) error {
		if format == FormatOCI {
			return pushLayout(ctx, file, want, tag, auth)
		}
		img, err := tarball.ImageFromPath(file, nil)
		if err != nil {
			return err
		}
		return remote.Write(tag, img, auth.options(ctx)...)
	})
	if err != nil {
		return Reference{}, fmt.Errorf("pushing %s: %w", ref.Tagged(), err)
	}
	got, err := RemoteDigest(ctx, ref, auth)
	if err != nil {
		return Reference{}, err
	}
	out := ref
	out.Digest = want
	if err := VerifyPublished(out, got); err != nil {
		return Reference{}, err
	}
	return out, nil
}

// pushLayout unpacks an OCI layout tarball and pushes the manifest (or index)
// with the given digest, byte for byte.
func pushLayout(ctx context.Context, file, digest string, tag name.Tag, auth Auth) error {
	dir, err := os.MkdirTemp("", "oci-layout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := untarLayout(file, dir); err != nil {
		return err
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		return fmt.Errorf("reading the OCI layout: %w", err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return fmt.Errorf("reading the OCI layout index: %w", err)
	}
	h, err := v1.NewHash(digest)
	if err != nil {
		return err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, d := range im.Manifests {
		if d.Digest != h {
			continue
		}
		if d.MediaType.IsIndex() {
			child, err := idx.ImageIndex(h)
			if err != nil {
				return err
			}
			return remote.WriteIndex(tag, child, auth.options(ctx)...)
		}
		img, err := idx.Image(h)
		if err != nil {
			return err
		}
		return remote.Write(tag, img, auth.options(ctx)...)
	}
	return fmt.Errorf("the OCI layout does not list %s", digest)
}

// untarLayout extracts the parts of an OCI layout (oci-layout, index.json,
// blobs/) into dir, refusing entries that would land outside it.
func untarLayout(file, dir string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading image tarball %s: %w", file, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		rel := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if rel != "oci-layout" && rel != "index.json" && !strings.HasPrefix(rel, "blobs/") {
			continue
		}
		if strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
			return fmt.Errorf("image tarball %s: entry %q escapes the layout", file, h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, tr); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
	}
}
