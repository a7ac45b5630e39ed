package main

import (
	"context"
	"time"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/cdkcmd"
	"dagger/ecs-bluegreen/infragate"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/livestate"
	"dagger/ecs-bluegreen/standin"
)

// Paths inside the CDK toolbox container. Its base is a Node.js image (the
// default is the official one through the ECR Public mirror of Docker Hub's
// library, which has no anonymous pull rate limit) with the Go toolchain
// copied in from a Go image.
const (
	infraDir     = "/src/infra"
	assemblyDir  = "/out/cdk.out"
	outputsFile  = "/out/outputs.json"
	goModCache   = "/go/pkg/mod"
	goBuildCache = "/root/.cache/go-build"
)

// Synth synthesizes the CDK app in infra/ into a cloud assembly (cdk.out):
// one CloudFormation template per stack plus the manifest. It changes
// nothing and is cached like any build: `synth export --path cdk.out`.
// With the module's AWS credentials the stacks are bound to their account;
// without them, pass --account (lookups the app needs must then be in
// infra/cdk.context.json).
func (m *EcsBluegreen) Synth(
	ctx context.Context,
	// The project directory (defaults to the repository holding this module).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger/ecs-bluegreen"]
	source *dagger.Directory,
	// CDK context values as key=value, overriding infra/cdk.json (e.g. appName=shop, desiredCount=3).
	// +optional
	cdkContext []string,
	// AWS account id (12 digits) the stacks are bound to, with the module's region, when synthesizing without
	// credentials.
	// +optional
	account string,
	// Image with Node.js and npm, for the CDK CLI and jsii.
	// +optional
	// +default="public.ecr.aws/docker/library/node:22-bookworm"
	nodeImage string,
	// Image whose Go toolchain (/usr/local/go) runs the CDK app; default: the builder image pinned in buildplan/goimage.go.
	// +optional
	goImage string,
) (*dagger.Directory, error) {
	haveKey, haveSecret := m.AwsAccessKeyID != nil, m.AwsSecretAccessKey != nil
	if haveKey || haveSecret {
		// Half a key pair is a mistake, not a request for an unbound synth.
		if err := cdkcmd.RequireCredentials("synth", haveKey, haveSecret); err != nil {
			return nil, err
		}
	}
	values, err := cdkcmd.ParseContext(cdkContext)
	if err != nil {
		return nil, err
	}
	var endpoints standin.Endpoints
	if haveKey {
		if endpoints, err = m.awsEndpoints(ctx); err != nil {
			return nil, err
		}
	}
	synth, err := cdkcmd.Build(cdkcmd.Options{
		Command: cdkcmd.Synth, Output: assemblyDir, Quiet: true, Context: withHookAsset(values),
		Account: account, Region: m.Region, Endpoint: endpoints.Container,
	})
	if err != nil {
		return nil, err
	}
	ctr := m.cdkToolbox(source, nodeImage, goImage)
	if haveKey {
		ctr = m.withAWSService(m.withCredentials(ctr))
	}
	return withCommand(ctr, synth).Directory(assemblyDir), nil
}

