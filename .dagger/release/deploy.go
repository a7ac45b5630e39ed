package release

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
)

// Outcome is what a direct deployment did.
type Outcome struct {
	// Bundle holds the files for the registered revision (codedeploy mode).
	Bundle *bundle.Bundle
	// Files are the release's files by name: the bundle's in codedeploy
	// mode, taskdef.json as registered in ecs mode.
	Files map[string][]byte
	// TaskDefinitionArn is the revision registered for the image.
	TaskDefinitionArn string
	// DeploymentID is the CodeDeploy deployment id, or the service
	// deployment ARN in ecs mode.
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
	// DiffOut receives, before anything is registered, how the release's
	// task definition differs from the one that runs now (Plan.Diff); nil:
	// not printed.
	DiffOut io.Writer
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
	if err := deploy.CheckCodeDeployCheckpoint(req.Wait.Until); err != nil {
		return out, err
	}
	_, regIn, err := p.prepare(&req)
	if err != nil {
		return out, err
	}
	if !req.NoWait {
		if err := CheckWait(ctx, cd, p.Target.CodeDeployApplication, p.Target.DeploymentGroup, req.Wait.Timeout, req.CredentialsExpire, req.Wait.Until); err != nil {
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
	out.Bundle, out.Files = b, b.Files()
	spec := b.AppSpecContent()
	id, err := deploy.StartRegistered(ctx, cd, ecsAPI, deploy.Request{
		Application:     p.Target.CodeDeployApplication,
		DeploymentGroup: p.Target.DeploymentGroup,
		AppSpecContent:  spec.Content,
		AppSpecSHA256:   spec.Sha256,
		Description:     req.Description,
		ReleaseID:       req.ReleaseID,
	}, arn)
	if err != nil {
		return out, err
	}
	out.DeploymentID = id
	// follow fills in out, so it runs before out is returned.
	err = out.follow(req, "deployment", func(opts deploy.Options) (deploy.Result, error) {
		return deploy.Wait(ctx, cd, id, opts)
	})
	return out, err
}

// follow waits for the deployment out names (unless NoWait) and records
// what the waiter saw; what names the kind of deployment in the error.
func (out *Outcome) follow(req DeployRequest, what string, wait func(deploy.Options) (deploy.Result, error)) error {
	if req.NoWait {
		return nil
	}
	out.Waited = true
	if req.Wait.Timeout == 0 {
		req.Wait.Timeout = deploy.DefaultTimeout
	}
	var err error
	if out.Result, err = wait(req.Wait); err != nil {
		return fmt.Errorf("%s %s of %s: %w", what, out.DeploymentID, req.ImageURI, err)
	}
	return nil
}

// CheckWaitFits refuses a wait this plan's mode cannot carry out: in
// codedeploy mode a checkpoint CodeDeploy has no counterpart for, or a
// timeout shorter than the group's schedule; in ecs mode a timeout shorter
// than the service's bakes; in both a timeout the credentials do not
// outlive. The release checks it before the build, as Deploy and
// DeployNative do again before registering anything.
func (p *Plan) CheckWaitFits(ctx context.Context, cd deploy.GroupReader, w deploy.Options, expiry time.Time) error {
	if p.Native() {
		return p.CheckNativeWait(w.Timeout, expiry, w.Until)
	}
	if err := deploy.CheckCodeDeployCheckpoint(w.Until); err != nil {
		return err
	}
	return CheckWait(ctx, cd, p.Target.CodeDeployApplication, p.Target.DeploymentGroup, w.Timeout, expiry, w.Until)
}

// CheckWait refuses a wait that cannot work: a timeout shorter than the
// group's own schedule (traffic routing, waits) up to until, the checkpoint
// waited for (deploy.Schedule.Needed), or one that outlives the credentials
// (zero expiry: unknown). timeout 0 means deploy.DefaultTimeout.
func CheckWait(ctx context.Context, cd deploy.GroupReader, application, group string, timeout time.Duration, expiry time.Time, until ecsdeploy.Checkpoint) error {
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
	return deploy.CheckTimeout(timeout, sched, application, group, until)
}

// prepare checks a deploy request, fills in its defaults (a new release id)
// and renders the task definition to register, derived from the template
// of record and validated: taskdef.json and its RegisterTaskDefinition
// input. It prints to req.DiffOut how that revision differs from what runs
// now.
func (p *Plan) prepare(req *DeployRequest) ([]byte, *ecs.RegisterTaskDefinitionInput, error) {
	if req.Options.Mode != bundle.ModeDirect {
		return nil, nil, fmt.Errorf("deploy needs mode %q, got %q", bundle.ModeDirect, req.Options.Mode)
	}
	if req.ReleaseID == "" {
		req.ReleaseID = deploy.NewReleaseID(time.Now())
	}
	taskdef, err := bundle.RenderTaskDefinition(p.input(req.Options, req.ImageURI, ""))
	if err != nil {
		return nil, nil, err
	}
	regIn, err := bundle.RegisterInput(taskdef)
	if err != nil {
		return nil, nil, err
	}
	diff, err := p.Diff(req.Options, req.ImageURI)
	if err != nil {
		return nil, nil, err
	}
	if req.DiffOut != nil {
		fmt.Fprint(req.DiffOut, diff)
	}
	return taskdef, regIn, nil
}
