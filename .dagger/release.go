package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/buildplan"
	bluegreen "dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/lifecyclehook"
	"dagger/ecs-bluegreen/publish"
	"dagger/ecs-bluegreen/release"
)

// Release ships the app: it builds and pushes the image by digest, reads what
// the infrastructure deployed (stack outputs, the task definition the stack
// registered, the service and the revision it runs), prints how the
// release's task definition (the stack's, with the new image) differs from
// what runs now, and returns the CodePipeline artifacts imageDetail.json,
// taskdef.json (image <IMAGE1_NAME>) and appspec.yaml, plus release.json (in
// ecs mode imagedefinitions.json for the pipeline's ECS deploy action, plus
// release.json).
// `release export --path dist` writes them. With --deploy it registers the
// task definition and runs the CodeDeploy blue/green deployment itself,
// printing progress; a failed or timed-out deployment is rolled back and the
// call fails. A stack in ecs mode (its DeploymentMode output) deploys with
// the ECS controller's own blue/green, linear or canary instead: the task
// definition is registered, the service updated, and the service deployment
// followed the same way. Everything is validated before the first push.
// +cache="never"
func (m *EcsBluegreen) Release(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// Main package to build, relative to the go.mod of --source: ./app (the default), ./cmd/server, or . for the module root.
	// +optional
	pkg string,
	// Port the service listens on, 1 to 65535. Default: the deployed one; when given it must equal the task
	// definition's containerPort and the stack output ContainerPort, or nothing is built.
	// +optional
	port int,
	// Service stack to release to (its outputs name the cluster, service, repository, CodeDeploy group).
	// +optional
	// +default="webapp-service"
	stack string,
	// Git revision: stamped into the binary and, unless --tag is given, the image tag
	// (e.g. $GITHUB_SHA, $CODEBUILD_RESOLVED_SOURCE_VERSION). One of --version, --tag and --image is
	// required: a built image is pushed under a tag, never "latest".
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
	// Register the task definition and run the blue/green deployment now (CodeDeploy, or the ECS service
	// deployment in ecs mode), instead of only writing the pipeline artifacts.
	// +optional
	deploy bool,
	// With --deploy: return as soon as the deployment is created (its id or service deployment ARN is in deployment.json).
	// +optional
	noWait bool,
	// With --deploy: how long to follow the deployment before stopping it with rollback (e.g. 30m, 1h30m).
	// It must cover the deployment group's schedule (traffic routing and termination wait). Once
	// production traffic has fully moved, a timeout no longer stops anything: the call succeeds and
	// says how much of the termination wait (ecs mode: bake time) is left.
	// +optional
	// +default="60m"
	timeout string,
	// With --deploy: how far to follow the deployment before returning. deployed (the end), traffic-shifted
	// (all production traffic moved; before the bake time or CodeDeploy's termination wait), or a lifecycle
	// stage such as TEST_TRAFFIC_SHIFT (in codedeploy mode the stages with a lifecycle event counterpart).
	// +optional
	// +default="deployed"
	waitUntil string,
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
	// It is pushed to by the address the engine gives the service, which is valid for this call only: use it for rehearsals.
	// +optional
	registryService *dagger.Service,
	// Builder image with the Go toolchain; default: the pinned default in buildplan/goimage.go.
	// +optional
	goImage string,
	// Creation time of the image and its files, seconds since the Unix epoch (see build).
	// +optional
	sourceDateEpoch int,
	// Source repository URL recorded in the image label, the provenance and the SBOM (see publish).
	// +optional
	sourceURL string,
	// Builder id recorded in the provenance (see publish); the CI entry points pass theirs.
	// +optional
	builderId string,
	// Deadline of each registry operation, e.g. 90s or 5m; default 2m (see publish).
	// +optional
	registryTimeout string,
	// Fail when the registry has no OCI referrers API instead of releasing the image without its SBOM and
	// provenance (see publish).
	// +optional
	strictReferrers bool,
	// AWS KMS key that signs the provenance (see publish); the CI entry points pass the stack's
	// ProvenanceSigningKeyArn output. Without it the provenance is attached unsigned.
	// +optional
	signingKey string,
	// Also store the signed provenance under the sha256-<hex>.att tags cosign verify-attestation reads
	// (see publish); needs --signing-key or keyless signing.
	// +optional
	cosignTags bool,
	// Sign the provenance keyless on GitHub Actions: the job's ACTIONS_ID_TOKEN_REQUEST_URL, with
	// --github-oidc-token (see publish). Instead of --signing-key.
	// +optional
	githubOidcUrl *dagger.Secret,
	// The job's ACTIONS_ID_TOKEN_REQUEST_TOKEN, with --github-oidc-url.
	// +optional
	githubOidcToken *dagger.Secret,
	// Sign the provenance keyless with this OIDC identity token (audience sigstore) instead (see publish).
	// +optional
	sigstoreToken *dagger.Secret,
	// Fulcio of the Sigstore instance keyless signing uses; default https://fulcio.sigstore.dev.
	// +optional
	fulcioUrl string,
	// Rekor of the Sigstore instance keyless signing uses; default https://rekor.sigstore.dev.
	// +optional
	rekorUrl string,
) (*dagger.Directory, error) {
	// Every argument is checked before AWS is touched.
	regLimit, err := publish.ParseTimeout(registryTimeout)
	if err != nil {
		return nil, err
	}
	ctx = publish.WithTimeout(ctx, regLimit)
	keyless := newKeyless(githubOidcUrl, githubOidcToken, sigstoreToken, fulcioUrl, rekorUrl)
	in, err := release.Inputs{
		Deploy: deploy, NoWait: noWait, Hooks: hooks, Timeout: timeout, CredentialsExpireAt: credentialsExpireAt,
		WaitUntil: waitUntil, SourceURL: sourceURL, BuilderID: builderId, SigningKey: signingKey, Image: image, Platforms: platform,
		CosignTags: cosignTags, Keyless: keyless.req,
	}.Check(time.Now())
	if err != nil {
		return nil, err
	}
	keyless.fulcio, keyless.rekor = in.Fulcio, in.Rekor
	if _, _, err := (imageArgs{pkg: pkg, port: port}).service(); err != nil {
		return nil, err
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
	// The deployed task definition decides the port, health check and user
	// the image must fit, checked before anything is built.
	// (An --image was built elsewhere: its registry check stands for these.)
	if image == "" {
		deployed := buildplan.DeployedContainer(plan.TaskDefinition, plan.Target.ContainerName, plan.Target.ContainerPort)
		if port, err = checkDeployed(deployed, port); err != nil {
			return nil, err
		}
	}
	cd := codedeploy.NewFromConfig(cfg)
	// A wait that cannot work is refused before the build, not only before registering.
	if in.Waits {
		if err := plan.CheckWaitFits(ctx, cd, bluegreen.Options{Timeout: in.Wait, Until: in.Until}, in.Expiry); err != nil {
			return nil, err
		}
	}
	if image != "" {
		if err := m.checkImage(ctx, cfg, plan, image, registry, registryUsername, registryPassword); err != nil {
			return nil, err
		}
	}
	opts := release.Options{Mode: in.Mode, Hooks: in.Hooks, PlatformVersion: platformVersion, GitRevision: version, Now: time.Now().UTC()}

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
			source: source, image: imageArgs{platforms: platform, version: version, goImage: goImage, sourceURL: sourceURL, sourceDateEpoch: sourceDateEpoch, pkg: pkg, port: port},
			strictReferrers: strictReferrers, builderID: builderId, signingKey: signingKey, cosignTags: cosignTags, keyless: keyless,
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
		diff, err := plan.Diff(opts, imageURI)
		if err != nil {
			return nil, err
		}
		fmt.Fprint(os.Stderr, diff)
		files, err := plan.Artifacts(opts, imageURI)
		if err != nil {
			return nil, err
		}
		return filesDirectory(files, nil), nil
	}
	releaseID := bluegreen.NewReleaseID(time.Now())
	fmt.Fprintln(os.Stderr, plan.WatchNote())
	out, err := plan.Ship(ctx, ecsClient, cd, release.DeployRequest{
		Options: opts, ImageURI: imageURI, NoWait: noWait, ReleaseID: releaseID, CredentialsExpire: in.Expiry,
		Description: "release of " + imageURI,
		// In ecs mode the progress shows the deployment hook's verdicts.
		Wait:    bluegreen.Options{Timeout: in.Wait, Out: os.Stderr, Until: in.Until, Verdicts: bluegreen.CloudWatchVerdicts{API: lifecyclehook.NewCloudWatch(cfg)}},
		DiffOut: os.Stderr,
	})
	if err != nil {
		return nil, err
	}
	return filesDirectory(out.Files, map[string]string{"deployment.json": out.DeploymentJSON(releaseID)}), nil
}

// checkDeployed checks the deployed container (buildplan.ReleasePort) and
// prints what its health check runs; it returns the port to build with.
func checkDeployed(d buildplan.Deployed, port int) (int, error) {
	port, note, err := buildplan.ReleasePort(d, port)
	if err != nil {
		return 0, err
	}
	if note != "" {
		fmt.Fprintln(os.Stderr, note)
	}
	return port, nil
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
