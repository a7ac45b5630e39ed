package deploy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Target names the service a rollback acts on: the CodeDeploy application
// and deployment group that deploy it, and its ECS cluster and service.
type Target struct {
	// Application is the CodeDeploy application (output CodeDeployApplication).
	Application string
	// DeploymentGroup is the deployment group (output DeploymentGroup).
	DeploymentGroup string
	// Cluster is the ECS cluster name or ARN (output ClusterName).
	Cluster string
	// Service is the ECS service name or ARN (output ServiceName).
	Service string
}

// RenderAppSpec renders the AppSpec that deploys taskDefARN to the service.
// served is the AppSpec of the deployment that last served taskDefARN ("" if
// unknown): its hooks, platform version and capacity provider strategy belong
// to that release and should be kept.
type RenderAppSpec func(taskDefARN, served string) (content string, err error)

// RollbackOption tunes Rollback.
type RollbackOption func(*rollbackOptions)

type rollbackOptions struct {
	releaseID string
	before    func(ctx context.Context) error
	appSpecs  AppSpecObjectReader
}

// WithReleaseID marks the redeployment with id (NewReleaseID) instead of a
// new one.
func WithReleaseID(id string) RollbackOption { return func(o *rollbackOptions) { o.releaseID = id } }

// BeforeRedeploy runs check once the redeployment is decided and before it is
// created (e.g. that the timeout covers the group's schedule); an error
// cancels the redeployment.
func BeforeRedeploy(check func(ctx context.Context) error) RollbackOption {
	return func(o *rollbackOptions) { o.before = check }
}

// Rollback actions.
const (
	// ActionStopped: deployments in flight were stopped with rollback.
	ActionStopped = "stopped"
	// ActionRedeployed: the previous task definition revision was deployed.
	ActionRedeployed = "redeployed"
)

// RollbackResult says what Rollback did.
type RollbackResult struct {
	// Action is ActionStopped or ActionRedeployed.
	Action string
	// Stopped lists the deployments stopped with rollback (ActionStopped).
	Stopped []StoppedDeployment
	// DeploymentID is the new deployment (ActionRedeployed); follow it with Wait.
	DeploymentID string
	// From and To are the task definition ARNs the service moves from and to
	// (ActionRedeployed).
	From, To string
	// Served is the deployment that last served To, and Images are To's
	// container images (ActionRedeployed).
	Served string
	Images []string
	// Release is the task definition the release served with; To differs
	// from it when Release was INACTIVE and a marked copy of it was
	// registered (ActionRedeployed).
	Release string
}

// StoppedDeployment is one StopDeployment answer.
type StoppedDeployment struct {
	// ID is the stopped deployment.
	ID string
	// Status and Message are StopDeployment's answer (Pending or Succeeded).
	Status, Message string
}

// String describes the rollback in one line.
func (r RollbackResult) String() string {
	if r.Action == ActionRedeployed {
		to := r.To
		if r.Release != "" && r.Release != r.To {
			to = fmt.Sprintf("%s (a copy of %s, which was deregistered)", r.To, r.Release)
		}
		return fmt.Sprintf("redeploying %s (last served by deployment %s; image %s) in place of %s as deployment %s",
			to, r.Served, strings.Join(r.Images, ", "), r.From, r.DeploymentID)
	}
	parts := make([]string, 0, len(r.Stopped))
	for _, s := range r.Stopped {
		parts = append(parts, fmt.Sprintf("%s (%s)", s.ID, joinNonEmpty(" — ", s.Status, s.Message)))
	}
	return "stopped with rollback: " + strings.Join(parts, ", ")
}

// activeStatuses are the deployment states a stop can still act on.
var activeStatuses = []cdtypes.DeploymentStatus{
	cdtypes.DeploymentStatusInProgress,
	cdtypes.DeploymentStatusCreated,
	cdtypes.DeploymentStatusQueued,
	cdtypes.DeploymentStatusReady,
	cdtypes.DeploymentStatusBaking,
}

func isActive(status string) bool {
	for _, s := range activeStatuses {
		if string(s) == status {
			return true
		}
	}
	return false
}

