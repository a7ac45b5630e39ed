package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/awsenv"
	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/bundle"
	bluegreen "dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/publish"
	"dagger/ecs-bluegreen/release"
)

// Publish builds the app image and pushes it to its ECR repository (or a
// registry override) by digest, and returns repository:tag@sha256:…. It is
// idempotent: a tag that already holds this exact image is left alone, and
// a tag that holds another image is refused (ECR tags are immutable).
// +cache="never"
func (m *EcsBluegreen) Publish(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// Service stack whose RepositoryUri output names the repository.
	// +optional
	// +default="webapp-service"
	stack string,
	// Repository name or URI; overrides the stack output. A URI naming another account's or region's
	// ECR registry is pushed there; a URI of any other registry needs --registry and its login.
	// +optional
	repository string,
	// Git revision: stamped into the binary and, unless --tag is given, the image tag.
	// +optional
	version string,
	// Image tag; defaults to --version. "latest" is refused.
	// +optional
	tag string,
	// Target platforms: linux/amd64, linux/arm64 or both (comma-separated: pushes an image index); default linux/amd64.
	// +optional
	platform []string,
	// Push to this registry (host[:port]) instead of ECR, e.g. a local registry.
	// +optional
	registry string,
	// User name for --registry (with --registry-password). Without them no credentials are sent,
	// unless --registry is an ECR host (then its region's ECR login is).
	// +optional
	registryUsername string,
	// Password or token for --registry.
	// +optional
	registryPassword *dagger.Secret,
	// Registry stand-in as a service instead of --registry, e.g. tcp://localhost:5000 for a registry on your machine.
	// +optional
	registryService *dagger.Service,
	// Builder image with the Go toolchain.
	// +optional
	// +default="public.ecr.aws/docker/library/golang:1.26-bookworm"
	goImage string,
	// Creation time of the image and its files, seconds since the Unix epoch (see build).
	// +optional
	sourceDateEpoch int,
) (string, error) {
	cfg, err := m.awsConfig(ctx, "publish")
	if err != nil {
		return "", err
	}
	if registry, err = registryAddress(ctx, registry, registryService); err != nil {
		return "", err
	}
	res, err := m.publish(ctx, cfg, publishArgs{
		stack: stack, repository: repository, version: version, tag: tag,
		registry: registry, registryUsername: registryUsername, registryPassword: registryPassword,
		source: source, image: imageArgs{platforms: platform, version: version, goImage: goImage, sourceDateEpoch: sourceDateEpoch},
	}, nil)
	if err != nil {
		return "", err
	}
	return res.Reference.String(), nil
}

