package deploy

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// batchDeployments is BatchGetDeployments' maximum number of ids per call.
const batchDeployments = 25

// finishedStatuses are the statuses a group's history is read for.
var finishedStatuses = []cdtypes.DeploymentStatus{
	cdtypes.DeploymentStatusSucceeded,
	cdtypes.DeploymentStatusFailed,
	cdtypes.DeploymentStatusStopped,
}

// groupHistory returns the group's finished deployments, newest first
// (ListDeployments promises no order, so they are sorted by creation time).
func groupHistory(ctx context.Context, cd GroupReader, t Target) ([]Report, error) {
	ids, err := listDeployments(ctx, cd, &codedeploy.ListDeploymentsInput{
		ApplicationName:     aws.String(t.Application),
		DeploymentGroupName: aws.String(t.DeploymentGroup),
		IncludeOnlyStatuses: finishedStatuses,
	})
	if err != nil {
		return nil, fmt.Errorf("listing the deployments of application %q, deployment group %q: %w", t.Application, t.DeploymentGroup, err)
	}
	hist := make([]Report, 0, len(ids))
	for start := 0; start < len(ids); start += batchDeployments {
		chunk := ids[start:min(start+batchDeployments, len(ids))]
		out, err := cd.BatchGetDeployments(ctx, &codedeploy.BatchGetDeploymentsInput{DeploymentIds: chunk})
		if err != nil {
			return nil, fmt.Errorf("reading the deployments of application %q, deployment group %q: %w", t.Application, t.DeploymentGroup, err)
		}
		for i := range out.DeploymentsInfo {
			hist = append(hist, reportFrom(&out.DeploymentsInfo[i]))
		}
	}
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].Created.After(hist[j].Created) })
	return hist, nil
}
