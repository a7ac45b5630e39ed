package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ServiceHistoryReader reads a service's deployments, the service revisions
// they deployed and the task definitions (with their tags) behind those;
// *ecs.Client satisfies it.
type ServiceHistoryReader interface {
	ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
	DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
	DescribeServiceRevisions(ctx context.Context, in *ecs.DescribeServiceRevisionsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

var _ ServiceHistoryReader = (*ecs.Client)(nil)

// describeBatch is the most ARNs DescribeServiceDeployments and
// DescribeServiceRevisions take per call.
const describeBatch = 20

// ServedRevision is a service deployment and what it deployed.
type ServedRevision struct {
	// Deployment is the service deployment ARN and Status its status.
	Deployment, Status string
	// Created is when the deployment was created.
	Created time.Time
	// Revision is the service revision it deployed and TaskDefinition that
	// revision's task definition ARN.
	Revision, TaskDefinition string
	// Images are the container images of the revision.
	Images []string
	// Mark is set when Rollback registered the task definition to undo a
	// release.
	Mark *RollbackMark
}

// Release is the task definition of the release this deployment put in
// service: for a rollback's copy, the release it restored.
func (s ServedRevision) Release() string {
	if s.Mark != nil {
		return s.Mark.Restores
	}
	return s.TaskDefinition
}

// DescribeServed reads service deployment arn with its revision.
func DescribeServed(ctx context.Context, api ServiceHistoryReader, arn string) (ServedRevision, error) {
	got, err := describeServed(ctx, api, []string{arn})
	if err != nil {
		return ServedRevision{}, err
	}
	if len(got) == 0 {
		return ServedRevision{}, fmt.Errorf("reading service deployment %s: %w", arn, errNoServiceDeployment)
	}
	return got[0], nil
}

// describeServed reads up to describeBatch service deployments, their
// revisions and their task definitions' rollback marks, in arns' order.
func describeServed(ctx context.Context, api ServiceHistoryReader, arns []string) ([]ServedRevision, error) {
	out, err := api.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
	if err != nil {
		return nil, fmt.Errorf("reading service deployments %s: %w", strings.Join(arns, ", "), err)
	}
	byArn := map[string]ecstypes.ServiceDeployment{}
	var revArns []string
	for _, d := range out.ServiceDeployments {
		byArn[aws.ToString(d.ServiceDeploymentArn)] = d
		if d.TargetServiceRevision != nil {
			revArns = append(revArns, aws.ToString(d.TargetServiceRevision.Arn))
		}
	}
	revs := map[string]ecstypes.ServiceRevision{}
	if len(revArns) > 0 {
		rout, err := api.DescribeServiceRevisions(ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: revArns})
		if err != nil {
			return nil, fmt.Errorf("reading service revisions %s: %w", strings.Join(revArns, ", "), err)
		}
		for _, r := range rout.ServiceRevisions {
			revs[aws.ToString(r.ServiceRevisionArn)] = r
		}
	}
	var served []ServedRevision
	for _, arn := range arns {
		d, ok := byArn[arn]
		if !ok {
			continue
		}
		s := ServedRevision{Deployment: arn, Status: string(d.Status), Created: aws.ToTime(d.CreatedAt)}
		if d.TargetServiceRevision != nil {
			s.Revision = aws.ToString(d.TargetServiceRevision.Arn)
		}
		rev, ok := revs[s.Revision]
		if !ok {
			return nil, fmt.Errorf("service deployment %s: its service revision %q could not be read", arn, s.Revision)
		}
		s.TaskDefinition = aws.ToString(rev.TaskDefinition)
		for _, c := range rev.ContainerImages {
			s.Images = append(s.Images, aws.ToString(c.Image))
		}
		if s.Mark, err = rollbackMarkOf(ctx, api, s.TaskDefinition); err != nil {
			return nil, err
		}
		served = append(served, s)
	}
	return served, nil
}

// rollbackMarkOf reads the rollback mark of a task definition (nil when it
// carries none).
func rollbackMarkOf(ctx context.Context, api ServiceHistoryReader, arn string) (*RollbackMark, error) {
	out, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(arn), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		return nil, fmt.Errorf("reading the tags of task definition %s: %w", arn, err)
	}
	return ParseRollbackMark(out.Tags), nil
}

