package validatecmd

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// maxFileSize bounds what is read from one file: artifacts are a few KiB,
// and a path pointing at something huge is a mistake.
const maxFileSize = 4 << 20

// ReadPaths reads the artifacts under paths. A directory contributes every
// file (not subdirectory) named *.json, *.yaml or *.yml, whatever the rest of
// its name: bundle.Check tells each file's kind from its content and reports
// those that are no artifact. A file given by path is taken whatever its
// name. The map is keyed by the path as given, so reports name the files the
// user wrote.
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
			if !e.IsDir() && IsCandidateName(e.Name()) {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, name := range names {
			fp := filepath.Join(p, name)
			info, err := os.Stat(fp) // follows a symbolic link
			if err != nil {
				return nil, fmt.Errorf("PATH %q: %v", fp, err)
			}
			if !info.Mode().IsRegular() {
				continue
			}
			if err := readInto(files, fp, info); err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

// IsCandidateName reports whether a directory entry is read: a name ending
// in .json, .yaml or .yml (in any case), the formats artifacts are written in.
func IsCandidateName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".json", ".yaml", ".yml":
		return true
	}
	return false
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
