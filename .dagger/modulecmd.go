package main

import (
	"context"

	"dagger/ecs-bluegreen/internal/dagger"
)

// moduleCommand builds one of this module's own commands (./cmd/<name> of
// the module source, .dagger) as a static binary for the engine's platform,
// in the Go builder with the module's caches: what the stand-in and the
// rehearsal proxy run.
func moduleCommand(ctx context.Context, goImage string, module *dagger.Directory, name string) (*dagger.File, error) {
	builder, err := goBuilder(ctx, goImage, module)
	if err != nil {
		return nil, err
	}
	return builder.WithEnvVariable("CGO_ENABLED", "0").
		WithExec([]string{"go", "build", "-trimpath", "-o", "/out/" + name, "./cmd/" + name}).
		File("/out/" + name), nil
}