func (t Target) validate(render RenderAppSpec) error {
	if err := checkName("application", t.Application); err != nil {
		return err
	}
	if err := checkName("deployment group", t.DeploymentGroup); err != nil {
		return err
	}
	if strings.TrimSpace(t.Cluster) == "" {
		return errors.New("cluster is empty; pass the ECS cluster name (the ClusterName output of the service stack)")
	}
	if strings.TrimSpace(t.Service) == "" {
		return errors.New("service is empty; pass the ECS service name (the ServiceName output of the service stack)")
	}
	if render == nil {
		return errors.New("AppSpec renderer is nil; pass a function that renders the AppSpec for a task definition ARN")
	}
	return nil
}

// Rollback undoes the latest release of target.
//
// When a deployment is in flight (id, if given and still active; otherwise
// every deployment of the group that is Created, Queued, InProgress, Ready or
// Baking) it is stopped with automatic rollback, which returns traffic to the
// original task set — unless it is itself a rollback (CodeDeploy's or this
// function's), which is left to finish.
//
// Otherwise the release that served before the current one is redeployed:
// the group's history, not the list of registered revisions, says which (see
// chooseServed). The new deployment's AppSpec comes from render and is marked
// as a rollback; the caller follows it with Wait.
//
// A deployment whose revision is an AppSpec stored in S3 (as CodePipeline's
// CodeDeployToECS action records it) is read from its bucket
// (WithAppSpecReader); when it cannot be, the rollback is refused naming the
// deployment and where its release is, never skipped. A release whose task
// definition was deregistered is redeployed as a marked copy
// (RestoreRevision), never as the INACTIVE revision.
//
// A given id that already ended Failed or Stopped is refused (CodeDeploy has
// dealt with it; redeploying would go one release too far back), and so is a
// succeeded one whose task definition is no longer the one in service.
func Rollback(ctx context.Context, cd CodeDeployAPI, svc RevisionRestorer, target Target, id string, render RenderAppSpec, opts ...RollbackOption) (RollbackResult, error) {
	if err := target.validate(render); err != nil {
		return RollbackResult{}, err
	}
	var o rollbackOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.releaseID != "" {
		if err := CheckReleaseID(o.releaseID); err != nil {
			return RollbackResult{}, err
		}
	}
	var given *Report
	if id != "" {
		r, err := givenDeployment(ctx, cd, target, id)
		if err != nil {
			return RollbackResult{}, err
		}
		if isActive(r.Status) {
			if r.IsRollback() {
				return RollbackResult{}, fmt.Errorf("deployment %s is itself a rollback%s (status %s); leave it to finish", id, ofDeployment(r.RollbackOf), r.Status)
			}
			return stopAll(ctx, cd, []string{id})
		}
		given = &r
	} else {
		active, err := activeDeployments(ctx, cd, target)
		if err != nil {
			return RollbackResult{}, err
		}
		if len(active) > 0 {
			for _, a := range active {
				r, err := Status(ctx, cd, a)
				if err != nil {
					return RollbackResult{}, err
				}
				if r.IsRollback() {
					return RollbackResult{}, fmt.Errorf("deployment %s is already a rollback%s in progress (status %s); leave it to finish and follow it with the status function", a, ofDeployment(r.RollbackOf), r.Status)
				}
			}
			return stopAll(ctx, cd, active)
		}
	}
	return redeployServed(ctx, cd, svc, target, given, render, o)
}

func ofDeployment(id string) string {
	if id == "" {
		return ""
	}
	return " of deployment " + id
}