// Release ships the app: it builds and pushes the image by digest, reads what
// the infrastructure deployed (stack outputs, the service and its task
// definition) and returns the CodePipeline artifacts imageDetail.json,
// taskdef.json (image <IMAGE1_NAME>) and appspec.yaml, plus release.json.
// `release export --path dist` writes them. With --deploy it registers the
// task definition and runs the CodeDeploy blue/green deployment itself,
// printing progress; a failed or timed-out deployment is rolled back and the
// call fails. Everything is validated before the first push.
// +cache="never"
func (m *EcsBluegreen) Release(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// Service stack to release to (its outputs name the cluster, service, repository, CodeDeploy group).
	// +optional
	// +default="webapp-service"
	stack string,
	// Git revision: stamped into the binary and, unless --tag is given, the image tag
	// (e.g. $GITHUB_SHA, $CODEBUILD_RESOLVED_SOURCE_VERSION).
	// +optional
	version string,
	// Image tag; defaults to --version. "latest" is refused.
	// +optional
	tag string,
	// Release this already-pushed image (repository@sha256:… or repository:tag@sha256:…) instead of building;
	// it must exist in its registry and match the task definition's platform.
	// +optional
	image string,
	// Target platforms: linux/amd64, linux/arm64 or both (comma-separated: an image index); one of them must match
	// the task definition's CPU architecture. Default: the platform of that architecture.
	// +optional
	platform []string,
	// Register the task definition and run the blue/green deployment now, instead of only writing the pipeline artifacts.
	// +optional
	deploy bool,
	// With --deploy: return as soon as the deployment is created (its id is in deployment.json).
	// +optional
	noWait bool,
	// With --deploy: how long to follow the deployment before stopping it with rollback (e.g. 30m, 1h30m).
	// It must cover the deployment group's schedule (traffic routing and termination wait). Once
	// production traffic has fully moved, a timeout no longer stops anything: the call succeeds and
	// says how much of the termination wait is left.
	// +optional
	// +default="60m"
	timeout string,
	// When the AWS credentials expire, as an RFC 3339 time (e.g. "$AWS_CREDENTIAL_EXPIRATION");
	// with --deploy, a --timeout that would outlive them is refused before anything is built.
	// +optional
	credentialsExpireAt string,
	// Lifecycle hooks as Event=function, e.g. AfterAllowTestTraffic=smoke-test
	// (BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic).
	// +optional
	hooks []string,
	// Fargate platform version for the appspec, e.g. LATEST or 1.4.0.
	// +optional
	platformVersion string,
	// Push to this registry (host[:port]) instead of ECR.
	// +optional
	registry string,
	// User name for --registry (with --registry-password); without them no credentials are sent,
	// unless --registry is an ECR host.
	// +optional
	registryUsername string,
	// Password or token for --registry.
	// +optional
	registryPassword *dagger.Secret,
	// Registry stand-in as a service instead of --registry, e.g. tcp://localhost:5000 for a registry on your machine.
	// +optional
	registryService *dagger.Service,
	// Builder image with the Go toolchain.
	// +optional
	// +default="public.ecr.aws/docker/library/golang:1.26-bookworm"
	goImage string,
	// Creation time of the image and its files, seconds since the Unix epoch (see build).
	// +optional
	sourceDateEpoch int,
) (*dagger.Directory, error) {
	// Every argument is checked before AWS is touched.
	mode := bundle.ModePipeline
	if deploy {
		mode = bundle.ModeDirect
	}
	hookMap, err := release.ParseHooks(hooks)
	if err != nil {
		return nil, err
	}
	wait, err := bluegreen.ParseTimeout(timeout)
	if err != nil {
		return nil, err
	}
	expiry, err := bluegreen.ParseExpiry(credentialsExpireAt)
	if err != nil {
		return nil, err
	}
	waits := deploy && !noWait
	if waits {
		if err := bluegreen.CheckCredentials(time.Now(), wait, expiry); err != nil {
			return nil, err
		}
	}
	if len(platform) > 0 {
		if _, err := buildplan.ParsePlatforms(platform); err != nil {
			return nil, err
		}
	}
	if image != "" {
		if _, err := bundle.ParseImage(image); err != nil {
			return nil, err
		}
	}
	cfg, err := m.awsConfig(ctx, "release")
	if err != nil {
		return nil, err
	}
	if registry, err = registryAddress(ctx, registry, registryService); err != nil {
		return nil, err
	}
	ecsClient := ecs.NewFromConfig(cfg)
	plan, err := release.Load(ctx, cfg, ecsClient, stack)
	if err != nil {
		return nil, err
	}
	if platform, err = buildplan.ReleasePlatforms(platform, image != "", plan.CheckArchitecture); err != nil {
		return nil, err
	}
	cd := codedeploy.NewFromConfig(cfg)
	if waits {
		// Refused before the build, not only before registering.
		if err := release.CheckWait(ctx, cd, plan.Target.CodeDeployApplication, plan.Target.DeploymentGroup, wait, expiry); err != nil {
			return nil, err
		}
	}
	if image != "" {
		if err := m.checkImage(ctx, cfg, plan, image, registry, registryUsername, registryPassword); err != nil {
			return nil, err
		}
	}
	opts := release.Options{Mode: mode, Hooks: hookMap, PlatformVersion: platformVersion, GitRevision: version, Now: time.Now().UTC()}

	imageURI := image
	if imageURI == "" {
		// The bundle is rendered against the image's digest (known from the
		// tarball) before the push: a release that would be invalid pushes nothing.
		preflight := func(ref publish.Reference) error {
			_, err := plan.Preflight(opts, ref.String())
			return err
		}
		res, err := m.publish(ctx, cfg, publishArgs{
			stack: stack, repository: plan.Target.RepositoryUri, version: version, tag: tag,
			registry: registry, registryUsername: registryUsername, registryPassword: registryPassword,
			source: source, image: imageArgs{platforms: platform, version: version, goImage: goImage, sourceDateEpoch: sourceDateEpoch},
		}, preflight)
		if err != nil {
			return nil, err
		}
		imageURI = res.Reference.String()
		opts.Attestations = attestations(res.Referrers)
	} else if _, err := plan.Preflight(opts, imageURI); err != nil {
		return nil, err
	}

	if !deploy {
		b, err := plan.Render(opts, imageURI, "")
		if err != nil {
			return nil, err
		}
		return filesDirectory(b.Files(), nil), nil
	}
	releaseID := bluegreen.NewReleaseID(time.Now())
	out, err := plan.Deploy(ctx, ecsClient, cd, release.DeployRequest{
		Options: opts, ImageURI: imageURI, NoWait: noWait, ReleaseID: releaseID, CredentialsExpire: expiry,
		Description: "release of " + imageURI,
		Wait:        bluegreen.Options{Timeout: wait, Out: os.Stderr},
	})
	if err != nil {
		return nil, err
	}
	summary := fmt.Sprintf("{\n  \"releaseId\": %q,\n  \"deploymentId\": %q,\n  \"taskDefinitionArn\": %q,\n  \"waited\": %t,\n  \"leftRunning\": %t\n}\n",
		releaseID, out.DeploymentID, out.TaskDefinitionArn, out.Waited, out.Result.LeftRunning)
	return filesDirectory(out.Bundle.Files(), map[string]string{"deployment.json": summary}), nil
}

