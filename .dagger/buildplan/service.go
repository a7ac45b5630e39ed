package buildplan

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"golang.org/x/mod/modfile"
)

// What a service's image is built from when the caller says nothing else:
// this repository's own app. Another team's service names its main package
// (--pkg) and the port it listens on (--port).
const (
	DefaultPackage = "./app"
	DefaultPort    = 3000
)

// packagePattern is a relative package path as `go build` takes it: ./ and
// slash-separated directory names.
var packagePattern = regexp.MustCompile(`^\./([A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*$`)

// CheckPackage checks the main package to build: a relative Go package path
// inside the module, such as ./app or ./cmd/server. "" means DefaultPackage.
// An import path, a pattern (./...), an absolute path or one that climbs out
// of the module (..) is refused: the builder sees the module and nothing else.
func CheckPackage(pkg string) (string, error) {
	pkg = strings.TrimSpace(pkg)
	if pkg == "" {
		return DefaultPackage, nil
	}
	refuse := fmt.Errorf("--pkg %q is not accepted: want the main package as a relative path inside the Go module of --source, "+
		"starting with ./ (e.g. ./cmd/server; . for the module root; default %s)", pkg, DefaultPackage)
	if pkg != "." && !strings.HasPrefix(pkg, "./") {
		return "", refuse
	}
	rel := path.Clean(strings.TrimPrefix(pkg, "./"))
	switch {
	case rel == ".":
		return ".", nil
	case rel == ".." || strings.HasPrefix(rel, "../") || strings.Contains(pkg, "..."):
		return "", refuse
	case !packagePattern.MatchString("./" + rel):
		return "", refuse
	}
	return "./" + rel, nil
}

// PackageDir is the directory of a checked package, relative to the module
// root ("." for the root).
func PackageDir(pkg string) string { return path.Clean(strings.TrimPrefix(pkg, "./")) }

// ImagePort resolves --port for an image: 0 (not given) is DefaultPort;
// anything else must be a TCP port, 1 to 65535.
func ImagePort(port int) (int, error) {
	if port == 0 {
		return DefaultPort, nil
	}
	if err := CheckPort(port); err != nil {
		return 0, err
	}
	return port, nil
}

// CheckPort accepts 0 (not given) or a TCP port 1–65535.
func CheckPort(port int) error {
	if port < 0 || port > 65535 {
		return fmt.Errorf("--port %d is not accepted: want the TCP port the service listens on, 1 to 65535 (e.g. 8080; default %d)", port, DefaultPort)
	}
	return nil
}

// ModuleFiles lists the files of the module's go.mod graph, relative to the
// module root: go.mod, go.sum when present (has says whether a file
// exists), and the go.mod of every module a replace directive points at
// inside the source. The builder mounts exactly these before the source,
// so `go mod download` is cached on them alone and not on every source
// edit; a local replacement's go.mod is part of the module graph, so the
// download needs it too.
//
// A replace directive pointing outside the module root is refused: the
// builder sees --source and nothing beyond it, so the build would fail
// later with a less helpful message.
func ModuleFiles(gomod []byte, has func(rel string) bool) ([]string, error) {
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, fmt.Errorf("the go.mod of --source does not parse: %v", err)
	}
	if f.Module == nil {
		return nil, fmt.Errorf("the go.mod of --source has no module line")
	}
	files := []string{"go.mod"}
	if has("go.sum") {
		files = append(files, "go.sum")
	}
	seen := map[string]bool{}
	for _, r := range f.Replace {
		if !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		dir := path.Clean(strings.ReplaceAll(r.New.Path, `\`, "/"))
		if dir == "." {
			continue // the module itself: its go.mod is listed already
		}
		if path.IsAbs(dir) || dir == ".." || strings.HasPrefix(dir, "../") {
			return nil, fmt.Errorf("go.mod of --source (module %s) replaces %s with %s, outside the module root: the builder sees only --source, "+
				"so keep the replaced module inside it (e.g. replace %s => ./%s) or require a published version",
				f.Module.Mod.Path, r.Old.Path, r.New.Path, r.Old.Path, path.Base(dir))
		}
		if seen[dir] {
			continue
		}
		seen[dir] = true
		rel := dir + "/go.mod"
		if !has(rel) {
			return nil, fmt.Errorf("go.mod of --source (module %s) replaces %s with %s, but --source has no %s", f.Module.Mod.Path, r.Old.Path, r.New.Path, rel)
		}
		files = append(files, rel)
	}
	return files, nil
}
