package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Lookup returns the digest a tag currently holds in the target repository,
// "" when the tag does not exist. ecr.Client.ImageDigestForTag fits (through a
// closure); RemoteDigest asks any registry directly.
type Lookup func(ctx context.Context, tag string) (string, error)

// Request describes one idempotent publish.
type Request struct {
	// Tarball is the image tarball (OCI layout or docker save format).
	Tarball string
	// Target is registry/repository:tag (no digest).
	Target Reference
	// Auth is the registry login.
	Auth Auth
	// Immutable says the registry refuses to move tags (ECR IMMUTABLE).
	Immutable bool
	// Lookup reads the tag's current digest; nil asks the registry itself.
	Lookup Lookup
	// Log receives one line per decision; nil discards.
	Log io.Writer
	// Revision is the image's revision label (the stamped version). When the
	// tag holds a different image with the same revision, the conflict says
	// so (ExplainConflict). Optional.
	Revision string
}

// Result is the outcome of Publish.
type Result struct {
	// Reference is registry/repository:tag@sha256:…, verified in the registry.
	Reference Reference
	// Pushed is false when the registry already held the image.
	Pushed bool
	// Message is the decision, as logged.
	Message string
	// Referrers are the SBOM and provenance attached to the image (Attach).
	Referrers []Attached
}

// Publish pushes an image tarball unless the tag already holds it:
//
//  1. the digest is computed from the tarball, so it is known before pushing
//     and is exactly what is pushed;
//  2. the tag's current digest decides between push, skip and conflict (Plan);
//  3. a refused push is re-checked (AfterPushFailure): a concurrent run that
//     pushed the same image is a success;
//  4. after a push the registry's digest for the tag must equal the local one.
func Publish(ctx context.Context, req Request) (Result, error) {
	log := req.Log
	if log == nil {
		log = io.Discard
	}
	if req.Target.Digest != "" {
		return Result{}, fmt.Errorf("publish target %s must not carry a digest: the digest comes from the image", req.Target)
	}
	if err := ValidateTag(req.Target.Tag); err != nil {
		return Result{}, err
	}
	if _, err := ParseReference(req.Target.Tagged()); err != nil {
		return Result{}, err
	}
	given := req.Lookup
	if given == nil {
		given = func(ctx context.Context, tag string) (string, error) {
			r := req.Target
			r.Tag = tag
			return RemoteDigest(ctx, r, req.Auth)
		}
	}
	// Every lookup, the registry's own or the ECR API's, has the deadline.
	lookup := func(ctx context.Context, tag string) (string, error) {
		r := req.Target
		r.Tag = tag
		return Call(ctx, req.Target.Registry, "the lookup of tag "+r.Tagged(), func(ctx context.Context) (string, error) { return given(ctx, tag) })
	}
	local, _, err := DigestFromTarball(req.Tarball)
	if err != nil {
		return Result{}, err
	}
	existing, err := lookup(ctx, req.Target.Tag)
	if err != nil {
		return Result{}, err
	}
	plan, err := Plan(req.Target.Tag, existing, local, req.Immutable)
	if err != nil {
		return Result{}, ExplainConflict(ctx, req, err)
	}
	fmt.Fprintln(log, plan.Message)
	done := req.Target
	done.Digest = local
	if plan.Action == ActionSkip {
		return Result{Reference: done, Message: plan.Message}, nil
	}
	pushed, pushErr := Push(ctx, req.Tarball, req.Target, req.Auth)
	if pushErr != nil {
		remoteNow, err := lookup(ctx, req.Target.Tag)
		if err != nil {
			return Result{}, errors.Join(fmt.Errorf("pushing %s: %w", req.Target.Tagged(), pushErr), err)
		}
		after, err := AfterPushFailure(req.Target.Tag, pushErr, remoteNow, local, req.Immutable)
		if err != nil {
			return Result{}, ExplainConflict(ctx, req, err)
		}
		fmt.Fprintln(log, after.Message)
		return Result{Reference: done, Message: after.Message}, nil
	}
	msg := fmt.Sprintf("pushed %s", pushed)
	fmt.Fprintln(log, msg)
	return Result{Reference: pushed, Pushed: true, Message: msg}, nil
}