// Diff shows what deploy-infra would change: it synthesizes the app,
// compares every selected stack with the deployed one, and (unless
// --method template) puts each stack's change set through the change-set
// gate as a dry run: every change classified safe / needs care / refused,
// with the reason. The change sets are deleted. Needs AWS credentials.
// +cache="never"
func (m *EcsBluegreen) Diff(
	ctx context.Context,
	// The project directory (defaults to the repository holding this module).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger/ecs-bluegreen"]
	source *dagger.Directory,
	// Stacks to compare, by name (e.g. webapp-service), with the stacks they depend on; every stack when empty.
	// +optional
	stacks []string,
	// CDK context values as key=value, overriding infra/cdk.json (e.g. appName=shop).
	// +optional
	cdkContext []string,
	// How differences are computed: auto (a read-only change set, falling back to templates), change-set, or
	// template (templates only: fast, and for AWS emulators; no gate review).
	// +optional
	// +default="auto"
	method string,
	// Image with Node.js and npm, for the CDK CLI and jsii.
	// +optional
	// +default="public.ecr.aws/docker/library/node:22-bookworm"
	nodeImage string,
	// Image whose Go toolchain (/usr/local/go) runs the CDK app; default: the builder image pinned in buildplan/goimage.go.
	// +optional
	goImage string,
) (string, error) {
	diffMethod, err := cdkcmd.ParseDiffMethod(method)
	if err != nil {
		return "", err
	}
	endpoints, err := m.awsEndpoints(ctx)
	if err != nil {
		return "", err
	}
	synth, _, err := m.synthWithAccount(ctx, source, cdkContext, stacks, "diff", endpoints.Container)
	if err != nil {
		return "", err
	}
	diff, err := cdkcmd.Build(cdkcmd.Options{
		Command: cdkcmd.Diff, Stacks: stacks, App: assemblyDir, DiffMethod: diffMethod,
		Region: m.Region, Endpoint: endpoints.Container,
	})
	if err != nil {
		return "", err
	}
	ctr := withCommand(m.withAWS(m.cdkToolbox(source, nodeImage, goImage)), synth)
	out, err := withCommand(ctr, diff).CombinedOutput(ctx)
	if err != nil {
		return out, err
	}
	if diffMethod == cdkcmd.DiffTemplate {
		return out + infragate.TemplateNote, nil
	}
	// A review never executes, so it may prepare change sets that add
	// permissions without asking.
	res, err := m.gate(ctx, ctr, endpoints, gateArgs{function: "diff", stacks: stacks, approve: true, dryRun: true})
	review := res.Text(true)
	if err != nil {
		// The diff stands on its own; a stack that cannot be reviewed yet
		// (one importing what an undeployed stack will export) is reported.
		review += "change-set review stopped: " + err.Error() + "\n"
	}
	return out + "\n" + review, nil
}

// synthWithAccount validates the AWS options of an AWS-touching function and
// builds its synth command: the endpoint is included so the CLI resolves the
// account of the credentials and the stacks are synthesized for it, and the
// context carries what the deployed service stack serves now (livestate: the
// listeners' or rules' target groups, the revision the service runs, and in
// hook mode its image), so no update moves production back to the target
// group it left or deploys a revision or image. The returned run also holds
// the rollback triggers of a hook-mode deployment.
func (m *EcsBluegreen) synthWithAccount(ctx context.Context, source *dagger.Directory, cdkContext, stacks []string, function, endpoint string) (cdkcmd.Command, livestate.Run, error) {
	if err := cdkcmd.RequireCredentials(function, m.AwsAccessKeyID != nil, m.AwsSecretAccessKey != nil); err != nil {
		return cdkcmd.Command{}, livestate.Run{}, err
	}
	if err := cdkcmd.ValidateRegion(m.Region); err != nil {
		return cdkcmd.Command{}, livestate.Run{}, err
	}
	values, err := cdkcmd.ParseContext(cdkContext)
	if err != nil {
		return cdkcmd.Command{}, livestate.Run{}, err
	}
	live, err := m.liveRun(ctx, source, values, stacks, function)
	if err != nil {
		return cdkcmd.Command{}, livestate.Run{}, err
	}
	synth, err := cdkcmd.Build(cdkcmd.Options{
		Command: cdkcmd.Synth, Output: assemblyDir, Quiet: true, Context: withHookAsset(live.Context),
		Region: m.Region, Endpoint: endpoint,
	})
	return synth, live, err
}

