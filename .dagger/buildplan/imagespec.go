package buildplan

import (
	"fmt"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"dagger/ecs-bluegreen/imagebuild"
)

// CreatedBy is recorded in the image history.
const CreatedBy = "ecs-bluegreen build (deterministic, one layer)"

// ImageSpec is the app image for one platform: the binary and CA bundle the
// builder produced, passwd/group for the non-root user, the runtime config
// and the labels. created is the image's only timestamp (SourceDate); port is
// the one the service listens on: exposed, and its PORT by default.
func ImageSpec(p Platform, binary, caCerts []byte, labels []Label, created time.Time, port int) imagebuild.Spec {
	files := make([]imagebuild.File, 0, len(RootFS()))
	for _, e := range RootFS() {
		data := []byte(e.Content)
		switch e.From {
		case BuilderBinary:
			data = binary
		case CACertPath:
			data = caCerts
		}
		files = append(files, imagebuild.File{Path: e.Path, Mode: e.Mode, Data: data})
	}
	l := make(map[string]string, len(labels))
	for _, x := range labels {
		l[x.Name] = x.Value
	}
	return imagebuild.Spec{
		OS: p.OS, Architecture: p.Arch, Variant: p.Variant(),
		Files: files,
		Dirs:  RootDirs(),
		Config: v1.Config{
			Entrypoint:   []string{BinaryPath},
			User:         User(),
			WorkingDir:   "/",
			Env:          []string{"PORT=" + strconv.Itoa(port)},
			ExposedPorts: map[string]struct{}{fmt.Sprintf("%d/tcp", port): {}},
			Labels:       l,
		},
		Created:   created,
		CreatedBy: CreatedBy,
	}
}

// SourceDate turns a SOURCE_DATE_EPOCH value (seconds since the Unix epoch,
// e.g. the commit time `git log -1 --format=%ct`) into the image's creation
// time. 0 is the Unix epoch itself, the default: the image then carries no
// date at all, like images built by ko.
func SourceDate(epoch int) (time.Time, error) {
	if epoch < 0 {
		return time.Time{}, fmt.Errorf("source date epoch %d is not accepted: want seconds since 1970-01-01 UTC, 0 or more (e.g. $(git log -1 --format=%%ct))", epoch)
	}
	return time.Unix(int64(epoch), 0).UTC(), nil
}

// ParsePlatforms reads a platform list (linux/amd64, linux/arm64, or both),
// drops repeats and sorts it, so "arm64,amd64" and "amd64,arm64" build the
// same index.
func ParsePlatforms(list []string) ([]Platform, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("platform list is empty: want linux/amd64, linux/arm64 or both")
	}
	seen := map[Platform]bool{}
	for _, s := range list {
		p, err := ParsePlatform(s)
		if err != nil {
			return nil, err
		}
		seen[p] = true
	}
	var out []Platform
	for _, p := range Supported {
		if seen[p] {
			out = append(out, p)
		}
	}
	return out, nil
}
