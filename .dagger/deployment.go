package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"dagger/ecs-bluegreen/awsenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	bluegreen "dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
	"dagger/ecs-bluegreen/release"
)

// Status reports a deployment: its state, stage, traffic shifted, lifecycle
// events or hooks with their times, and any error or rollback. It takes a
// CodeDeploy deployment id or an ECS service deployment ARN; without either
// it reports the current deployment: in codedeploy mode the group's
// deployment in flight, else its latest; in ecs mode the service's current
// service deployment; in hook mode the deployment the stack's blue/green
// hook started last.
// +cache="never"
func (m *EcsBluegreen) Status(
	ctx context.Context,
	// CodeDeploy deployment id (e.g. d-ABCDEF123) or, in ecs mode, a service deployment ARN
	// (arn:aws:ecs:<region>:<account>:service-deployment/…). Default: the current deployment of the stack's
	// service (in flight, else the latest).
	// +optional
	deploymentID string,
	// Service stack whose outputs name the service (used when no deployment is given).
	// +optional
	// +default="webapp-service"
	stack string,
) (string, error) {
	cfg, err := m.awsConfig(ctx, "status")
	if err != nil {
		return "", err
	}
	cd := codedeploy.NewFromConfig(cfg)
	if deploymentID == "" && isHookStack(ctx, cfg, stack) {
		// CloudFormation's blue/green hook runs the deployment.
		id, err := bluegreen.HookDeployment(ctx, cloudformation.NewFromConfig(cfg), stack)
		if err != nil {
			return "", err
		}
		r, err := bluegreen.Status(ctx, cd, id)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("stack %s deploys in hook mode; its blue/green hook started deployment %s\n", stack, id) + r.String(), nil
	}
	ref, err := release.ResolveStatus(ctx, deploymentID, loader(cfg, stack), cd)
	if err != nil {
		return "", err
	}
	var r bluegreen.Report
	if ref.Native {
		r, err = bluegreen.ServiceStatus(ctx, ecs.NewFromConfig(cfg), ref.ID)
	} else {
		r, err = bluegreen.Status(ctx, cd, ref.ID)
	}
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

// Continue acts on the PAUSE lifecycle hooks holding an ECS service
// deployment (ecs mode): every hook awaiting action is continued, or with
// --rollback the deployment is rolled back. By default it acts on the
// service's current service deployment.
// +cache="never"
func (m *EcsBluegreen) Continue(
	ctx context.Context,
	// Service deployment ARN; default: the service's current one.
	// +optional
	deployment string,
	// Roll the deployment back instead of continuing it.
	// +optional
	rollback bool,
	// Service stack whose outputs name the service.
	// +optional
	// +default="webapp-service"
	stack string,
) (string, error) {
	if deployment != "" {
		if err := bluegreen.CheckServiceDeploymentARN(deployment); err != nil {
			return "", err
		}
	}
	cfg, err := m.awsConfig(ctx, "continue")
	if err != nil {
		return "", err
	}
	ref, err := release.ResolveDeployment(ctx, deployment, loader(cfg, stack))
	if err != nil {
		return "", err
	}
	return bluegreen.ContinueService(ctx, ecs.NewFromConfig(cfg), ref.ID, rollback)
}

// Rollback undoes a release: a deployment in progress is stopped with
// rollback (CodeDeploy shifts traffic back to the original task set) and its
// rollback followed to the end, unless it is itself a rollback; otherwise the
// release that served before the current one (per the deployment group's
// history, including releases a pipeline deployed from S3) is redeployed
// blue/green with the appspec settings it ran with, and followed to the end;
// a deregistered revision is registered again as a marked copy first. A
// rollback redeployment is never stopped with rollback, not even on timeout.
// In ecs mode a service deployment in progress (the current one by default)
// is stopped with ROLLBACK and followed until ECS has moved production back;
// once it has succeeded, the task definition of the last successful service
// deployment before it is registered again (marked as a rollback) and the
// service updated to it, the same way. In hook mode a release is a stack
// update, and so is its rollback: nothing is changed, and the deploy-infra
// line that restores the previous image is printed.
// +cache="never"
func (m *EcsBluegreen) Rollback(
	ctx context.Context,
	// Service stack whose outputs name the CodeDeploy group, cluster and service.
	// +optional
	// +default="webapp-service"
	stack string,
	// Deployment to undo; by default any in-progress deployment of the group, else the latest release.
	// In ecs mode a service deployment ARN; by default the service's current one.
	// +optional
	deploymentID string,
	// Return as soon as the redeployment is created or the deployment in flight is stopped, instead of
	// following the rollback to its end.
	// +optional
	noWait bool,
	// How long to follow a redeployment (e.g. 30m); it must cover the group's schedule. A redeployment
	// still running then is left to finish, never stopped with rollback.
	// +optional
	// +default="60m"
	timeout string,
	// When the AWS credentials expire, as an RFC 3339 time (e.g. "$AWS_CREDENTIAL_EXPIRATION");
	// a --timeout that would outlive them is refused before anything is redeployed.
	// +optional
	credentialsExpireAt string,
) (string, error) {
	wait, err := bluegreen.ParseTimeout(timeout)
	if err != nil {
		return "", err
	}
	expiry, err := bluegreen.ParseExpiry(credentialsExpireAt)
	if err != nil {
		return "", err
	}
	cfg, err := m.awsConfig(ctx, "rollback")
	if err != nil {
		return "", err
	}
	ecsClient := ecs.NewFromConfig(cfg)
	if isHookStack(ctx, cfg, stack) {
		// A release there is a stack update, and so is its rollback.
		cfn := cloudformation.NewFromConfig(cfg)
		id := deploymentID
		if id == "" {
			if id, err = bluegreen.HookDeployment(ctx, cfn, stack); err != nil {
				return "", err
			}
		}
		how, err := bluegreen.HookRollback(ctx, codedeploy.NewFromConfig(cfg), ecsClient, stack, id, awsenv.S3(cfg))
		if err != nil {
			return "", err
		}
		return "", errors.New(how + "Nothing was rolled back by this call.")
	}
	plan, err := release.Load(ctx, cfg, ecsClient, stack)
	if err != nil {
		return "", err
	}
	if plan.Native() {
		res, err := plan.RollbackNative(ctx, ecsClient, release.RollbackRequest{
			DeploymentID: deploymentID, NoWait: noWait, CredentialsExpire: expiry,
			Wait: bluegreen.Options{Timeout: wait, Out: os.Stderr},
		})
		return res.String(), err
	}
	cd := codedeploy.NewFromConfig(cfg)
	t := plan.Target
	// Releases a pipeline deployed carry their AppSpec in the artifact bucket.
	opts := []bluegreen.RollbackOption{bluegreen.WithAppSpecReader(awsenv.S3(cfg))}
	if !noWait {
		opts = append(opts, bluegreen.BeforeRedeploy(func(ctx context.Context) error {
			return release.CheckWait(ctx, cd, t.CodeDeployApplication, t.DeploymentGroup, wait, expiry, ecsdeploy.Deployed)
		}))
	}
	res, err := bluegreen.Rollback(ctx, cd, ecsClient,
		bluegreen.Target{Application: t.CodeDeployApplication, DeploymentGroup: t.DeploymentGroup, Cluster: t.ClusterName, Service: t.ServiceName},
		deploymentID, plan.AppSpecFor(release.Options{}), opts...)
	if err != nil {
		return "", err
	}
	if noWait {
		return res.String(), nil
	}
	if res.Action == bluegreen.ActionStopped {
		// Follow each stopped deployment's rollback to its end.
		for _, s := range res.Stopped {
			if _, err := bluegreen.FollowStopped(ctx, cd, s.ID, bluegreen.Options{Timeout: wait, Out: os.Stderr}); err != nil {
				return res.String(), fmt.Errorf("rollback of deployment %s: %w", s.ID, err)
			}
		}
		return res.String() + "\nrollback finished: production is on the previous release\n", nil
	}
	if _, err := bluegreen.Wait(ctx, cd, res.DeploymentID, bluegreen.Options{Timeout: wait, Out: os.Stderr}); err != nil {
		return res.String(), fmt.Errorf("rollback deployment %s: %w", res.DeploymentID, err)
	}
	return res.String() + "\nrollback deployment succeeded\n", nil
}

// loader reads the stack and its service when a verb needs them.
func loader(cfg aws.Config, stack string) func(context.Context) (*release.Plan, error) {
	return func(ctx context.Context) (*release.Plan, error) {
		return release.Load(ctx, cfg, ecs.NewFromConfig(cfg), stack)
	}
}

// isHookStack reports whether stack deploys in hook mode. When its template
// cannot be read it is taken as not (the ordinary path then reports what is
// wrong with the stack).
func isHookStack(ctx context.Context, cfg aws.Config, stack string) bool {
	hook, err := bluegreen.IsHookStack(ctx, cloudformation.NewFromConfig(cfg), stack)
	return err == nil && hook
}
