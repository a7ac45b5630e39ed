package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// emptyConfig is the OCI empty descriptor's content: an artifact manifest
// carries its payload as a layer and "{}" as its config.
var emptyConfig = []byte("{}")

// Referrer is an artifact to attach to an image manifest (OCI 1.1 referrers):
// an SBOM, a provenance statement.
type Referrer struct {
	// ArtifactType is the manifest's artifactType and the payload's media
	// type, e.g. application/vnd.cyclonedx+json.
	ArtifactType string
	// Data is the payload.
	Data []byte
	// Subject is the platform image manifest it describes (ECR refuses an
	// image index as a subject with 405).
	Subject v1.Descriptor
	// Annotations go on the manifest and its layer (e.g. the predicate type
	// of a DSSE envelope, which its artifact type does not tell).
	Annotations map[string]string
	// Equivalent, when set, says whether a payload already attached to the
	// subject (with its artifact type and its layer's annotations, where a
	// keyless signature keeps its certificate) makes this one redundant;
	// then nothing is attached (a re-run of the same build, which signs anew
	// and so never gives the same bytes). Without it only a byte-identical
	// referrer counts as already there.
	Equivalent func(artifactType string, existing []byte, annotations map[string]string) bool
	// Seal, when set, is called only when the referrer is attached (nothing
	// equivalent is there) and its annotations are added: what a keyless
	// signature gets by logging itself in a transparency log, a public and
	// permanent record that a re-run which attaches nothing need not make.
	Seal func(ctx context.Context) (map[string]string, error)
}

// Attached is a pushed referrer, as release.json lists it.
type Attached struct {
	// ArtifactType is e.g. application/vnd.in-toto+json.
	ArtifactType string `json:"artifactType"`
	// Digest is the referrer manifest's digest.
	Digest string `json:"digest"`
	// Subject is the digest of the manifest it refers to.
	Subject string `json:"subject"`
	// Platform is the subject's platform, e.g. linux/arm64.
	Platform string `json:"platform,omitempty"`
	// Existing says an equivalent referrer was already attached (Digest is
	// that one) and nothing was pushed.
	Existing bool `json:"-"`
}

// NoReferrersAPIError says the registry does not serve the OCI referrers API.
// Nothing is attached then: the tag-schema fallback would leave sha256-…
// tags in the repository (and fail on immutable ones), so it is not used.
type NoReferrersAPIError struct {
	// Registry is the registry host.
	Registry string
}

// Error explains what happened and what was not done.
func (e *NoReferrersAPIError) Error() string {
	return fmt.Sprintf("registry %s does not serve the OCI referrers API (GET /v2/<repository>/referrers/<digest>): "+
		"the SBOM and provenance were not attached (no fallback tags were written). "+
		"Use a registry with OCI 1.1 referrers support (Amazon ECR, or a recent distribution/zot/Harbor), "+
		"or keep them with `dagger call sbom export --path sbom.json`", e.Registry)
}

// ArtifactManifest is the OCI image manifest of one referrer: the payload
// as its only layer, the empty config, the subject and the artifactType.
func ArtifactManifest(r Referrer) ([]byte, error) {
	if r.ArtifactType == "" || len(r.Data) == 0 {
		return nil, fmt.Errorf("referrer: artifact type %q with %d bytes: both are required", r.ArtifactType, len(r.Data))
	}
	if !r.Subject.MediaType.IsImage() {
		return nil, fmt.Errorf("referrer subject %s is a %s: attach to each platform image manifest (an index subject is refused by ECR)", r.Subject.Digest, r.Subject.MediaType)
	}
	payload, _, err := v1.SHA256(strings.NewReader(string(r.Data)))
	if err != nil {
		return nil, err
	}
	cfg, _, _ := v1.SHA256(strings.NewReader(string(emptyConfig)))
	subject := v1.Descriptor{MediaType: r.Subject.MediaType, Digest: r.Subject.Digest, Size: r.Subject.Size}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  r.ArtifactType,
		Config:        v1.Descriptor{MediaType: types.MediaType("application/vnd.oci.empty.v1+json"), Digest: cfg, Size: int64(len(emptyConfig))},
		Layers:        []v1.Descriptor{{MediaType: types.MediaType(r.ArtifactType), Digest: payload, Size: int64(len(r.Data)), Annotations: r.Annotations}},
		Subject:       &subject,
		Annotations:   r.Annotations,
	}
	return json.Marshal(m)
}

// rawManifest lets remote.Put send an OCI manifest with its content type.
type rawManifest []byte

func (m rawManifest) RawManifest() ([]byte, error)        { return m, nil }
func (m rawManifest) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

