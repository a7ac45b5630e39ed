package lifecyclehook

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"dagger/ecs-bluegreen/analysis"
)

// HookStatusWriter is the one CodeDeploy call the hook makes.
type HookStatusWriter interface {
	PutLifecycleEventHookExecutionStatus(ctx context.Context, in *codedeploy.PutLifecycleEventHookExecutionStatusInput, opts ...func(*codedeploy.Options)) (*codedeploy.PutLifecycleEventHookExecutionStatusOutput, error)
}

var _ HookStatusWriter = (*codedeploy.Client)(nil)

// HandleCodeDeploy runs the smoke check for a CodeDeploy lifecycle event
// (AfterAllowTestTraffic: the test listener serves the replacement task set)
// and reports Succeeded or Failed to CodeDeploy, which rolls back on Failed.
// It returns the status reported; an error means CodeDeploy was not told,
// and the hook times out into a rollback.
func (h *Handler) HandleCodeDeploy(ctx context.Context, e CodeDeployEvent) (string, error) {
	if e.DeploymentID == "" || e.LifecycleEventHookExecutionID == "" {
		return "", fmt.Errorf("CodeDeploy hook payload: DeploymentId %q and LifecycleEventHookExecutionId %q must both be set", e.DeploymentID, e.LifecycleEventHookExecutionID)
	}
	rec := Record{Time: h.now(), Level: "info", Mode: "codedeploy", Check: "smoke", Deployment: e.DeploymentID}
	v, err := h.smoke(ctx)
	if err != nil {
		return "", err
	}
	status := cdtypes.LifecycleEventStatusSucceeded
	if v.Outcome != analysis.Pass {
		status, rec.Level = cdtypes.LifecycleEventStatusFailed, "warn"
	}
	rec.Smoke, rec.Verdict, rec.Msg, rec.HookStatus = &v, string(v.Outcome), v.Sentence(), string(status)
	if h.CodeDeploy == nil {
		return "", fmt.Errorf("no CodeDeploy client configured to report %s for deployment %s", status, e.DeploymentID)
	}
	_, err = h.CodeDeploy.PutLifecycleEventHookExecutionStatus(ctx, &codedeploy.PutLifecycleEventHookExecutionStatusInput{
		DeploymentId:                  aws.String(e.DeploymentID),
		LifecycleEventHookExecutionId: aws.String(e.LifecycleEventHookExecutionID),
		Status:                        status,
	})
	if err != nil {
		rec.Level, rec.Error = "error", err.Error()
		h.logger().write(rec)
		return "", fmt.Errorf("codedeploy PutLifecycleEventHookExecutionStatus %s for deployment %s: %w", status, e.DeploymentID, err)
	}
	h.logger().write(rec)
	return string(status), nil
}
