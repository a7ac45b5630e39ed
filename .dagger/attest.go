package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"dagger/ecs-bluegreen/buildplan"
	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/provenance"
	"dagger/ecs-bluegreen/publish"
	"dagger/ecs-bluegreen/sbom"
)

// Sbom builds the app binary (see build) and returns its software bill of
// materials, CycloneDX 1.5 JSON made from the build information Go embeds in
// the binary: the main module, every dependency module with its version and
// go.sum checksum, the Go standard library with the CPE and version scanners
// match, the build settings, and the image's other files (the CA bundle with
// its Debian package, passwd, group). No registry is needed:
// `sbom export --path sbom.json`.
func (m *EcsBluegreen) Sbom(
	ctx context.Context,
	// The app source (see build).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger", "infra", "buildspec", ".github", ".ci", "scripts", "**/*.md"]
	source *dagger.Directory,
	// Main package to build, relative to the go.mod of --source: ./app (the default), ./cmd/server, or . for the module root.
	// +optional
	pkg string,
	// Target platform: linux/amd64 or linux/arm64.
	// +optional
	// +default="linux/amd64"
	platform string,
	// Version stamped into the binary (see build).
	// +optional
	version string,
	// Builder image with the Go toolchain; default: the pinned default in buildplan/goimage.go.
	// +optional
	goImage string,
	// Source repository URL: names the app's supplier (see build).
	// +optional
	sourceURL string,
	// The image's source date, seconds since the Unix epoch (see build): the SBOM's timestamp.
	// +optional
	sourceDateEpoch int,
) (*dagger.File, error) {
	c, err := m.compile(ctx, source, imageArgs{platforms: []string{platform}, version: version, goImage: goImage, sourceURL: sourceURL, sourceDateEpoch: sourceDateEpoch, pkg: pkg})
	if err != nil {
		return nil, err
	}
	doc, err := c.sbom(c.platforms[0])
	if err != nil {
		return nil, err
	}
	path := filepath.Join(c.dir, "sbom.cdx.json")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		return nil, err
	}
	return dag.CurrentModule().WorkdirFile(path).Sync(ctx)
}

// sbom is the SBOM of platform p's image: the binary's modules and the
// image's other files, dated by the source date.
func (c *compiled) sbom(p buildplan.Platform) ([]byte, error) {
	files, err := buildplan.SBOMFiles(c.certs, c.dpkgStatus, c.osRelease)
	if err != nil {
		return nil, err
	}
	return sbom.FromBinary(c.binary(p), sbom.Subject{
		Version: c.version, Platform: p.String(), Created: c.created, SourceURL: c.args.sourceURL, Files: files,
	})
}

// provenanceSigner is what signs the provenance: the KMS key, keyless
// Sigstore signing, or nothing (nil: the statement is attached unsigned).
// Either is checked here, before the build.
func provenanceSigner(ctx context.Context, cfg aws.Config, a publishArgs) (provenance.AttestationSigner, error) {
	switch {
	case a.signingKey != "":
		s, err := provenance.NewKMSSigner(ctx, kms.NewFromConfig(cfg), a.signingKey)
		if err != nil {
			return nil, err
		}
		return s, nil
	case a.keyless.req.Wanted():
		s, err := a.keyless.signer(ctx)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, nil
}

// attest attaches an SBOM and a SLSA provenance statement to each platform
// manifest of a published image, as OCI referrers; the statement in a DSSE
// envelope signed by signer when there is one. A registry without the
// referrers API gets its explanation on stderr and no attachments; the image
// itself is published either way.
func (m *EcsBluegreen) attest(ctx context.Context, img *assembled, target publish.Request, a publishArgs, signer provenance.AttestationSigner) ([]publish.Attached, error) {
	resolved, err := dag.Container().From(img.goImage.Ref).ImageRef(ctx)
	if err != nil {
		return nil, fmt.Errorf("resolving the builder image %s: %w", img.goImage.Ref, err)
	}
	var refs []publish.Referrer
	var tags []publish.CosignAttestation
	for i, p := range img.platforms {
		subject := img.manifests[i]
		bom, err := img.sbom(p)
		if err != nil {
			return nil, err
		}
		statement, err := provenance.Statement(provenance.Build{
			// The repository without the registry's address: the same build
			// pushed through another address states the same thing.
			Subject: target.Target.Repository, Digest: subject.Digest.String(), Platform: p.String(),
			Version: img.version, SourceURL: img.args.sourceURL, SourceDigest: img.sourceDigest,
			SourceDateEpoch: img.args.sourceDateEpoch,
			GoImage:         img.goImage.Ref, GoImageDigest: buildplan.DigestOf(resolved),
			GoBuild: buildplan.GoBuildArgs(img.version, img.pkg, buildplan.BuilderBinary),
			Builder: a.builderID,
		})
		if err != nil {
			return nil, err
		}
		att, err := provenance.Attest(ctx, statement, signer)
		if err != nil {
			return nil, err
		}
		refs = append(refs,
			publish.Referrer{ArtifactType: sbom.MediaType, Data: bom, Subject: subject},
			publish.ProvenanceReferrer(att, subject))
		if a.cosignTags && att.Signed != "" {
			tags = append(tags, publish.ProvenanceTag(att, subject))
		}
	}
	if signer != nil {
		fmt.Fprintf(os.Stderr, "provenance signed by %s (DSSE envelope; %s)\n", signer.Who(), signer.VerifyHint())
	} else {
		fmt.Fprintln(os.Stderr, "provenance NOT signed (no --signing-key, no keyless signing): the statement is attached bare, a record of the build, not proof")
	}
	attached, err := publish.Attach(ctx, target.Target, target.Auth, refs)
	warning, err := publish.WithoutReferrers(err, target.Target, a.strictReferrers)
	if err != nil {
		return nil, err
	}
	// The cosign tags need no referrers API: they are written either way.
	for _, t := range tags {
		w, err := publish.WriteCosignAttestation(ctx, target.Target, target.Auth, t, target.Immutable)
		if err != nil {
			return nil, err
		}
		if w.Existing {
			fmt.Fprintf(os.Stderr, "%s already holds an equivalent signed provenance of %s (%s): nothing written\n", w.Tag, w.Subject, w.Platform)
			continue
		}
		fmt.Fprintf(os.Stderr, "wrote the signed provenance of %s (%s) under %s (%d attestation(s) there), for cosign verify-attestation\n", w.Subject, w.Platform, w.Tag, w.Layers)
	}
	if warning != "" {
		fmt.Fprintln(os.Stderr, warning)
		return nil, nil
	}
	for _, a := range attached {
		if a.Existing {
			fmt.Fprintf(os.Stderr, "%s %s already attached to %s (%s): nothing attached\n", a.ArtifactType, a.Digest, a.Subject, a.Platform)
			continue
		}
		fmt.Fprintf(os.Stderr, "attached %s %s to %s (%s)\n", a.ArtifactType, a.Digest, a.Subject, a.Platform)
	}
	return attached, nil
}

// attestations converts pushed referrers for release.json.
func attestations(attached []publish.Attached) []bundle.Attestation {
	out := make([]bundle.Attestation, len(attached))
	for i, a := range attached {
		out[i] = bundle.Attestation{ArtifactType: a.ArtifactType, Digest: a.Digest, Subject: a.Subject, Platform: a.Platform}
	}
	return out
}
