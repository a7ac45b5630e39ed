package main

import (
	"context"

	"dagger/ecs-bluegreen/cdkcmd"
	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/infragate"
	"dagger/ecs-bluegreen/internal/dagger"
)

// DeployInfra synthesizes the CDK app and deploys its stacks with
// CloudFormation, one at a time in dependency order, each through the
// change-set gate: its change set is prepared and read in full, every change
// is classified safe / needs care / refused (a replacement on the traffic
// path, a CODE_DEPLOY service's task definition, a deployment in progress,
// a listener-weight reset in ECS-native mode, a deleted repository), and it
// is executed (following the stack's events) unless refused and not allowed.
// Nested stacks' change sets are reviewed too; a new listener rule or
// listener on a live listener is allowed only when it forwards where the
// traffic goes now; the live state is read again right before the service
// stack's change set is prepared, and a run it moved under stops.
// The listeners keep the target groups they serve now (read from the
// deployed service stack), so no update moves production back to blue; a
// hook-mode service stack rolls back when its alarms fire during the update
// or the termination wait after it. Returns the review tables and the stack
// outputs (stack, key = value; sorted). Needs AWS credentials; the target
// account and region must be bootstrapped (pass --bootstrap once).
// +cache="never"
func (m *EcsBluegreen) DeployInfra(
	ctx context.Context,
	// The project directory (defaults to the repository holding this module).
	// +defaultPath="/"
	// +ignore=[".git", "dist", "**/cdk.out", "bin", "**/node_modules", ".cache", ".dagger/ecs-bluegreen"]
	source *dagger.Directory,
	// Stacks to deploy, by name (e.g. webapp-ecr,webapp-network), with the stacks they depend on; every stack when empty.
	// +optional
	stacks []string,
	// CDK context values as key=value, overriding infra/cdk.json (e.g. appName=shop).
	// +optional
	cdkContext []string,
	// Approve IAM and security-group changes (--require-approval never). The CDK runs without a
	// terminal here and cannot ask, so a deployment that adds or widens permissions (every first one)
	// fails without it: review them with diff first.
	// +optional
	approve bool,
	// Run cdk bootstrap for the app's account and region first. Idempotent; needed once per account and region.
	// +optional
	bootstrap bool,
	// How CloudFormation applies each stack: change-set (reviewed by the change-set gate first), or direct
	// (CreateStack/UpdateStack, for AWS emulators whose change sets lose stack outputs; nothing is reviewed).
	// +optional
	// +default="change-set"
	method string,
	// Refused changes to let through, after reading the review, each as CLASS:STACK/LOGICAL_ID (a nested
	// stack's resource: CLASS:STACK/NESTED_ID/LOGICAL_ID; deployment-in-progress:STACK), exactly as every
	// refusal prints them (e.g. remove-serving:shop-service/ProductionRule1A2B3C4D). A bare class is refused.
	// Classes: replace-service, replace-target-group, replace-listener, replace-listener-rule,
	// replace-load-balancer, replace-cluster, remove-serving, codedeploy-service-update, deployment-in-progress,
	// listener-weight-reset, delete-repository, takes-live-traffic, dynamic-serving, unreviewed-nested-stack.
	// +optional
	allow []string,
	// Review every stack's change set and delete it: nothing is changed. Never fails on a refusal; the review
	// says what an execution would meet.
	// +optional
	dryRun bool,
	// Result format: text (the review tables, then the stack outputs) or json (one document with every
	// stack's review, decision and outputs, for CI). A refusal still fails the call; its error is then the
	// same document, with "error" saying why.
	// +optional
	// +default="text"
	format string,
	// Image with Node.js and npm, for the CDK CLI and jsii.
	// +optional
	// +default="public.ecr.aws/docker/library/node:22-bookworm"
	nodeImage string,
	// Image whose Go toolchain (/usr/local/go) runs the CDK app; default: the builder image pinned in buildplan/goimage.go.
	// +optional
	goImage string,
) (string, error) {
	// Every input is validated before anything runs.
	deployMethod, err := cdkcmd.ParseDeployMethod(method)
	if err != nil {
		return "", err
	}
	allowed, err := changeset.ParseAllow(allow)
	if err != nil {
		return "", err
	}
	asJSON, err := infragate.ParseFormat(format)
	if err != nil {
		return "", err
	}
	if err := infragate.CheckDirect(deployMethod == cdkcmd.MethodDirect, dryRun, allow); err != nil {
		return "", err
	}
	if err := infragate.CheckBootstrap(dryRun, bootstrap); err != nil {
		return "", err
	}
	endpoints, err := m.awsEndpoints(ctx)
	if err != nil {
		return "", err
	}
	synth, live, err := m.synthWithAccount(ctx, source, cdkContext, stacks, "deploy-infra", endpoints.Container)
	if err != nil {
		return "", err
	}
	boot, err := cdkcmd.Build(cdkcmd.Options{
		Command: cdkcmd.Bootstrap, App: assemblyDir, Region: m.Region, Endpoint: endpoints.Container,
	})
	if err != nil {
		return "", err
	}

	ctr := withCommand(m.withAWS(m.cdkToolbox(source, nodeImage, goImage)), synth)
	if bootstrap {
		ctr = withCommand(ctr, boot)
	}
	if deployMethod == cdkcmd.MethodDirect {
		deploy, err := cdkcmd.Build(cdkcmd.Options{
			Command: cdkcmd.Deploy, Stacks: stacks, All: len(stacks) == 0, App: assemblyDir, ApproveAll: approve,
			OutputsFile: outputsFile, Method: deployMethod, Region: m.Region, Endpoint: endpoints.Container,
			RollbackAlarms: live.RollbackAlarms, MonitoringMinutes: live.MonitoringMinutes,
		})
		if err != nil {
			return "", err
		}
		out, err := withCommand(ctr, deploy).File(outputsFile).Contents(ctx)
		if err != nil {
			return "", err
		}
		text, err := cdkcmd.FormatOutputs([]byte(out))
		return infragate.DirectNote + text, err
	}
	res, err := m.gate(ctx, ctr, endpoints, gateArgs{
		function: "deploy-infra", stacks: stacks, approve: approve, allow: allowed, dryRun: dryRun, live: live,
		recheck: !dryRun,
	})
	if err != nil {
		// A refusal (or failure) carries the reviews, as JSON too: the
		// call fails, and CI still reads the document.
		return "", res.Failed(err, asJSON)
	}
	if asJSON {
		return res.JSON()
	}
	return res.Text(dryRun), nil
}
