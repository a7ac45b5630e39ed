package deploy

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A hook that failed after production moved is no finished shift: ECS rolls
// the deployment back, so neither a timeout nor --wait-until may take it
// for one.
func TestAFailedHookIsNoFinishedShift(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	d := ecstypes.ServiceDeployment{
		ServiceDeploymentArn: aws.String("arn:aws:ecs:us-east-1:123456789012:service-deployment/web/webapp/AbCdEf0123456789"),
		Status:               ecstypes.ServiceDeploymentStatusInProgress,
		LifecycleStage:       ecstypes.ServiceDeploymentLifecycleStagePostProductionTrafficShift,
		UpdatedAt:            aws.Time(now.Add(-time.Minute)),
		TargetServiceRevision: &ecstypes.ServiceRevisionSummary{
			RequestedProductionTrafficWeight: aws.Float64(100), RequestedTestTrafficWeight: aws.Float64(100),
		},
	}
	if r := ServiceReportAt(d, now); !r.Shifted {
		t.Fatalf("without a hook the deployment should count as shifted: %+v", r.Core)
	}
	d.LifecycleHookDetails = []ecstypes.DeploymentLifecycleHookDetail{{
		HookId: aws.String("b7c1e0de-0000-4000-8000-000000000002"), Status: ecstypes.DeploymentLifecycleHookStatusFailed,
	}}
	r := ServiceReportAt(d, now)
	if r.Shifted {
		t.Errorf("a failed hook: shifted, want not (ECS rolls back)")
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "failed: ECS rolls the deployment back") {
		t.Errorf("notes %q do not say the hook failed", r.Notes)
	}
}
