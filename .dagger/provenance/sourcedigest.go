package provenance

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SourceDigestMethod names how SourceDigest is computed; the statement
// records it beside the digest so a verifier knows what to recompute.
const SourceDigestMethod = "https://github.com/ecs-bluegreen/ecs-bluegreen/source-digest/v1"

// SourceDigest hashes the source tree under root in a way anyone can
// recompute with coreutils (scripts/source-digest does, from a checkout):
// every regular file gets the line `sha256sum` prints for it,
// "<64 hex>  <path>\n", with the path relative to root and '/'-separated;
// the lines are sorted by path, byte by byte (LC_ALL=C sort); the digest is
// sha256 of that text. Directories, empty or not, and anything that is not a
// regular file (links, devices) do not count. Unlike a tar of the tree, it
// does not depend on any archiver's header format, and unlike the engine's
// own directory digest, on no engine version.
func SourceDigest(root string) (string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			paths = append(paths, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("source digest of %s: %w", root, err)
	}
	sort.Strings(paths)
	manifest := sha256.New()
	for _, p := range paths {
		if strings.ContainsAny(p, "\n\\") {
			return "", fmt.Errorf("source digest: file name %q holds a newline or backslash, which sha256sum escapes: rename it", p)
		}
		sum, err := fileSHA256(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(manifest, "%x  %s\n", sum, p)
	}
	return fmt.Sprintf("sha256:%x", manifest.Sum(nil)), nil
}

func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
