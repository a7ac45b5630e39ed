package deploy

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A deployment's revision need not be inline: CodeDeploy accepts an ECS
// AppSpec stored in S3 (revision type S3), which is how a deployment made
// from an AppSpec in CodePipeline's S3 artifact store (the CodeDeployToECS
// action) names its release. GetDeployment then returns only the
// object's location, so the task definition a release ran is known only by
// reading the object.

// AppSpecObjectReader reads an AppSpec object from S3; *s3.Client
// satisfies it.
type AppSpecObjectReader interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ AppSpecObjectReader = (*s3.Client)(nil)

// maxAppSpecBytes bounds what is read of an AppSpec object: an ECS AppSpec
// is a few KiB, and a large object is not one.
const maxAppSpecBytes = 1 << 20

// S3Location is where a revision's AppSpec is stored.
type S3Location struct {
	Bucket, Key, Version, ETag, BundleType string
}

// String is s3://bucket/key, with the version when one is recorded.
func (l S3Location) String() string {
	s := "s3://" + l.Bucket + "/" + l.Key
	if l.Version != "" {
		s += " (version " + l.Version + ")"
	}
	return s
}

func s3LocationFrom(l *cdtypes.S3Location) *S3Location {
	return &S3Location{
		Bucket: aws.ToString(l.Bucket), Key: aws.ToString(l.Key), Version: aws.ToString(l.Version),
		ETag: aws.ToString(l.ETag), BundleType: string(l.BundleType),
	}
}

// WithAppSpecReader lets Rollback read the AppSpec of deployments whose
// revision is stored in S3; without it, or when the object cannot be read,
// Rollback refuses rather than skip the release such a deployment served.
func WithAppSpecReader(r AppSpecObjectReader) RollbackOption {
	return func(o *rollbackOptions) { o.appSpecs = r }
}

// resolveRevision fills in r.AppSpec and r.TaskDefinition when they are
// not inline: an S3 revision is read from its bucket (the version and ETag
// CodeDeploy recorded pin the object). It returns an error that names the
// deployment, the release's location and why it could not be read.
func resolveRevision(ctx context.Context, api AppSpecObjectReader, r *Report) error {
	if r.TaskDefinition != "" {
		return nil
	}
	loc := r.S3Revision
	if loc == nil {
		what := "no revision"
		if r.RevisionType != "" {
			what = "a revision of type " + r.RevisionType
		}
		return fmt.Errorf("deployment %s%s carries %s, which names no task definition", r.ID, r.about(), what)
	}
	if api == nil {
		return fmt.Errorf("deployment %s%s deployed the AppSpec at %s, which this call was not given an S3 client to read", r.ID, r.about(), loc)
	}
	in := &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)}
	if loc.Version != "" {
		in.VersionId = aws.String(loc.Version)
	}
	if loc.ETag != "" {
		in.IfMatch = aws.String(loc.ETag)
	}
	out, err := api.GetObject(ctx, in)
	if err != nil {
		return fmt.Errorf("deployment %s%s deployed the AppSpec at %s, which could not be read: %w", r.ID, r.about(), loc, err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(io.LimitReader(out.Body, maxAppSpecBytes+1))
	if err != nil {
		return fmt.Errorf("deployment %s%s deployed the AppSpec at %s, which could not be read: %w", r.ID, r.about(), loc, err)
	}
	if len(body) > maxAppSpecBytes {
		return fmt.Errorf("deployment %s%s deployed %s, which is larger than %d bytes and not an ECS AppSpec", r.ID, r.about(), loc, maxAppSpecBytes)
	}
	td := taskDefinitionARNPattern.FindString(string(body))
	if td == "" {
		return fmt.Errorf("deployment %s%s deployed the AppSpec at %s, which names no task definition ARN", r.ID, r.about(), loc)
	}
	r.AppSpec, r.TaskDefinition = string(body), td
	return nil
}

// about describes a deployment for people: when and by whom it was
// created, and its description.
func (r Report) about() string {
	var parts []string
	if !r.Created.IsZero() {
		parts = append(parts, "created "+stamp(r.Created))
	}
	if r.Creator != "" {
		parts = append(parts, "by "+r.Creator)
	}
	if r.Description != "" {
		parts = append(parts, fmt.Sprintf("%q", r.Description))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + joinNonEmpty(", ", parts...) + ")"
}
