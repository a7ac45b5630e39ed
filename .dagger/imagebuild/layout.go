package imagebuild

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// layoutTime is the mtime of every entry of a layout tar. The layout is a
// container for the blobs, not part of the image; a fixed time keeps the tar
// itself reproducible.
var layoutTime = time.Unix(0, 0).UTC()

// Top is what a layout holds at its root: a v1.Image or a v1.ImageIndex.
type Top interface {
	Digest() (v1.Hash, error)
	Size() (int64, error)
	MediaType() (types.MediaType, error)
	RawManifest() ([]byte, error)
}

// WriteLayout writes top (an image, or an index and its images) to w as an
// OCI image layout in a tar: oci-layout, index.json naming top, and every
// blob under blobs/sha256/. Entries are sorted and their headers fixed, so
// the same image gives the same tar bytes. It returns top's digest, the
// digest a registry serves once the layout is pushed.
func WriteLayout(w io.Writer, top Top) (v1.Hash, error) {
	blobs := map[string]func() (io.ReadCloser, error){}
	if err := collect(top, blobs); err != nil {
		return v1.Hash{}, err
	}
	desc, err := partial.Descriptor(top)
	if err != nil {
		return v1.Hash{}, err
	}
	desc.ArtifactType = ""
	if img, ok := top.(v1.Image); ok {
		if cf, err := img.ConfigFile(); err == nil {
			desc.Platform = cf.Platform()
		}
	}
	index, err := json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{*desc}})
	if err != nil {
		return v1.Hash{}, err
	}
	files := map[string]func() (io.ReadCloser, error){
		"oci-layout": bytesOpener([]byte(`{"imageLayoutVersion":"1.0.0"}`)),
		"index.json": bytesOpener(index),
	}
	for hex, open := range blobs {
		files["blobs/sha256/"+hex] = open
	}
	names := make([]string, 0, len(files)+2)
	for n := range files {
		names = append(names, n)
	}
	names = append(names, "blobs/", "blobs/sha256/")
	sort.Strings(names)

	tw := tar.NewWriter(w)
	for _, n := range names {
		if strings.HasSuffix(n, "/") {
			if err := tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: layoutTime}); err != nil {
				return v1.Hash{}, err
			}
			continue
		}
		if err := writeEntry(tw, n, files[n]); err != nil {
			return v1.Hash{}, fmt.Errorf("image layout entry %s: %w", n, err)
		}
	}
	if err := tw.Close(); err != nil {
		return v1.Hash{}, err
	}
	return desc.Digest, nil
}

// WriteLayoutFile writes top's layout tar to a new file at path (see
// WriteLayout).
func WriteLayoutFile(path string, top Top) (v1.Hash, error) {
	f, err := os.Create(path)
	if err != nil {
		return v1.Hash{}, err
	}
	h, err := WriteLayout(f, top)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return v1.Hash{}, fmt.Errorf("writing the image layout %s: %w", path, err)
	}
	return h, nil
}

// writeEntry copies one blob into the tar; its size is read first because a
// tar header precedes the content.
func writeEntry(tw *tar.Writer, name string, open func() (io.ReadCloser, error)) error {
	rc, err := open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data)), ModTime: layoutTime}); err != nil {
		return err
	}
	_, err = tw.Write(data)
	return err
}

// collect adds the manifest, config and layers of top (and of every image of
// an index) to blobs, keyed by hex digest.
func collect(top Top, blobs map[string]func() (io.ReadCloser, error)) error {
	raw, err := top.RawManifest()
	if err != nil {
		return err
	}
	d, err := top.Digest()
	if err != nil {
		return err
	}
	blobs[d.Hex] = bytesOpener(raw)
	switch t := top.(type) {
	case v1.ImageIndex:
		im, err := t.IndexManifest()
		if err != nil {
			return err
		}
		for _, m := range im.Manifests {
			if !m.MediaType.IsImage() {
				return fmt.Errorf("index entry %s is a %s; only images are written", m.Digest, m.MediaType)
			}
			img, err := t.Image(m.Digest)
			if err != nil {
				return err
			}
			if err := collect(img, blobs); err != nil {
				return err
			}
		}
	case v1.Image:
		cfg, err := t.RawConfigFile()
		if err != nil {
			return err
		}
		name, err := t.ConfigName()
		if err != nil {
			return err
		}
		blobs[name.Hex] = bytesOpener(cfg)
		layers, err := t.Layers()
		if err != nil {
			return err
		}
		for _, l := range layers {
			ld, err := l.Digest()
			if err != nil {
				return err
			}
			blobs[ld.Hex] = l.Compressed
		}
	default:
		return fmt.Errorf("cannot write a %T as an image layout", top)
	}
	return nil
}

func bytesOpener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(b))), nil }
}
