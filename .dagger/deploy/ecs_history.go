package deploy

import (
	"context"
	"fmt"
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
// ServedRevision.Release) is not current, read newest first a page at a time.
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

// walkSuccessful visits the service's SUCCESSFUL deployments listed after
// below (older than it), newest first, a page at a time, until visit returns
// true; it returns how many it visited (all of them when below is zero). Position in the list, not createdAt,
// decides, so deployments created in the same instant keep their order.
func walkSuccessful(ctx context.Context, api ServiceHistoryReader, cluster, service string, below ServedRevision, visit func(ServedRevision) bool) (int, error) {
	seen, passed := 0, below.Deployment == ""
	in := &ecs.ListServiceDeploymentsInput{
		Cluster: aws.String(cluster), Service: aws.String(service),
		Status: []ecstypes.ServiceDeploymentStatus{ecstypes.ServiceDeploymentStatusSuccessful}, MaxResults: aws.Int32(describeBatch),
	}
	for {
		page, err := api.ListServiceDeployments(ctx, in)
		if err != nil {
			return seen, fmt.Errorf("listing the successful deployments of service %s in cluster %s: %w", service, cluster, err)
		}
		var arns []string
		for _, b := range page.ServiceDeployments {
			// The list is newest first: what follows below is older.
			switch arn := aws.ToString(b.ServiceDeploymentArn); {
			case arn == below.Deployment:
				passed = true
			case passed:
				arns = append(arns, arn)
			}
		}
		if len(arns) > 0 {
			hist, err := describeServed(ctx, api, arns)
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
		if page.NextToken == nil {
			return seen, nil
		}
		in.NextToken = page.NextToken
	}
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