// givenDeployment reads id and refuses deployments a redeploy would not undo.
func givenDeployment(ctx context.Context, cd CodeDeployAPI, t Target, id string) (Report, error) {
	if err := checkDeploymentID(id); err != nil {
		return Report{}, err
	}
	r, err := Status(ctx, cd, id)
	if err != nil {
		return r, err
	}
	if r.Application != "" && (r.Application != t.Application || r.DeploymentGroup != t.DeploymentGroup) {
		return r, fmt.Errorf("deployment %s belongs to application %q, deployment group %q, not to %q/%q; pass the matching application and deployment group", id, r.Application, r.DeploymentGroup, t.Application, t.DeploymentGroup)
	}
	if r.Status == string(cdtypes.DeploymentStatusFailed) || r.Status == string(cdtypes.DeploymentStatusStopped) {
		detail := "no rollback deployment was recorded"
		if r.RollbackDeploymentID != "" {
			detail = "CodeDeploy rolled it back with deployment " + r.RollbackDeploymentID
		}
		return r, fmt.Errorf("deployment %s already ended %s (%s); the service is not running its release, so there is nothing to roll back — omit the id to roll back whatever the service runs now", id, r.Status, detail)
	}
	return r, nil
}

func activeDeployments(ctx context.Context, cd CodeDeployAPI, t Target) ([]string, error) {
	ids, err := listDeployments(ctx, cd, &codedeploy.ListDeploymentsInput{
		ApplicationName:     aws.String(t.Application),
		DeploymentGroupName: aws.String(t.DeploymentGroup),
		IncludeOnlyStatuses: activeStatuses,
	})
	if err != nil {
		return nil, fmt.Errorf("listing deployments in flight for application %q, deployment group %q: %w", t.Application, t.DeploymentGroup, err)
	}
	return ids, nil
}

func stopAll(ctx context.Context, cd CodeDeployAPI, ids []string) (RollbackResult, error) {
	res := RollbackResult{Action: ActionStopped}
	for _, id := range ids {
		out, err := cd.StopDeployment(ctx, &codedeploy.StopDeploymentInput{DeploymentId: aws.String(id), AutoRollbackEnabled: aws.Bool(true)})
		if err != nil {
			return res, fmt.Errorf("stopping deployment %s with rollback: %w", id, err)
		}
		res.Stopped = append(res.Stopped, StoppedDeployment{ID: id, Status: string(out.Status), Message: aws.ToString(out.StatusMessage)})
	}
	return res, nil
}

// currentTaskDefinition is the task definition serving production: the
// PRIMARY task set's under the CODE_DEPLOY controller, else the service's.
func currentTaskDefinition(ctx context.Context, svc ServiceReader, t Target) (string, error) {
	out, err := svc.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(t.Cluster), Services: []string{t.Service}})
	if err != nil {
		return "", fmt.Errorf("describing service %q in cluster %q: %w", t.Service, t.Cluster, err)
	}
	if len(out.Services) == 0 {
		reason := "not found"
		if len(out.Failures) > 0 {
			reason = joinNonEmpty(": ", aws.ToString(out.Failures[0].Reason), aws.ToString(out.Failures[0].Detail))
		}
		return "", fmt.Errorf("service %q in cluster %q: %s; check the ClusterName and ServiceName outputs", t.Service, t.Cluster, reason)
	}
	s := out.Services[0]
	for _, ts := range s.TaskSets {
		if aws.ToString(ts.Status) == "PRIMARY" && aws.ToString(ts.TaskDefinition) != "" {
			return aws.ToString(ts.TaskDefinition), nil
		}
	}
	if aws.ToString(s.TaskDefinition) == "" {
		return "", fmt.Errorf("service %q in cluster %q reports no task definition", t.Service, t.Cluster)
	}
	return aws.ToString(s.TaskDefinition), nil
}

// parseTaskDefinitionARN splits
// arn:aws:ecs:region:account:task-definition/family:revision.
func parseTaskDefinitionARN(arn string) (family string, revision int, err error) {
	_, rest, ok := strings.Cut(arn, ":task-definition/")
	if !ok {
		return "", 0, fmt.Errorf("task definition %q is not a task definition ARN (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION)", arn)
	}
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 {
		return "", 0, fmt.Errorf("task definition ARN %q has no revision; expected …:task-definition/FAMILY:REVISION", arn)
	}
	n, err := strconv.Atoi(rest[i+1:])
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("task definition ARN %q has revision %q; expected a positive number", arn, rest[i+1:])
	}
	return rest[:i], n, nil
}
