package validatecmd

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"dagger/ecs-bluegreen/bundle"
)

// maxFileSize bounds what is read from one file: artifacts are a few KiB,
// and a path pointing at something huge is a mistake.
const maxFileSize = 4 << 20

// ReadPaths reads the artifacts under paths. A directory contributes the
// files (not subdirectories) whose names are artifact names; a file is taken
// whatever its name, and bundle.Check tells its kind from its content when
// the name does not. The map is keyed by the path as given, so reports name
// the files the user wrote.
func ReadPaths(paths []string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("PATH %q: %v; want a directory or an artifact file", p, err)
		}
		if !info.IsDir() {
			if err := readInto(files, p, info); err != nil {
				return nil, err
			}
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("PATH %q: %v", p, err)
		}
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			if e.Type().IsRegular() && IsArtifactName(e.Name()) {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, name := range names {
			fp := filepath.Join(p, name)
			info, err := os.Stat(fp)
			if err != nil {
				return nil, fmt.Errorf("PATH %q: %v", fp, err)
			}
			if err := readInto(files, fp, info); err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

// IsArtifactName reports whether a file name is one bundle reads by name
// (taskdef.json, appspec.yaml, …); directories contribute only those.
func IsArtifactName(name string) bool {
	_, ok := bundle.ArtifactKind(name, nil)
	return ok
}

func readInto(files map[string][]byte, path string, info os.FileInfo) error {
	if info.Size() > maxFileSize {
		return fmt.Errorf("PATH %q is %d bytes; artifact files are at most %d", path, info.Size(), maxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("PATH %q: %v", path, err)
	}
	files[filepath.ToSlash(path)] = data
	return nil
}