// ServedBefore finds the release a rollback of the service redeploys: the
// last SUCCESSFUL service deployment older than below whose release (see
// ServedRevision.Release) is not current, read newest first by createdAt.
// A deployment ECS rolled back (ROLLBACK_SUCCESSFUL) never served and is not
// listed. As in CodeDeploy mode, a rollback's own deployment is not a release,
// and a release a rollback already undid is skipped, so repeated rollbacks
// keep going back instead of bouncing between two releases.
func ServedBefore(ctx context.Context, api ServiceHistoryReader, cluster, service string, below ServedRevision, current string) (ServedRevision, error) {
	undone := map[string]bool{}
	if below.Mark != nil {
		undone[below.Mark.RollbackOf] = true
	}
	var found *ServedRevision
	seen, err := walkSuccessful(ctx, api, cluster, service, below, func(s ServedRevision) bool {
		switch {
		case s.Mark != nil:
			undone[s.Mark.RollbackOf] = true
		case s.TaskDefinition == current, undone[s.TaskDefinition]:
		default:
			found = &s
			return true
		}
		return false
	})
	if err != nil {
		return ServedRevision{}, err
	}
	if found == nil {
		return ServedRevision{}, fmt.Errorf("service %s has no earlier release to roll back to: none of its %d successful deployments before %s deployed a task definition other than the one it runs (%s) that a rollback has not already undone — deploy a fixed release instead",
			service, seen, below.Deployment, shortTaskDefinition(current))
	}
	return *found, nil
}

// LatestServing returns the newest SUCCESSFUL service deployment whose
// release is current (ok false when there is none).
func LatestServing(ctx context.Context, api ServiceHistoryReader, cluster, service, current string) (s ServedRevision, ok bool, err error) {
	_, err = walkSuccessful(ctx, api, cluster, service, ServedRevision{}, func(r ServedRevision) bool {
		if r.Release() == current {
			s, ok = r, true
		}
		return ok
	})
	return s, ok, err
}

// walkSuccessful visits the service's SUCCESSFUL deployments older than
// below, newest first by createdAt, until visit returns true; it returns
// how many it visited (all of them when below is zero). ECS documents no
// order for ListServiceDeployments, so every page is listed first (only
// deployments created up to below's createdAt, when known) and sorted by
// createdAt; deployments created in the same instant keep their listed
// order. below itself need not be SUCCESSFUL: when it is not listed,
// everything created at or before it counts as older.
func walkSuccessful(ctx context.Context, api ServiceHistoryReader, cluster, service string, below ServedRevision, visit func(ServedRevision) bool) (int, error) {
	in := &ecs.ListServiceDeploymentsInput{
		Cluster: aws.String(cluster), Service: aws.String(service),
		Status: []ecstypes.ServiceDeploymentStatus{ecstypes.ServiceDeploymentStatusSuccessful}, MaxResults: aws.Int32(describeBatch),
	}
	if !below.Created.IsZero() {
		// A second of margin: the filter's bound is exclusive, and a
		// deployment created in below's instant is ordered below.
		in.CreatedAt = &ecstypes.CreatedAt{Before: aws.Time(below.Created.Add(time.Second))}
	}
	var listed []ecstypes.ServiceDeploymentBrief
	for {
		page, err := api.ListServiceDeployments(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("listing the successful deployments of service %s in cluster %s: %w", service, cluster, err)
		}
		listed = append(listed, page.ServiceDeployments...)
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	older := olderThan(listed, below)
	seen := 0
	for len(older) > 0 {
		batch := older[:min(describeBatch, len(older))]
		older = older[len(batch):]
		hist, err := describeServed(ctx, api, batch)
		if err != nil {
			return seen, err
		}
		for _, s := range hist {
			seen++
			if visit(s) {
				return seen, nil
			}
		}
	}
	return seen, nil
}

// olderThan returns the ARNs of the listed deployments older than below,
// newest first by createdAt (a stable sort: the same instant keeps the
// listed order). When below is among them, what sorts after it is older;
// otherwise what was created at or before its createdAt.
func olderThan(listed []ecstypes.ServiceDeploymentBrief, below ServedRevision) []string {
	sorted := slices.Clone(listed)
	slices.SortStableFunc(sorted, func(a, b ecstypes.ServiceDeploymentBrief) int {
		return aws.ToTime(b.CreatedAt).Compare(aws.ToTime(a.CreatedAt))
	})
	at := slices.IndexFunc(sorted, func(b ecstypes.ServiceDeploymentBrief) bool {
		return below.Deployment != "" && aws.ToString(b.ServiceDeploymentArn) == below.Deployment
	})
	var arns []string
	for i, b := range sorted {
		switch {
		case below.Deployment == "":
		case at >= 0 && i <= at:
			continue
		case at < 0 && aws.ToTime(b.CreatedAt).After(below.Created):
			continue
		}
		arns = append(arns, aws.ToString(b.ServiceDeploymentArn))
	}
	return arns
}

// ReleaseOf is the release task definition td stands for: the one it
// restores when a rollback registered it, else td itself.
func ReleaseOf(ctx context.Context, api ServiceHistoryReader, td string) (string, error) {
	m, err := rollbackMarkOf(ctx, api, td)
	if err != nil || m == nil {
		return td, err
	}
	return m.Restores, nil
}
