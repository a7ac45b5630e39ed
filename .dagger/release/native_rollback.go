package release

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/deploy"
)

// NativeRollbacker is every ECS call a rollback in ecs mode makes;
// *ecs.Client satisfies it.
type NativeRollbacker interface {
	ServiceDeployer
	deploy.ServiceHistoryReader
}

var _ NativeRollbacker = (*ecs.Client)(nil)

// RollbackRequest is a rollback in ecs mode.
type RollbackRequest struct {
	// DeploymentID is the service deployment to undo; empty means the
	// service's current one.
	DeploymentID string
	// NoWait returns as soon as the redeployment is started.
	NoWait bool
	// Wait tunes the waiter (progress output, timeout).
	Wait deploy.Options
	// ReleaseID marks the redeployed revision (deploy.NewReleaseID); empty
	// means a new one.
	ReleaseID string
	// CredentialsExpire is when the AWS credentials stop working; zero means
	// unknown. A wait that would outlive them is refused.
	CredentialsExpire time.Time
}

// RollbackOutcome is what RollbackNative did.
type RollbackOutcome struct {
	// Action is deploy.ActionStopped (an in-flight deployment was stopped
	// with ROLLBACK) or deploy.ActionRedeployed.
	Action string
	// Undone is the service deployment rolled back.
	Undone deploy.ServedRevision
	// Served is the deployment whose release was put back (ActionRedeployed).
	Served deploy.ServedRevision
	// TaskDefinitionArn is the marked copy of Served's task definition that
	// was registered and deployed (ActionRedeployed).
	TaskDefinitionArn string
	// DeploymentID is the service deployment followed: the stopped one, or
	// the redeployment.
	DeploymentID string
	// Waited is false with NoWait; Result is what the waiter saw.
	Waited bool
	Result deploy.Result
	// Note, when set, says why the rollback took the path it did (a line
	// of its own, printed first).
	Note string
}

// String says what the rollback did, naming the deployment, revision, task
// definition and images it went back to.
func (o RollbackOutcome) String() string {
	switch o.Action {
	case "":
		return ""
	case deploy.ActionStopped:
		return fmt.Sprintf("service deployment %s stopped with ROLLBACK: ECS moved production back to its source revision\n", o.DeploymentID)
	}
	s := o.Note + fmt.Sprintf("rolled back %s: redeploying the release service deployment %s served (service revision %s, task definition %s, image %s) as %s in place of %s; service deployment %s\n",
		o.Undone.Deployment, o.Served.Deployment, o.Served.Revision, o.Served.TaskDefinition, strings.Join(o.Served.Images, ", "),
		o.TaskDefinitionArn, o.Undone.Release(), o.DeploymentID)
	if o.Waited {
		s += "rollback deployment succeeded\n"
	}
	return s
}

// RollbackNative undoes a release in ecs mode, with the semantics of
// CodeDeploy mode's deploy.Rollback:
//
//   - a service deployment in flight is stopped with StopServiceDeployment
//     ROLLBACK and followed (deploy.RollbackService), unless it is itself a
//     rollback's redeployment: that is refused, never stopped;
//   - a SUCCESSFUL one is undone by redeploying the release that served
//     before it (deploy.ServedBefore): its task definition is registered
//     again as a copy marked as a rollback (deploy.RollbackMark, with a
//     release id), the service is updated to it and the service deployment
//     is followed with deploy.WaitServiceRedeploy, which never stops it;
//   - when ECS already rolled the current deployment back, that release is
//     undone: going back once more would go one release too far, so the
//     caller is asked to name the deployment to undo.
func (p *Plan) RollbackNative(ctx context.Context, api NativeRollbacker, req RollbackRequest) (RollbackOutcome, error) {
	var out RollbackOutcome
	arn, err := p.ServiceDeployment(req.DeploymentID)
	if err != nil {
		return out, err
	}
	if err := deploy.CheckServiceDeploymentARN(arn); err != nil {
		return out, err
	}
	cluster, service := p.Target.ClusterName, p.Target.ServiceName
	cur, err := deploy.DescribeServed(ctx, api, arn)
	if err != nil {
		return out, err
	}
	out.Undone = cur
	status := ecstypes.ServiceDeploymentStatus(cur.Status)
	switch {
	case slices.Contains(activeStatuses, status) && cur.Mark != nil:
		return out, fmt.Errorf("service deployment %s is itself a rollback (it puts back %s in place of %s) and is still %s: leave it to finish and follow it with dagger call status",
			arn, cur.Mark.Restores, cur.Mark.RollbackOf, cur.Status)
	case slices.Contains(activeStatuses, status):
		out.Action, out.DeploymentID, out.Waited = deploy.ActionStopped, arn, true
		out.Result, err = deploy.RollbackService(ctx, api, arn, req.Wait)
		return out, err
	case status == ecstypes.ServiceDeploymentStatusRollbackSuccessful && req.DeploymentID == "":
		return out, p.alreadyUndone(ctx, api, cur)
	case status == ecstypes.ServiceDeploymentStatusRollbackFailed:
		return out, p.afterFailedRollback(ctx, api, req, &out)
	case status != ecstypes.ServiceDeploymentStatusSuccessful:
		return out, fmt.Errorf("service deployment %s ended %s: its release never finished serving, so there is nothing of it to roll back", arn, cur.Status)
	}
	svc, err := describeService(ctx, api, cluster, service)
	if err != nil {
		return out, fmt.Errorf("reading service %s: %w", service, err)
	}
	if running := aws.ToString(svc.TaskDefinition); running != cur.TaskDefinition {
		return out, fmt.Errorf("service deployment %s deployed %s but service %s now runs %s; a later release replaced it — omit the deployment to roll back the current one",
			arn, cur.TaskDefinition, service, running)
	}
	served, err := deploy.ServedBefore(ctx, api, cluster, service, cur, cur.Release())
	if err != nil {
		return out, err
	}
	out.Served = served
	return out, p.redeploy(ctx, api, req, &out)
}

