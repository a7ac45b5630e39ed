package release

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"dagger/ecs-bluegreen/bundle"
)

// Options are the user's choices for one release.
type Options struct {
	// Mode is bundle.ModePipeline (artifacts for CodePipeline) or
	// bundle.ModeDirect (register and deploy from here).
	Mode bundle.Mode
	// Hooks maps lifecycle events to Lambda functions (see ParseHooks).
	Hooks map[string]string
	// PlatformVersion is the Fargate platform version for the appspec; optional.
	PlatformVersion string
	// GitRevision is recorded in release.json when it is a hex revision.
	GitRevision string
	// Now stamps release.json.
	Now time.Time
	// Attestations are the SBOM and provenance referrers pushed with the
	// image, listed in release.json.
	Attestations []bundle.Attestation
}

// ParseHooks reads lifecycle hooks given as Event=function, e.g.
// AfterAllowTestTraffic=smoke-test. Names are checked against the events
// CodeDeploy runs for ECS; every bad entry is reported.
func ParseHooks(specs []string) (map[string]string, error) {
	hooks := map[string]string{}
	var errs []error
	for _, spec := range specs {
		event, fn, ok := strings.Cut(spec, "=")
		event, fn = strings.TrimSpace(event), strings.TrimSpace(fn)
		switch {
		case !ok || event == "" || fn == "":
			errs = append(errs, fmt.Errorf("hook %q is not Event=function: e.g. AfterAllowTestTraffic=smoke-test", spec))
		case !validEvent(event):
			errs = append(errs, fmt.Errorf("hook event %q is not one CodeDeploy runs for ECS; accepted: %s", event, strings.Join(bundle.HookEvents, ", ")))
		case hooks[event] != "":
			errs = append(errs, fmt.Errorf("hook event %s is given twice (%s and %s): one function per event", event, hooks[event], fn))
		default:
			hooks[event] = fn
		}
	}
	return hooks, errors.Join(errs...)
}

func validEvent(e string) bool {
	for _, h := range bundle.HookEvents {
		if h == e {
			return true
		}
	}
	return false
}

// gitRevision keeps only hex revisions for release.json: a version derived
// from the source content is not a commit.
func gitRevision(v string) string {
	if len(v) < 7 || len(v) > 64 {
		return ""
	}
	for _, r := range v {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return ""
		}
	}
	return v
}

// sortedEvents lists hook events in a stable order for messages.
func sortedEvents(h map[string]string) []string {
	out := make([]string, 0, len(h))
	for k := range h {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
