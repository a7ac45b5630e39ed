package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
)

// CurrentDeployment is the deployment of the group a status without an id
// reports: the one in flight (the newest, should there be several), else
// the group's last attempted deployment, as GetDeploymentGroup records it.
func CurrentDeployment(ctx context.Context, api GroupReader, application, group string) (string, error) {
	if err := checkName("application", application); err != nil {
		return "", err
	}
	if err := checkName("deployment group", group); err != nil {
		return "", err
	}
	ids, err := listDeployments(ctx, api, &codedeploy.ListDeploymentsInput{
		ApplicationName: aws.String(application), DeploymentGroupName: aws.String(group), IncludeOnlyStatuses: activeStatuses,
	})
	if err != nil {
		return "", fmt.Errorf("listing the deployments in flight of deployment group %q (application %q): %w", group, application, err)
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	if len(ids) > 1 {
		out, err := api.BatchGetDeployments(ctx, &codedeploy.BatchGetDeploymentsInput{DeploymentIds: ids[:min(len(ids), batchDeployments)]})
		if err != nil {
			return "", fmt.Errorf("reading the deployments in flight of deployment group %q (application %q): %w", group, application, err)
		}
		newest := Report{}
		for i := range out.DeploymentsInfo {
			if r := reportFrom(&out.DeploymentsInfo[i]); newest.ID == "" || r.Created.After(newest.Created) {
				newest = r
			}
		}
		if newest.ID != "" {
			return newest.ID, nil
		}
	}
	g, err := api.GetDeploymentGroup(ctx, &codedeploy.GetDeploymentGroupInput{ApplicationName: aws.String(application), DeploymentGroupName: aws.String(group)})
	if err != nil {
		return "", fmt.Errorf("reading deployment group %q of application %q: %w", group, application, err)
	}
	if info := g.DeploymentGroupInfo; info != nil && info.LastAttemptedDeployment != nil && aws.ToString(info.LastAttemptedDeployment.DeploymentId) != "" {
		return aws.ToString(info.LastAttemptedDeployment.DeploymentId), nil
	}
	return "", fmt.Errorf("deployment group %q of application %q has no deployment yet: release first, or pass --deployment-id", group, application)
}
