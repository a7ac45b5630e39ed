package publish

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Media types of the manifests an OCI layout's index.json may point at.
const (
	mediaOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	mediaOCIIndex       = "application/vnd.oci.image.index.v1+json"
	mediaDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	mediaDockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
)

// descriptor is the part of an OCI descriptor the digest logic reads.
type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
}

// ociIndex is the index.json of an OCI image layout.
type ociIndex struct {
	Manifests []descriptor `json:"manifests"`
}

// TarballFormat names the two image tarball layouts DigestFromTarball reads.
type TarballFormat string

const (
	// FormatOCI is an OCI image layout in a tar (oci-layout, index.json,
	// blobs/sha256/…), what Dagger's Container.asTarball writes with its
	// default OCI media types. Its manifest bytes are final: pushing them
	// yields exactly the digest index.json names.
	FormatOCI TarballFormat = "oci"
	// FormatDocker is a `docker save` style tar (manifest.json, config and
	// layer tars). It has no registry manifest; the digest is the one the
	// pusher of this package produces for it.
	FormatDocker TarballFormat = "docker"
)

// DigestFromTarball returns the manifest digest an image tarball will have in
// a registry once pushed by Push, without pushing it, and the tarball's format.
//
// For an OCI layout the digest is read from index.json and checked against the
// manifest blob's own sha256, so a truncated or edited tarball is refused. A
// layout holding several different images is refused too: a release publishes
// one image.
func DigestFromTarball(file string) (string, TarballFormat, error) {
	idx, blobs, hasDockerManifest, err := scanTarball(file)
	if err != nil {
		return "", "", err
	}
	if idx != nil {
		d, err := singleManifest(file, idx)
		if err != nil {
			return "", "", err
		}
		sum, ok := blobs[d.Digest]
		if !ok {
			return "", "", fmt.Errorf("image tarball %s: index.json names %s but the tarball has no such blob", file, d.Digest)
		}
		if sum != d.Digest {
			return "", "", fmt.Errorf("image tarball %s: blob %s hashes to %s; the tarball is corrupt", file, d.Digest, sum)
		}
		return d.Digest, FormatOCI, nil
	}
	if !hasDockerManifest {
		return "", "", fmt.Errorf("image tarball %s has neither index.json (OCI layout) nor manifest.json (docker save format)", file)
	}
	img, err := tarball.ImageFromPath(file, nil)
	if err != nil {
		return "", "", fmt.Errorf("reading image tarball %s: %w", file, err)
	}
	h, err := img.Digest()
	if err != nil {
		return "", "", fmt.Errorf("computing the digest of %s: %w", file, err)
	}
	return h.String(), FormatDocker, nil
}

// singleManifest picks the one image of an OCI layout index.
func singleManifest(file string, idx *ociIndex) (descriptor, error) {
	var picked *descriptor
	for i, d := range idx.Manifests {
		switch d.MediaType {
		case mediaOCIManifest, mediaOCIIndex, mediaDockerManifest, mediaDockerList:
		default:
			continue // attestations and other artifacts are not the image
		}
		if ValidateDigest(d.Digest) != nil {
			return descriptor{}, fmt.Errorf("image tarball %s: index.json lists invalid digest %q", file, d.Digest)
		}
		if picked != nil && picked.Digest != d.Digest {
			return descriptor{}, fmt.Errorf("image tarball %s holds several images (%s, %s): export a single platform image", file, picked.Digest, d.Digest)
		}
		picked = &idx.Manifests[i]
	}
	if picked == nil {
		return descriptor{}, fmt.Errorf("image tarball %s: index.json lists no image manifest", file)
	}
	return *picked, nil
}

// scanTarball reads a tarball once: index.json when present, the sha256 of
// every blob, and whether a docker manifest.json exists.
func scanTarball(file string) (*ociIndex, map[string]string, bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, false, fmt.Errorf("opening image tarball: %w", err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var idx *ociIndex
	blobs := map[string]string{}
	hasDocker := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, false, fmt.Errorf("image tarball %s is not a readable tar: %w", file, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		switch {
		case name == "index.json":
			idx = &ociIndex{}
			if err := json.NewDecoder(tr).Decode(idx); err != nil {
				return nil, nil, false, fmt.Errorf("image tarball %s: index.json is not valid JSON: %w", file, err)
			}
		case name == "manifest.json":
			hasDocker = true
		case strings.HasPrefix(name, "blobs/sha256/"):
			sum := sha256.New()
			if _, err := io.Copy(sum, tr); err != nil {
				return nil, nil, false, fmt.Errorf("reading %s in %s: %w", name, file, err)
			}
			blobs["sha256:"+strings.TrimPrefix(name, "blobs/sha256/")] = "sha256:" + hex.EncodeToString(sum.Sum(nil))
		}
	}
	return idx, blobs, hasDocker, nil
}
