package main

import (
	"strings"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/lambdabuild"
)

// hookAssetDir is where the CDK toolbox holds the deployment check
// function's asset; the synth names it in the hookAsset context key.
const hookAssetDir = "/hook-asset"

// hookAssetKey is the CDK context key naming the asset directory (the
// infra app's config.KeyHookAsset).
const hookAssetKey = "hookAsset"

// hookAsset builds the deployment check function (cmd/ecs-lifecycle-hook of
// this module) for Lambda's provided.al2023 runtime on arm64 in the Go
// builder image, and returns the directory holding its bootstrap. The build
// is cached like any other: it runs again only when the module's sources or
// the image change. The infra app packages it only with analysis=on.
func hookAsset(source *dagger.Directory, goImage string) *dagger.Directory {
	const src, out = "/src", "/out"
	module := source.Directory(".dagger").Filter(dagger.DirectoryFilterOpts{Exclude: []string{"ecs-bluegreen", "**/*_test.go", "**/testdata"}})
	// An empty --go-image means the pinned default, as for every build.
	ctr := dag.Container().From(buildplan.GoImageOr(goImage)).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume("ecs-bluegreen-go-mod")).
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume("ecs-bluegreen-go-build"))
	for _, e := range buildplan.BuilderEnv {
		ctr = ctr.WithEnvVariable(e.Name, e.Value)
	}
	ctr = ctr.WithWorkdir(src).
		WithFile(src+"/go.mod", module.File("go.mod")).
		WithFile(src+"/go.sum", module.File("go.sum")).
		WithExec([]string{"go", "mod", "download"}).
		WithDirectory(src, module)
	for _, kv := range lambdabuild.Env {
		name, value, _ := strings.Cut(kv, "=")
		ctr = ctr.WithEnvVariable(name, value)
	}
	return ctr.WithExec(lambdabuild.Args(out)).Directory(out)
}

// withHookAsset names the asset in the synth's context unless the caller
// named one.
func withHookAsset(values map[string]string) map[string]string {
	if _, ok := values[hookAssetKey]; ok {
		return values
	}
	out := make(map[string]string, len(values)+1)
	for k, v := range values {
		out[k] = v
	}
	out[hookAssetKey] = hookAssetDir
	return out
}