// Attach pushes each referrer to repo (registry/repository) by digest. It
// first asks the registry for the referrers of the first subject: a registry
// without the API gets a *NoReferrersAPIError and nothing is pushed. Pushing
// the same referrer again is harmless (same bytes, same digest).
func Attach(ctx context.Context, repo Reference, auth Auth, refs []Referrer) ([]Attached, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	r, err := name.NewRepository(repo.Name(), name.StrictValidation)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", repo.Name(), err)
	}
	opts := append(auth.options(ctx), remote.WithReferrersTagFallback(false))
	_, err = Call(ctx, repo.Registry, "the referrers query for "+refs[0].Subject.Digest.String(), func(ctx context.Context) (v1.ImageIndex, error) {
		return remote.Referrers(r.Digest(refs[0].Subject.Digest.String()), append(opts, remote.WithContext(ctx))...)
	})
	if err != nil {
		var timeout *TimeoutError
		if errors.As(err, &timeout) {
			return nil, err
		}
		if strings.Contains(err.Error(), "does not support the Referrers API") {
			return nil, &NoReferrersAPIError{Registry: repo.Registry}
		}
		return nil, fmt.Errorf("asking %s for referrers: %w", repo.Registry, err)
	}
	var out []Attached
	for _, ref := range refs {
		if ref.Equivalent != nil {
			found, err := Call(ctx, repo.Registry, "the referrers query for "+ref.Subject.Digest.String(), func(ctx context.Context) (string, error) {
				return findEquivalent(r, ref, append(opts, remote.WithContext(ctx)))
			})
			if err != nil {
				return out, err
			}
			if found != "" {
				out = append(out, attached(ref, found, true))
				continue
			}
		}
		if ref, err = sealed(ctx, ref); err != nil {
			return out, err
		}
		manifest, err := ArtifactManifest(ref)
		if err != nil {
			return out, err
		}
		d, _, err := v1.SHA256(strings.NewReader(string(manifest)))
		if err != nil {
			return out, err
		}
		there, err := Call(ctx, repo.Registry, "the upload of the "+ref.ArtifactType+" for "+ref.Subject.Digest.String(), func(ctx context.Context) (bool, error) {
			return putReferrer(r, d, manifest, ref, append(opts, remote.WithContext(ctx)))
		})
		if err != nil {
			var timeout *TimeoutError
			if errors.As(err, &timeout) {
				return out, err
			}
			if strings.Contains(err.Error(), "does not support the Referrers API") {
				return out, &NoReferrersAPIError{Registry: repo.Registry}
			}
			return out, fmt.Errorf("pushing the %s of %s: %w", ref.ArtifactType, ref.Subject.Digest, err)
		}
		out = append(out, attached(ref, d.String(), there))
	}
	return out, nil
}

// sealed is ref with what its Seal adds to its annotations.
func sealed(ctx context.Context, ref Referrer) (Referrer, error) {
	if ref.Seal == nil {
		return ref, nil
	}
	extra, err := ref.Seal(ctx)
	if err != nil {
		return ref, err
	}
	ref.Annotations = merged(ref.Annotations, extra)
	return ref, nil
}

// merged is a copy of a with b's entries added.
func merged(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, b)
	return out
}

// attached describes a referrer of ref's subject with the given digest.
func attached(ref Referrer, digest string, existing bool) Attached {
	a := Attached{ArtifactType: ref.ArtifactType, Digest: digest, Subject: ref.Subject.Digest.String(), Existing: existing}
	if ref.Subject.Platform != nil {
		a.Platform = ref.Subject.Platform.String()
	}
	return a
}

// maxReferrerPayload bounds what is read of an attached payload to compare
// it: SBOMs and statements are kilobytes.
const maxReferrerPayload = 16 << 20

// findEquivalent returns the digest of a referrer of ref's subject whose
// payload ref.Equivalent accepts, "" when there is none. Each referrer's
// manifest is read: registries list the artifact type differently (some
// give the config's media type), so the listing alone cannot select.
func findEquivalent(r name.Repository, ref Referrer, opts []remote.Option) (string, error) {
	idx, err := remote.Referrers(r.Digest(ref.Subject.Digest.String()), opts...)
	if err != nil {
		return "", err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return "", err
	}
	for _, d := range im.Manifests {
		desc, err := remote.Get(r.Digest(d.Digest.String()), opts...)
		if err != nil {
			return "", err
		}
		var m v1.Manifest
		if json.Unmarshal(desc.Manifest, &m) != nil || m.ArtifactType == "" || len(m.Layers) != 1 || m.Layers[0].Size > maxReferrerPayload {
			continue
		}
		layer, err := remote.Layer(r.Digest(m.Layers[0].Digest.String()), opts...)
		if err != nil {
			return "", err
		}
		rc, err := layer.Compressed()
		if err != nil {
			return "", err
		}
		payload, err := io.ReadAll(io.LimitReader(rc, maxReferrerPayload))
		rc.Close()
		if err != nil {
			return "", err
		}
		if ref.Equivalent(m.ArtifactType, payload, m.Layers[0].Annotations) {
			return d.Digest.String(), nil
		}
	}
	return "", nil
}

// putReferrer uploads the payload and the empty config, then the manifest by
// digest, unless the registry already holds that manifest (a re-run): then
// it reports true and pushes nothing.
func putReferrer(r name.Repository, d v1.Hash, manifest []byte, ref Referrer, opts []remote.Option) (bool, error) {
	if _, err := remote.Head(r.Digest(d.String()), opts...); err == nil {
		return true, nil
	} else if !isNotFound(err) {
		return false, err
	}
	for _, blob := range [][]byte{emptyConfig, ref.Data} {
		if err := remote.WriteLayer(r, static.NewLayer(blob, types.MediaType(ref.ArtifactType)), opts...); err != nil {
			return false, err
		}
	}
	return false, remote.Put(r.Digest(d.String()), rawManifest(manifest), opts...)
}

// isNotFound reports a registry's 404.
func isNotFound(err error) bool {
	var terr *transport.Error
	return errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound
}
