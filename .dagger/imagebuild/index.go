package imagebuild

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// noArtifactType hides an image's artifact type, so the index descriptor
// that points at it carries none (go-containerregistry would otherwise copy
// the config media type there). Registries and Fargate ignore the field on
// images; leaving it out keeps the index as plain as a docker-built one.
type noArtifactType struct{ v1.Image }

// ArtifactType reports that the image is not an artifact.
func (noArtifactType) ArtifactType() (string, error) { return "", nil }

// Index returns an OCI image index of images, one per platform, in the
// given order (callers pass them sorted by platform). Each descriptor names
// its platform, read from the image's config.
func Index(images ...v1.Image) (v1.ImageIndex, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("an image index needs at least one image")
	}
	seen := map[string]bool{}
	adds := make([]mutate.IndexAddendum, 0, len(images))
	for _, img := range images {
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		p := cf.Platform()
		if p == nil || p.OS == "" || p.Architecture == "" {
			return nil, fmt.Errorf("image without a platform in its config cannot join an index")
		}
		if seen[p.String()] {
			return nil, fmt.Errorf("two images for platform %s in one index", p)
		}
		seen[p.String()] = true
		adds = append(adds, mutate.IndexAddendum{
			Add:        noArtifactType{img},
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant}},
		})
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	return mutate.AppendManifests(idx, adds...), nil
}

// Platforms lists the platform of each manifest of an index, with its
// digest, in index order.
func Platforms(idx v1.ImageIndex) ([]v1.Descriptor, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	return im.Manifests, nil
}

// Describe returns the descriptor a registry and an index use for img: media
// type, digest, size and the platform from its config.
func Describe(img v1.Image) (v1.Descriptor, error) {
	d, err := partial.Descriptor(img)
	if err != nil {
		return v1.Descriptor{}, err
	}
	d.ArtifactType = ""
	cf, err := img.ConfigFile()
	if err != nil {
		return v1.Descriptor{}, err
	}
	d.Platform = cf.Platform()
	return *d, nil
}
