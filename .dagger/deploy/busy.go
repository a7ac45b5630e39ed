package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
)

// ErrGroupBusy: the deployment group already runs a deployment; CodeDeploy
// runs one at a time per group.
var ErrGroupBusy = errors.New("deployment group is busy")

// deploymentLister is the part of the CodeDeploy API that finds deployments
// in flight.
type deploymentLister interface {
	ListDeployments(ctx context.Context, in *codedeploy.ListDeploymentsInput, optFns ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentsOutput, error)
	GetDeployment(ctx context.Context, in *codedeploy.GetDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
}

// CheckGroupFree returns nil when no deployment of the group is in flight,
// and otherwise an ErrGroupBusy error naming the deployment, what it is and
// how to follow it. Call it before registering anything: a pipeline run and
// a release to the same group would otherwise leave a revision behind that
// CreateDeployment then refuses to deploy.
func CheckGroupFree(ctx context.Context, api deploymentLister, application, group string) error {
	if err := checkName("application", application); err != nil {
		return err
	}
	if err := checkName("deployment group", group); err != nil {
		return err
	}
	ids, err := listDeployments(ctx, api, &codedeploy.ListDeploymentsInput{
		ApplicationName: aws.String(application), DeploymentGroupName: aws.String(group), IncludeOnlyStatuses: activeStatuses,
	})
	if err != nil {
		return fmt.Errorf("checking that deployment group %q of application %q is free: %w", group, application, err)
	}
	if len(ids) == 0 {
		return nil
	}
	return busyError(ctx, api, application, group, ids[0], "nothing was registered or deployed")
}

// busyError describes deployment id, which occupies the group, as well as
// it can be read; outcome says what did not happen because of it.
func busyError(ctx context.Context, api deploymentLister, application, group, id, outcome string) error {
	what := ""
	if r, err := readDeployment(ctx, api, id); err == nil {
		what = fmt.Sprintf(" (%s", r.Status)
		if r.Creator != "" {
			what += ", created by " + r.Creator
		}
		if r.Description != "" {
			what += fmt.Sprintf(", %q", r.Description)
		}
		what += ")"
	}
	return fmt.Errorf("%w: deployment group %q of application %q is running deployment %s%s; %s — follow it with `dagger call status --deployment-id %s` (or stop it with `dagger call rollback --deployment-id %s`) and release again when it has ended",
		ErrGroupBusy, group, application, id, what, outcome, id, id)
}

// listDeployments pages through ListDeployments.
func listDeployments(ctx context.Context, api deploymentLister, in *codedeploy.ListDeploymentsInput) ([]string, error) {
	var ids []string
	for {
		out, err := api.ListDeployments(ctx, in)
		if err != nil {
			return nil, err
		}
		ids = append(ids, out.Deployments...)
		if aws.ToString(out.NextToken) == "" {
			return ids, nil
		}
		next := *in
		next.NextToken = out.NextToken
		in = &next
	}
}
