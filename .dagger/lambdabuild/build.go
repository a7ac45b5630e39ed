// Package lambdabuild says how the deployment check function
// (cmd/ecs-lifecycle-hook) is built for Lambda's provided.al2023 runtime on
// arm64: one static executable named bootstrap. The module's synth builds it
// in the Go builder image with exactly these settings, and the package's
// test builds it the same way on the host, so both agree on what the
// service stack deploys.
package lambdabuild

import "path"

const (
	// Package is the function's main package, relative to the module root
	// (.dagger).
	Package = "./cmd/ecs-lifecycle-hook"
	// Executable is the name provided.al2023 runs.
	Executable = "bootstrap"
)

// Env is the build environment: Linux on Graviton, and no cgo, so the
// binary needs no C library from the runtime image.
var Env = []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}

// Args is the go command that writes the executable into dir.
func Args(dir string) []string {
	return []string{"go", "build", "-trimpath", "-ldflags=-s -w", "-o", path.Join(dir, Executable), Package}
}
