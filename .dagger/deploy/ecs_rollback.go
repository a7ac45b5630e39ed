package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// RollbackService rolls back service deployment arn while it is still
// running: StopServiceDeployment ROLLBACK, then the rollback is followed
// like a release (same progress lines and timeout) until ECS reports
// ROLLBACK_SUCCESSFUL, which is success here. A deployment already rolling
// back is only followed; one that has finished, or is being stopped without
// rollback (STOP_REQUESTED, which ECS finishes whatever is asked on top),
// is refused with what to do instead.
func RollbackService(ctx context.Context, api ServiceDeploymentWatcher, arn string, opts Options) (Result, error) {
	if err := CheckServiceDeploymentARN(arn); err != nil {
		return Result{}, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	trk := &ecsTracker{api: api, arn: arn, now: opts.Clock.Now}
	r, err := trk.observe(ctx)
	if err != nil {
		return Result{}, err
	}
	switch {
	case r.Phase == PhaseRolledBack:
		return Result{Report: r}, fmt.Errorf("service deployment %s is already rolled back (%s)", arn, r.Status)
	case r.Finished():
		return Result{Report: r}, fmt.Errorf("service deployment %s has finished (%s): ECS rolls back only a deployment in progress; a finished release is undone by redeploying the one that served before it, which dagger call rollback does", arn, r.Status)
	case trk.stopping(r):
		// ECS goes on stopping it whatever a second stop asks for.
		return Result{Report: r}, fmt.Errorf("service deployment %s is being stopped without rollback (%s): ECS finishes that stop and ignores a ROLLBACK sent on top of it. Follow it with `dagger call status --deployment-id %s`; production stays where the stop leaves it, so check which revision serves before releasing again", arn, r.Status, arn)
	case !r.Rollback:
		if _, err := api.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{
			ServiceDeploymentArn: aws.String(arn), StopType: ecstypes.StopServiceDeploymentStopTypeRollback,
		}); err != nil {
			return Result{Report: r}, fmt.Errorf("stopping service deployment %s with rollback: %w", arn, err)
		}
		fmt.Fprintf(opts.Out, "%s StopServiceDeployment ROLLBACK sent for %s (it was %s)\n", elapsedStamp(0), arn, r.Status)
	}
	w := &waiter{id: arn, opts: opts, trk: trk, goal: PhaseRolledBack}
	res, err := w.run(ctx)
	res.Stopped = !r.Rollback
	return res, err
}
