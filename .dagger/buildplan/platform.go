// Package buildplan holds the decisions behind the app image: which platform
// to compile for, how the version is stamped, what the minimal root
// filesystem contains and which OCI labels describe the image. The Dagger
// functions only turn these values into containers.
package buildplan

import (
	"fmt"
	"strings"
)

// Platform is an OCI platform the app image can be built for.
type Platform struct {
	OS   string
	Arch string
}

// String returns the OCI form, e.g. linux/arm64.
func (p Platform) String() string { return p.OS + "/" + p.Arch }

// Supported lists the platforms Fargate runs (X86_64 and ARM64 on Linux).
var Supported = []Platform{{"linux", "amd64"}, {"linux", "arm64"}}

// ParsePlatform accepts linux/amd64 and linux/arm64 (also the aliases
// linux/x86_64, linux/aarch64 and linux/arm64/v8, which other tools print).
func ParsePlatform(s string) (Platform, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	switch norm {
	case "linux/amd64", "linux/x86_64", "amd64":
		return Platform{"linux", "amd64"}, nil
	case "linux/arm64", "linux/arm64/v8", "linux/aarch64", "arm64":
		return Platform{"linux", "arm64"}, nil
	}
	names := make([]string, len(Supported))
	for i, p := range Supported {
		names[i] = p.String()
	}
	return Platform{}, fmt.Errorf("platform %q is not supported: Fargate runs %s", s, strings.Join(names, " or "))
}

// Variant is the CPU variant an image for p declares: v8 for arm64 (what
// Docker Hub's images declare, and what `--platform linux/arm64/v8`
// selects), none for amd64.
func (p Platform) Variant() string {
	if p.Arch == "arm64" {
		return "v8"
	}
	return ""
}

// EnvVar is one environment variable.
type EnvVar struct{ Name, Value string }

// GoEnv is the environment that cross-compiles a static binary for p: the
// builder runs natively on the engine's platform, only the target changes,
// so no emulation is ever involved. The order is fixed: a container's
// environment is part of its cache key.
func (p Platform) GoEnv() []EnvVar {
	return []EnvVar{{"CGO_ENABLED", "0"}, {"GOARCH", p.Arch}, {"GOOS", p.OS}}
}

// FargateCPUArchitecture is the runtimePlatform.cpuArchitecture value a task
// definition needs to run an image built for p.
func (p Platform) FargateCPUArchitecture() string {
	if p.Arch == "arm64" {
		return "ARM64"
	}
	return "X86_64"
}