// Status reports a CodeDeploy deployment: its state, traffic shifted,
// lifecycle events with their times, and any error or rollback.
// +cache="never"
func (m *EcsBluegreen) Status(
	ctx context.Context,
	// Deployment id, e.g. d-ABCDEF123.
	deploymentID string,
) (string, error) {
	cfg, err := m.awsConfig(ctx, "status")
	if err != nil {
		return "", err
	}
	r, err := bluegreen.Status(ctx, codedeploy.NewFromConfig(cfg), deploymentID)
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

// Rollback undoes a release: a deployment in progress is stopped with
// rollback (CodeDeploy shifts traffic back to the original task set), unless
// it is itself a rollback; otherwise the release that served before the
// current one (per the deployment group's history) is redeployed blue/green
// with the appspec settings it ran with, and followed to the end. A rollback
// redeployment is never stopped with rollback, not even on timeout.
// +cache="never"
func (m *EcsBluegreen) Rollback(
	ctx context.Context,
	// Service stack whose outputs name the CodeDeploy group, cluster and service.
	// +optional
	// +default="webapp-service"
	stack string,
	// Deployment to stop; by default any in-progress deployment of the group.
	// +optional
	deploymentID string,
	// Return as soon as the redeployment is created.
	// +optional
	noWait bool,
	// How long to follow a redeployment (e.g. 30m); it must cover the group's schedule. A redeployment
	// still running then is left to finish, never stopped with rollback.
	// +optional
	// +default="60m"
	timeout string,
	// When the AWS credentials expire, as an RFC 3339 time (e.g. "$AWS_CREDENTIAL_EXPIRATION");
	// a --timeout that would outlive them is refused before anything is redeployed.
	// +optional
	credentialsExpireAt string,
) (string, error) {
	wait, err := bluegreen.ParseTimeout(timeout)
	if err != nil {
		return "", err
	}
	expiry, err := bluegreen.ParseExpiry(credentialsExpireAt)
	if err != nil {
		return "", err
	}
	cfg, err := m.awsConfig(ctx, "rollback")
	if err != nil {
		return "", err
	}
	ecsClient := ecs.NewFromConfig(cfg)
	plan, err := release.Load(ctx, cfg, ecsClient, stack)
	if err != nil {
		return "", err
	}
	cd := codedeploy.NewFromConfig(cfg)
	t := plan.Target
	var opts []bluegreen.RollbackOption
	if !noWait {
		opts = append(opts, bluegreen.BeforeRedeploy(func(ctx context.Context) error {
			return release.CheckWait(ctx, cd, t.CodeDeployApplication, t.DeploymentGroup, wait, expiry)
		}))
	}
	res, err := bluegreen.Rollback(ctx, cd, ecsClient,
		bluegreen.Target{Application: t.CodeDeployApplication, DeploymentGroup: t.DeploymentGroup, Cluster: t.ClusterName, Service: t.ServiceName},
		deploymentID, plan.AppSpecFor(release.Options{}), opts...)
	if err != nil {
		return "", err
	}
	if res.Action != bluegreen.ActionRedeployed || noWait {
		return res.String(), nil
	}
	if _, err := bluegreen.Wait(ctx, cd, res.DeploymentID, bluegreen.Options{Timeout: wait, Out: os.Stderr}); err != nil {
		return res.String(), fmt.Errorf("rollback deployment %s: %w", res.DeploymentID, err)
	}
	return res.String() + "\nrollback deployment succeeded\n", nil
}

// awsConfig builds the AWS configuration from the module's credentials. The
// secret values are read into memory only for the SDK's request signing.
func (m *EcsBluegreen) awsConfig(ctx context.Context, function string) (aws.Config, error) {
	if m.AwsAccessKeyID == nil || m.AwsSecretAccessKey == nil {
		return aws.Config{}, fmt.Errorf("%s needs AWS credentials: pass --aws-access-key-id env:AWS_ACCESS_KEY_ID --aws-secret-access-key env:AWS_SECRET_ACCESS_KEY (and --aws-session-token env:AWS_SESSION_TOKEN for temporary credentials) before the function name", function)
	}
	var creds awsenv.Credentials
	var err error
	if creds.AccessKeyID, err = m.AwsAccessKeyID.Plaintext(ctx); err != nil {
		return aws.Config{}, err
	}
	if creds.SecretAccessKey, err = m.AwsSecretAccessKey.Plaintext(ctx); err != nil {
		return aws.Config{}, err
	}
	if m.AwsSessionToken != nil {
		if creds.SessionToken, err = m.AwsSessionToken.Plaintext(ctx); err != nil {
			return aws.Config{}, err
		}
	}
	endpoints, err := m.awsEndpoints(ctx)
	if err != nil {
		return aws.Config{}, err
	}
	return awsenv.Config(ctx, creds, m.Region, endpoints.SDK, awsenv.WithLog(os.Stderr))
}

// checkImage confirms that an --image exists in its registry for the task
// definition's platform, logging in as the push would.
func (m *EcsBluegreen) checkImage(ctx context.Context, cfg aws.Config, plan *release.Plan, image, registry, registryUsername string, registryPassword *dagger.Secret) error {
	img, err := bundle.ParseImage(image)
	if err != nil {
		return err
	}
	var given *publish.Auth
	if registryPassword != nil && img.Registry == registry {
		pw, err := registryPassword.Plaintext(ctx)
		if err != nil {
			return err
		}
		given = &publish.Auth{Username: registryUsername, Password: pw}
	}
	login, err := release.Login(ctx, cfg, img.Registry, given)
	if err != nil {
		return err
	}
	return plan.CheckImage(ctx, image, login)
}

// publishArgs are the shared arguments of publish and release.
type publishArgs struct {
	stack, repository, version, tag string
	registry, registryUsername      string
	registryPassword                *dagger.Secret
	source                          *dagger.Directory
	image                           imageArgs
}

// publish builds the image, writes it as an OCI layout tar inside this
// function's container, and pushes those exact bytes with publish.Publish, which knows the
// digest before pushing and makes the push idempotent. check, when set, runs
// with the final reference before anything is pushed.
func (m *EcsBluegreen) publish(ctx context.Context, cfg aws.Config, a publishArgs, check func(publish.Reference) error) (publish.Result, error) {
	opts := release.TargetOptions{
		Stack: a.stack, Repository: a.repository, Tag: a.tag, Version: a.version, Registry: a.registry,
	}
	if a.registryPassword != nil {
		pw, err := a.registryPassword.Plaintext(ctx)
		if err != nil {
			return publish.Result{}, err
		}
		opts.RegistryAuth = &publish.Auth{Username: a.registryUsername, Password: pw}
	}
	target, err := release.PushTarget(ctx, cfg, opts)
	if err != nil {
		return publish.Result{}, err
	}
	target.Log = os.Stderr

	img, err := m.assemble(ctx, a.source, a.image)
	if err != nil {
		return publish.Result{}, err
	}
	defer os.RemoveAll(img.dir)
	target.Tarball = img.tarball
	target.Revision = img.version
	if check != nil {
		ref := target.Target
		ref.Digest = img.digest
		if err := check(ref); err != nil {
			return publish.Result{}, err
		}
	}
	res, err := publish.Publish(ctx, target)
	if err != nil {
		return res, err
	}
	res.Referrers, err = m.attest(ctx, a.source, img, target)
	return res, err
}

// filesDirectory returns the files as a directory, sorted for a stable result.
func filesDirectory(files map[string][]byte, extra map[string]string) *dagger.Directory {
	all := map[string]string{}
	for k, v := range files {
		all[k] = string(v)
	}
	for k, v := range extra {
		all[k] = v
	}
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	dir := dag.Directory()
	for _, n := range names {
		dir = dir.WithNewFile(n, all[n])
	}
	return dir
}
