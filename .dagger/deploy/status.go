package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// Status returns a snapshot of deployment id: its state, timestamps, the ECS
// target's lifecycle events and traffic weights, error and rollback. Target
// details are best effort: when they cannot be read the report says why and
// still carries the deployment's own state.
func Status(ctx context.Context, api DeploymentReader, id string) (Report, error) {
	if err := checkDeploymentID(id); err != nil {
		return Report{}, err
	}
	o := &observer{api: api, id: id}
	return o.observe(ctx)
}

func checkDeploymentID(id string) error {
	if strings.TrimSpace(id) == "" {
		return errors.New("deployment id is empty; pass the id CodeDeploy returned (e.g. d-ABCDEF123)")
	}
	if strings.ContainsAny(id, " \t\r\n") {
		return fmt.Errorf("deployment id %q contains white space; pass the id CodeDeploy returned (e.g. d-ABCDEF123)", id)
	}
	return nil
}

// maxTargetFailures is how many consecutive refused target reads (access
// denied and other errors no retry can fix) make the observer stop asking:
// some principals may read deployments but not targets, and the deployment
// status alone is still worth following. Throttling and server errors never
// stop the asking: they pass.
const maxTargetFailures = 3

// batchLimit is BatchGetDeploymentTargets' maximum number of ids per call.
const batchLimit = 25

// observer reads a deployment repeatedly, remembering the target ids (they
// never change once known). Target details are never carried over from an
// earlier poll: a report holds only what its own reads returned, so a read
// that failed leaves traffic and lifecycle events unknown rather than stale.
type observer struct {
	api            DeploymentReader
	id             string
	targetIDs      []string
	targetFailures int
}

// deploymentGetter reads one deployment.
type deploymentGetter interface {
	GetDeployment(ctx context.Context, in *codedeploy.GetDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
}

// readDeployment reads deployment id without its targets.
func readDeployment(ctx context.Context, api deploymentGetter, id string) (Report, error) {
	out, err := api.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(id)})
	if err != nil {
		return Report{ID: id}, fmt.Errorf("reading deployment %s: %w", id, err)
	}
	if out.DeploymentInfo == nil {
		return Report{ID: id}, fmt.Errorf("reading deployment %s: the response carries no deployment", id)
	}
	r := reportFrom(out.DeploymentInfo)
	if r.ID == "" {
		r.ID = id
	}
	return r, nil
}

// observe reads the deployment and, once it has started, its ECS target.
func (o *observer) observe(ctx context.Context) (Report, error) {
	r, err := readDeployment(ctx, o.api, o.id)
	if err != nil {
		return r, err
	}
	if notStarted(r.Status) {
		return r, nil
	}
	if o.targetFailures >= maxTargetFailures {
		r.TargetsUnavailable = "target reads were refused repeatedly; following the deployment status only"
		r.settle()
		return r, nil
	}
	t, err := o.ecsTarget(ctx)
	switch {
	case err != nil:
		if !retryable(err) {
			o.targetFailures++
		}
		r.TargetsUnavailable = err.Error()
		r.settle()
	case t != nil:
		o.targetFailures = 0
		r.addECSTarget(t)
	default:
		o.targetFailures = 0
	}
	return r, nil
}

func notStarted(status string) bool {
	switch types.DeploymentStatus(status) {
	case types.DeploymentStatusCreated, types.DeploymentStatusQueued:
		return true
	}
	return false
}

// ecsTarget returns the deployment's first ECS target, or nil when CodeDeploy
// lists none yet.
func (o *observer) ecsTarget(ctx context.Context) (*types.ECSTarget, error) {
	if len(o.targetIDs) == 0 {
		var ids []string
		var token *string
		for {
			out, err := o.api.ListDeploymentTargets(ctx, &codedeploy.ListDeploymentTargetsInput{DeploymentId: aws.String(o.id), NextToken: token})
			if err != nil {
				return nil, fmt.Errorf("listing targets of deployment %s: %w", o.id, err)
			}
			ids = append(ids, out.TargetIds...)
			token = out.NextToken
			if aws.ToString(token) == "" {
				break
			}
		}
		if len(ids) == 0 {
			return nil, nil
		}
		o.targetIDs = ids
	}
	for start := 0; start < len(o.targetIDs); start += batchLimit {
		chunk := o.targetIDs[start:min(start+batchLimit, len(o.targetIDs))]
		out, err := o.api.BatchGetDeploymentTargets(ctx, &codedeploy.BatchGetDeploymentTargetsInput{DeploymentId: aws.String(o.id), TargetIds: chunk})
		if err != nil {
			return nil, fmt.Errorf("reading targets of deployment %s: %w", o.id, err)
		}
		for i := range out.DeploymentTargets {
			if t := out.DeploymentTargets[i].EcsTarget; t != nil {
				return t, nil
			}
		}
	}
	return nil, nil
}
