package release

import (
	"context"
	"fmt"
	"time"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
)

// Outcome is what a direct deployment did.
type Outcome struct {
	// Bundle holds the files for the registered revision.
	Bundle *bundle.Bundle
	// TaskDefinitionArn is the revision registered for the image.
	TaskDefinitionArn string
	// DeploymentID is the CodeDeploy deployment.
	DeploymentID string
	// Waited is false with NoWait.
	Waited bool
	// Result is what the waiter saw (when Waited).
	Result deploy.Result
}

// DeployRequest is a direct blue/green deployment of one image.
type DeployRequest struct {
	// Options are the release options (Mode must be bundle.ModeDirect).
	Options Options
	// ImageURI is the pushed image, pinned by digest.
	ImageURI string
	// Description is shown in the CodeDeploy console.
	Description string
	// NoWait returns as soon as the deployment is created.
	NoWait bool
	// Wait tunes the waiter (progress output, timeout).
	Wait deploy.Options
	// ReleaseID marks the revision and the deployment (deploy.NewReleaseID);
	// empty means a new one.
	ReleaseID string
	// CredentialsExpire is when the AWS credentials stop working; zero means
	// unknown. A wait that would outlive them is refused.
	CredentialsExpire time.Time
}

// Deploy registers the task definition for the image, starts the CodeDeploy
// deployment with the appspec inline, and (unless NoWait) follows it to the
// end. A failed or timed-out deployment returns an error after CodeDeploy (or
// the waiter) rolled it back; Outcome says how far it got.
//
// Before anything is registered it checks that the wait fits (the timeout
// covers the group's schedule and ends before the credentials expire) and
// that the group is not busy with another deployment.
func (p *Plan) Deploy(ctx context.Context, ecsAPI deploy.TaskDefinitionRegistrar, cd deploy.CodeDeployAPI, req DeployRequest) (Outcome, error) {
	var out Outcome
	if req.Options.Mode != bundle.ModeDirect {
		return out, fmt.Errorf("deploy needs mode %q, got %q", bundle.ModeDirect, req.Options.Mode)
	}
	if req.ReleaseID == "" {
		req.ReleaseID = deploy.NewReleaseID(time.Now())
	}
	taskdef, err := bundle.RenderTaskDefinition(p.input(req.Options, req.ImageURI, ""))
	if err != nil {
		return out, err
	}
	regIn, err := bundle.RegisterInput(taskdef)
	if err != nil {
		return out, err
	}
	if !req.NoWait {
		if err := CheckWait(ctx, cd, p.Target.CodeDeployApplication, p.Target.DeploymentGroup, req.Wait.Timeout, req.CredentialsExpire); err != nil {
			return out, err
		}
	}
	if err := deploy.CheckGroupFree(ctx, cd, p.Target.CodeDeployApplication, p.Target.DeploymentGroup); err != nil {
		return out, err
	}
	arn, err := deploy.RegisterRelease(ctx, ecsAPI, regIn, req.ReleaseID)
	if err != nil {
		return out, err
	}
	out.TaskDefinitionArn = arn
	b, err := p.Render(req.Options, req.ImageURI, arn)
	if err != nil {
		return out, err
	}
	out.Bundle = b
	spec := b.AppSpecContent()
	id, err := deploy.Start(ctx, cd, deploy.Request{
		Application:     p.Target.CodeDeployApplication,
		DeploymentGroup: p.Target.DeploymentGroup,
		AppSpecContent:  spec.Content,
		AppSpecSHA256:   spec.Sha256,
		Description:     req.Description,
		ReleaseID:       req.ReleaseID,
	})
	if err != nil {
		return out, err
	}
	out.DeploymentID = id
	if req.NoWait {
		return out, nil
	}
	out.Waited = true
	if req.Wait.Timeout == 0 {
		req.Wait.Timeout = deploy.DefaultTimeout
	}
	out.Result, err = deploy.Wait(ctx, cd, id, req.Wait)
	if err != nil {
		return out, fmt.Errorf("deployment %s of %s: %w", id, req.ImageURI, err)
	}
	return out, nil
}

// CheckWait refuses a wait that cannot work: a timeout shorter than the
// group's own schedule (traffic routing, waits), or one that outlives the
// credentials (zero expiry: unknown). timeout 0 means deploy.DefaultTimeout.
func CheckWait(ctx context.Context, cd deploy.GroupReader, application, group string, timeout time.Duration, expiry time.Time) error {
	if timeout == 0 {
		timeout = deploy.DefaultTimeout
	}
	if err := deploy.CheckCredentials(time.Now(), timeout, expiry); err != nil {
		return err
	}
	sched, err := deploy.GroupSchedule(ctx, cd, application, group)
	if err != nil {
		return err
	}
	return deploy.CheckTimeout(timeout, sched, application, group)
}
