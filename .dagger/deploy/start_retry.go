package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
)

// The SDK retries a failed call up to its attempt limit. For the two calls
// that are not idempotent (CreateDeployment, RegisterTaskDefinition) a retry
// after a lost answer creates a second deployment or revision, or is refused
// because the first deployment is active. So these calls go out without the
// SDK's retries; after a failure the module looks for what it created, by its
// release id, and only retries when nothing is found.
const (
	// maxMutationAttempts bounds the attempts of a non-idempotent call.
	maxMutationAttempts = 4
	// mutationBackoff is the first pause after a failed attempt, before
	// looking for what it created; it doubles.
	mutationBackoff = 500 * time.Millisecond
	// recentWindow is how far back a lost deployment is looked for (generous
	// against clock skew between this machine and AWS).
	recentWindow = 15 * time.Minute
)

func codeDeployOnce(o *codedeploy.Options) { o.Retryer = retry.AddWithMaxAttempts(o.Retryer, 1) }
func ecsOnce(o *ecs.Options)               { o.Retryer = retry.AddWithMaxAttempts(o.Retryer, 1) }

// retryable reports errors worth another attempt: throttling, 5xx, reset
// connections — the SDK's own judgement.
func retryable(err error) bool { return retry.NewStandard().IsErrorRetryable(err) }

// refused reports an answer that proves nothing was created: the service
// processed the request and turned it down for the caller's fault
// (validation, a missing group, access). DeploymentLimitExceeded is not such
// proof: after a lost answer it is what the next attempt gets for the
// deployment the first one created.
func refused(err error) bool {
	var apiErr smithy.APIError
	var limit *types.DeploymentLimitExceededException
	return errors.As(err, &apiErr) && apiErr.ErrorFault() == smithy.FaultClient && !errors.As(err, &limit) && !retryable(err)
}

// pause waits before attempt n+1, or returns the context's error.
func pause(ctx context.Context, attempt int) error {
	return SystemClock.Sleep(ctx, mutationBackoff<<(attempt-1))
}

// createDeployment sends in once per attempt, and after each failure looks
// for a deployment of the group carrying releaseID: a call that failed after
// CodeDeploy created the deployment must end with that deployment followed,
// not with an error while it runs on unwatched.
func createDeployment(ctx context.Context, api DeploymentCreator, in *codedeploy.CreateDeploymentInput, releaseID string) (string, error) {
	since := time.Now().Add(-recentWindow)
	for attempt := 1; ; attempt++ {
		out, err := api.CreateDeployment(ctx, in, codeDeployOnce)
		if err == nil {
			return aws.ToString(out.DeploymentId), nil
		}
		if refused(err) {
			return "", err
		}
		// A moment for a deployment created just now to be listed.
		if perr := pause(ctx, attempt); perr != nil {
			return "", err
		}
		id, ferr := findOwnDeployment(ctx, api, aws.ToString(in.ApplicationName), aws.ToString(in.DeploymentGroupName), releaseID, since)
		switch {
		case id != "":
			return id, nil
		case ferr != nil:
			return "", fmt.Errorf("%w; whether CodeDeploy created the deployment anyway is unknown (looking for release %s failed: %v) — check with aws deploy list-deployments --application-name %s --deployment-group-name %s",
				err, releaseID, ferr, aws.ToString(in.ApplicationName), aws.ToString(in.DeploymentGroupName))
		}
		var limit *types.DeploymentLimitExceededException
		if errors.As(err, &limit) {
			if ids, lerr := listDeployments(ctx, api, &codedeploy.ListDeploymentsInput{
				ApplicationName: in.ApplicationName, DeploymentGroupName: in.DeploymentGroupName, IncludeOnlyStatuses: activeStatuses,
			}); lerr == nil && len(ids) > 0 {
				return "", fmt.Errorf("%w (%v)", busyError(ctx, api, aws.ToString(in.ApplicationName), aws.ToString(in.DeploymentGroupName), ids[0], "no deployment was created"), err)
			}
		}
		if !retryable(err) || attempt >= maxMutationAttempts {
			return "", err
		}
	}
}

// findOwnDeployment returns the deployment of the group created since since
// whose description carries releaseID, or "".
func findOwnDeployment(ctx context.Context, api DeploymentCreator, application, group, releaseID string, since time.Time) (string, error) {
	ids, err := listDeployments(ctx, api, &codedeploy.ListDeploymentsInput{
		ApplicationName:     aws.String(application),
		DeploymentGroupName: aws.String(group),
		CreateTimeRange:     &types.TimeRange{Start: aws.Time(since)},
	})
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		r, err := readDeployment(ctx, api, id)
		if err != nil {
			return "", err
		}
		if r.ReleaseID() == releaseID {
			return id, nil
		}
	}
	return "", nil
}