// liveRun reads the deployed service stack (nothing when it does not exist
// yet) and prepares the run's context and rollback triggers from it.
func (m *EcsBluegreen) liveRun(ctx context.Context, source *dagger.Directory, values map[string]string, stacks []string, function string) (livestate.Run, error) {
	cdkJSON, err := source.File("infra/cdk.json").Contents(ctx)
	if err != nil {
		return livestate.Run{}, err
	}
	stack, err := livestate.ServiceStack([]byte(cdkJSON), values)
	if err != nil {
		return livestate.Run{}, err
	}
	cfg, err := m.awsConfig(ctx, function)
	if err != nil {
		return livestate.Run{}, err
	}
	state, err := livestate.Read(ctx, cfg, stack)
	if err != nil {
		return livestate.Run{}, err
	}
	return livestate.Prepare(state, values, []byte(cdkJSON), stacks)
}

// cdkToolbox is the container every CDK command runs in: Node.js with the
// pinned CDK CLI, the Go toolchain copied from the Go image, Go module and
// build caches on volumes, infra/ in /src/infra with its modules
// downloaded before the sources are copied (so edits keep that layer), and
// the deployment check function's asset (see hookAsset).
func (m *EcsBluegreen) cdkToolbox(source *dagger.Directory, nodeImage, goImage string) *dagger.Container {
	infra := source.Directory("infra")
	return dag.Container().From(nodeImage).
		WithDirectory("/usr/local/go", dag.Container().From(buildplan.GoImageOr(goImage)).Directory("/usr/local/go")).
		WithEnvVariable("PATH", "/usr/local/go/bin:${PATH}", dagger.ContainerWithEnvVariableOpts{Expand: true}).
		WithEnvVariable("CGO_ENABLED", "0").
		WithEnvVariable("GOFLAGS", "-mod=readonly").
		WithEnvVariable("GOMODCACHE", goModCache).
		WithEnvVariable("GOCACHE", goBuildCache).
		WithMountedCache(goModCache, dag.CacheVolume("ecs-bluegreen-go-mod")).
		WithMountedCache(goBuildCache, dag.CacheVolume("ecs-bluegreen-go-build")).
		WithMountedCache("/root/.npm", dag.CacheVolume("ecs-bluegreen-npm")).
		WithExec([]string{"npm", "install", "--global", "--no-audit", "--no-fund", cdkcmd.NpmPackage}).
		WithWorkdir(infraDir).
		WithFile(infraDir+"/go.mod", infra.File("go.mod")).
		WithFile(infraDir+"/go.sum", infra.File("go.sum")).
		WithExec([]string{"go", "mod", "download"}).
		WithDirectory(infraDir, infra).
		WithDirectory(hookAssetDir, hookAsset(source, goImage))
}

// withCredentials adds the module's credentials as secret variables: never
// plain environment, never in a layer or an exported file.
func (m *EcsBluegreen) withCredentials(ctr *dagger.Container) *dagger.Container {
	ctr = ctr.
		WithSecretVariable(cdkcmd.EnvAccessKeyID, m.AwsAccessKeyID).
		WithSecretVariable(cdkcmd.EnvSecretAccessKey, m.AwsSecretAccessKey)
	if m.AwsSessionToken != nil {
		ctr = ctr.WithSecretVariable(cdkcmd.EnvSessionToken, m.AwsSessionToken)
	}
	return ctr
}

// withAWS adds the credentials, the AWS stand-in service if any, and a
// per-call value that keeps the engine from reusing an earlier run of the
// commands that follow: they read and change live AWS state.
func (m *EcsBluegreen) withAWS(ctr *dagger.Container) *dagger.Container {
	return m.withAWSService(m.withCredentials(ctr)).WithEnvVariable("ECS_BLUEGREEN_RUN_AT", time.Now().UTC().Format(time.RFC3339Nano))
}

// withCommand runs a cdkcmd command: its environment, then its argv.
func withCommand(ctr *dagger.Container, cmd cdkcmd.Command) *dagger.Container {
	for _, e := range cmd.Env {
		ctr = ctr.WithEnvVariable(e.Name, e.Value)
	}
	return ctr.WithExec(cmd.Args)
}