// afterFailedRollback undoes a release whose own rollback failed
// (ROLLBACK_FAILED): the service may still serve it, in part or in full, so
// the release that served before it is redeployed, as for a successful
// one. Only the service's latest deployment is undone this way; an older
// one has been replaced since.
func (p *Plan) afterFailedRollback(ctx context.Context, api NativeRollbacker, req RollbackRequest, out *RollbackOutcome) error {
	cur := out.Undone
	svc, err := describeService(ctx, api, p.Target.ClusterName, p.Target.ServiceName)
	if err != nil {
		return fmt.Errorf("reading service %s: %w", p.Target.ServiceName, err)
	}
	if latest := aws.ToString(svc.CurrentServiceDeployment); latest != cur.Deployment {
		return fmt.Errorf("service deployment %s ended ROLLBACK_FAILED, but service %s has moved on to service deployment %s since: roll that one back instead (omit --deployment-id)",
			cur.Deployment, p.Target.ServiceName, latest)
	}
	served, err := deploy.ServedBefore(ctx, api, p.Target.ClusterName, p.Target.ServiceName, cur, cur.Release())
	if err != nil {
		return fmt.Errorf("service deployment %s ended ROLLBACK_FAILED: ECS could not move production back, so service %s may still serve its release %s; %w",
			cur.Deployment, p.Target.ServiceName, cur.Release(), err)
	}
	out.Served = served
	out.Note = fmt.Sprintf("service deployment %s ended ROLLBACK_FAILED: ECS could not move production back, so service %s may still serve its release %s; redeploying the release that served before it\n",
		cur.Deployment, p.Target.ServiceName, cur.Release())
	if err := p.redeploy(ctx, api, req, out); err != nil {
		return fmt.Errorf("service deployment %s ended ROLLBACK_FAILED, so service %s may still serve %s; redeploying %s, which served before it: %w",
			cur.Deployment, p.Target.ServiceName, cur.Release(), served.TaskDefinition, err)
	}
	return nil
}

// alreadyUndone is the refusal when ECS rolled the current deployment back:
// it names the deployment of the release the service runs, to pass when
// that one is to be rolled back as well.
func (p *Plan) alreadyUndone(ctx context.Context, api NativeRollbacker, cur deploy.ServedRevision) error {
	svc, err := describeService(ctx, api, p.Target.ClusterName, p.Target.ServiceName)
	if err != nil {
		return fmt.Errorf("reading service %s: %w", p.Target.ServiceName, err)
	}
	running := aws.ToString(svc.TaskDefinition)
	msg := fmt.Sprintf("the latest release, service deployment %s (%s), ended ROLLBACK_SUCCESSFUL: ECS already rolled it back and service %s runs %s again",
		cur.Deployment, cur.TaskDefinition, p.Target.ServiceName, running)
	release, err := deploy.ReleaseOf(ctx, api, running)
	if err != nil {
		return err
	}
	s, ok, err := deploy.LatestServing(ctx, api, p.Target.ClusterName, p.Target.ServiceName, release)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s; nothing more to roll back", msg)
	}
	return fmt.Errorf("%s; to roll back the release it runs as well, pass --deployment-id %s", msg, s.Deployment)
}

// redeploy registers the marked copy of out.Served's task definition,
// updates the service to it and follows the service deployment.
func (p *Plan) redeploy(ctx context.Context, api NativeRollbacker, req RollbackRequest, out *RollbackOutcome) error {
	if req.Wait.Timeout == 0 {
		req.Wait.Timeout = deploy.DefaultTimeout
	}
	if !req.NoWait {
		if err := p.CheckNativeWait(req.Wait.Timeout, req.CredentialsExpire, req.Wait.Until); err != nil {
			return err
		}
	}
	cluster, service := p.Target.ClusterName, p.Target.ServiceName
	if err := CheckServiceFree(ctx, api, cluster, service); err != nil {
		return err
	}
	restored, err := deploy.RestoreRevision(ctx, api, out.Served.TaskDefinition, out.Undone.Release(), req.ReleaseID, true)
	if err != nil {
		return err
	}
	out.TaskDefinitionArn = restored.ARN
	if out.DeploymentID, err = updateService(ctx, api, cluster, service, out.TaskDefinitionArn); err != nil {
		return err
	}
	out.Action = deploy.ActionRedeployed
	if req.NoWait {
		return nil
	}
	out.Waited = true
	if out.Result, err = deploy.WaitServiceRedeploy(ctx, api, out.DeploymentID, req.Wait); err != nil {
		return fmt.Errorf("rollback service deployment %s: %w", out.DeploymentID, err)
	}
	return nil
}
