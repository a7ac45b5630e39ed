package main

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/provenance"
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
	// Main package to build, relative to the go.mod of --source: ./app (the default), ./cmd/server, or . for the module root.
	// +optional
	pkg string,
	// Port the service listens on, 1 to 65535: the image exposes it and sets PORT to it; default 3000.
	// +optional
	port int,
	// Service stack whose RepositoryUri output names the repository.
	// +optional
	// +default="webapp-service"
	stack string,
	// Repository name or URI; overrides the stack output. A URI naming another account's or region's
	// ECR registry is pushed there; a URI of any other registry needs --registry and its login.
	// +optional
	repository string,
	// Git revision: stamped into the binary and, unless --tag is given, the image tag.
	// One of --version and --tag is required: the image is pushed under a tag, never "latest".
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
	// It is pushed to by the address the engine gives the service, which is valid for this call only: use it for rehearsals.
	// +optional
	registryService *dagger.Service,
	// Builder image with the Go toolchain; default: the pinned default in buildplan/goimage.go.
	// +optional
	goImage string,
	// Creation time of the image and its files, seconds since the Unix epoch (see build).
	// +optional
	sourceDateEpoch int,
	// Source repository URL (e.g. https://github.com/acme/shop): the org.opencontainers.image.source label, the
	// provenance's source (with the commit when --version is a full 40-digit commit id) and the SBOM's supplier.
	// +optional
	sourceURL string,
	// Builder id recorded in the provenance: the CI entry points pass theirs ($GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF
	// on GitHub Actions, $CODEBUILD_BUILD_ARN on CodeBuild); without it the statement names a local build.
	// +optional
	builderId string,
	// Deadline of each registry operation (a tag lookup, the push, the referrers query, one attachment), as a
	// Go duration such as 90s or 5m; default 2m. A registry that does not answer in time fails the call, naming
	// the registry and the operation.
	// +optional
	registryTimeout string,
	// Fail when the registry has no OCI referrers API (the SBOM and provenance cannot be attached) instead of
	// pushing the image without them and printing a warning.
	// +optional
	strictReferrers bool,
	// AWS KMS key that signs the provenance (key id, key ARN, alias/<name> or alias ARN; an ECC_NIST_P256
	// signing key, as deploy-infra creates with signingKey=create): the statement is attached as a DSSE
	// envelope a verifier checks with the key's public half. Without it the statement is attached unsigned,
	// and the output says so.
	// +optional
	signingKey string,
	// Also store each platform's signed provenance under the tag cosign verify-attestation reads
	// (sha256-<platform manifest hex>.att), beside the OCI referrer it does not look at; needs --signing-key
	// or keyless signing.
	// Opt-in: it adds one such tag per platform manifest to the repository, and on an immutable ECR
	// repository that tag is written once (a re-run of the same build writes nothing).
	// +optional
	cosignTags bool,
	// Sign the provenance keyless on GitHub Actions instead of with --signing-key: the job's
	// ACTIONS_ID_TOKEN_REQUEST_URL, given as env:ACTIONS_ID_TOKEN_REQUEST_URL with --github-oidc-token (the job needs
	// permissions: id-token: write). After the build an identity token for the audience sigstore is minted from
	// it, exchanged at Fulcio for a short-lived certificate naming the workflow, and the signature is logged in
	// Rekor; the certificate and the log entry are attached beside the envelope.
	// +optional
	githubOidcUrl *dagger.Secret,
	// The job's ACTIONS_ID_TOKEN_REQUEST_TOKEN, with --github-oidc-url.
	// +optional
	githubOidcToken *dagger.Secret,
	// Sign the provenance keyless with this OIDC identity token (audience sigstore) instead: one minted by
	// the caller shortly before the call, e.g. by another CI system. Its expiry is checked before the build.
	// +optional
	sigstoreToken *dagger.Secret,
	// Fulcio of the Sigstore instance keyless signing uses; default https://fulcio.sigstore.dev.
	// +optional
	fulcioUrl string,
	// Rekor of the Sigstore instance keyless signing uses; default https://rekor.sigstore.dev.
	// +optional
	rekorUrl string,
) (string, error) {
	limit, err := publish.ParseTimeout(registryTimeout)
	if err != nil {
		return "", err
	}
	ctx = publish.WithTimeout(ctx, limit)
	if err := buildplan.CheckSourceURL(sourceURL); err != nil {
		return "", err
	}
	if err := provenance.CheckBuilderID(builderId); err != nil {
		return "", err
	}
	if _, _, err := (imageArgs{pkg: pkg, port: port}).service(); err != nil {
		return "", err
	}
	if err := provenance.CheckKeyID(signingKey); err != nil {
		return "", err
	}
	keyless := newKeyless(githubOidcUrl, githubOidcToken, sigstoreToken, fulcioUrl, rekorUrl)
	if err := keyless.check(signingKey); err != nil {
		return "", err
	}
	if err := publish.CheckCosignTags(cosignTags, signingKey != "" || keyless.req.Wanted()); err != nil {
		return "", err
	}
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
		source: source, image: imageArgs{platforms: platform, version: version, goImage: goImage, sourceURL: sourceURL, sourceDateEpoch: sourceDateEpoch, pkg: pkg, port: port},
		strictReferrers: strictReferrers, builderID: builderId, signingKey: signingKey, cosignTags: cosignTags, keyless: keyless,
	}, nil)
	if err != nil {
		return "", err
	}
	return res.Reference.String(), nil
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
	login, err := publish.Call(ctx, img.Registry, "the login", func(ctx context.Context) (publish.Auth, error) {
		return release.Login(ctx, cfg, img.Registry, given)
	})
	if err != nil {
		return err
	}
	_, err = publish.Call(ctx, img.Registry, "reading image "+image, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, plan.CheckImage(ctx, image, login)
	})
	return err
}

// publishArgs are the shared arguments of publish and release.
type publishArgs struct {
	stack, repository, version, tag string
	registry, registryUsername      string
	registryPassword                *dagger.Secret
	source                          *dagger.Directory
	image                           imageArgs
	// strictReferrers makes a registry without the referrers API an error.
	strictReferrers bool
	// builderID is the provenance's builder id ("" = a local build).
	builderID string
	// signingKey is the KMS key that signs the provenance ("" = unsigned).
	signingKey string
	// cosignTags also stores the signed provenance under cosign's
	// sha256-<hex>.att tags.
	cosignTags bool
	// keyless signs the provenance through Sigstore instead of a KMS key.
	keyless keylessArgs
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
	where := a.registry
	if where == "" {
		where = "ECR (" + cfg.Region + ")"
	}
	target, err := publish.Call(ctx, where, "finding the repository and logging in", func(ctx context.Context) (publish.Request, error) {
		return release.PushTarget(ctx, cfg, opts)
	})
	if err != nil {
		return publish.Result{}, err
	}
	target.Log = os.Stderr
	// The key is read and checked before the build, so a wrong key stops
	// the call before anything is pushed.
	signer, err := provenanceSigner(ctx, cfg, a)
	if err != nil {
		return publish.Result{}, err
	}

	img, err := m.assemble(ctx, a.source, a.image)
	if err != nil {
		return publish.Result{}, err
	}
	defer os.RemoveAll(img.dir)
	target.Tarball = img.tarball
	target.Revision = img.version
	if signer != nil {
		if err := signer.Prepare(ctx); err != nil {
			return publish.Result{}, err
		}
	}
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
	res.Referrers, err = m.attest(ctx, img, target, a, signer)
	return res, err
}
