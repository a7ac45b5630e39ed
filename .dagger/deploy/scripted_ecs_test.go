package deploy

import (
	"strings"
	"time"
)

// How CodeDeploy behaves for ECS deployments where the scripted server
// follows it, and the source of each behaviour:
//
//   - Status Baking with instanceTerminationWaitTimeStarted false during the
//     termination wait: CodeDeploy does not set the flag for ECS deployments
//     while it waits to terminate the original task set
//     (aws/containers-roadmap#269, where AWS advises to track the deployment
//     target's status instead). A phase with Status "Baking" and TermWait
//     false scripts it; the target then reports status Succeeded with every
//     lifecycle event Succeeded.
//   - Throttling: "ThrottlingException — the request was denied due to
//     request throttling" (HTTP 400), the CodeDeploy API Reference's common
//     errors. Bursts hit one operation (or all) for a window of the fake
//     clock, as a shared account's rate limit does.
//   - S3 revisions: RevisionLocation revisionType S3 with an s3Location of
//     bucket, key, bundleType (YAML or JSON for an ECS AppSpec), version and
//     eTag (CodeDeploy API Reference, RevisionLocation and S3Location;
//     "Create an Amazon ECS Compute Platform deployment (CLI)"). CodeDeploy
//     returns the location, never the AppSpec itself: whoever wants the
//     task definition reads the object.

// burst makes requests answer ThrottlingException from From to To (offsets
// of the fake clock). Ops are the operations throttled (a prefix matches:
// "BatchGet" throttles BatchGetDeploymentTargets and BatchGetDeployments);
// none means every operation.
type burst struct {
	From, To time.Duration
	Ops      []string
}

// throttles reports whether a burst throttles op now.
func (s *scriptedCodeDeploy) throttles(op string) bool {
	off := s.clock.offset()
	for _, b := range s.throttled {
		if off < b.From || off >= b.To {
			continue
		}
		if len(b.Ops) == 0 {
			return true
		}
		for _, o := range b.Ops {
			if strings.HasPrefix(op, o) {
				return true
			}
		}
	}
	return false
}

// s3Revision is a revision stored in S3, as a pipeline's deploy action
// records it.
type s3Revision struct {
	Bucket, Key, BundleType, Version, ETag string
}

// revision is the RevisionLocation CodeDeploy returns for it.
func (r *s3Revision) revision() map[string]any {
	loc := map[string]any{"bucket": r.Bucket, "key": r.Key, "bundleType": r.BundleType}
	if r.Version != "" {
		loc["version"] = r.Version
	}
	if r.ETag != "" {
		loc["eTag"] = r.ETag
	}
	return map[string]any{"revisionType": "S3", "s3Location": loc}
}
