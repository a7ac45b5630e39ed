package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// ServiceDeploymentWatcher reads ECS service deployments and stops one with
// rollback; it is what WaitService needs. *ecs.Client satisfies it.
type ServiceDeploymentWatcher interface {
	DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
	StopServiceDeployment(ctx context.Context, in *ecs.StopServiceDeploymentInput, optFns ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error)
}

var _ ServiceDeploymentWatcher = (*ecs.Client)(nil)

// errNoServiceDeployment: ECS does not know the service deployment.
var errNoServiceDeployment = errors.New("no such service deployment")

// WaitService is Wait for an ECS service deployment (the ECS controller's
// blue/green, linear or canary), identified by its ARN: the same schedule,
// progress lines, read budget and timeout rules. A timeout or cancellation
// stops it with StopServiceDeployment ROLLBACK, unless production traffic
// has fully moved (then the bake time is left to finish and WaitService
// returns nil with Result.LeftRunning) or it is already rolling back. A
// deployment ECS rolled back (an alarm, a failed hook, a PAUSE hook's
// timeout) is a failed release: ErrFailed.
func WaitService(ctx context.Context, api ServiceDeploymentWatcher, arn string, opts Options) (Result, error) {
	return waitService(ctx, api, arn, opts, false)
}

// WaitServiceRedeploy is WaitService for the deployment of a rollback's
// redeployment (a release put back by UpdateService): success is the same,
// but a timeout or cancellation never stops it with ROLLBACK, which would
// bring back the release being undone; it is left running and reported.
func WaitServiceRedeploy(ctx context.Context, api ServiceDeploymentWatcher, arn string, opts Options) (Result, error) {
	return waitService(ctx, api, arn, opts, true)
}

// waitService follows service deployment arn; redeploy says it is a
// rollback's redeployment, which is never stopped.
func waitService(ctx context.Context, api ServiceDeploymentWatcher, arn string, opts Options, redeploy bool) (Result, error) {
	if err := CheckServiceDeploymentARN(arn); err != nil {
		return Result{}, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	w := &waiter{id: arn, opts: opts, trk: &ecsTracker{api: api, arn: arn, now: opts.Clock.Now, verdicts: opts.Verdicts}, keep: redeploy}
	return w.run(ctx)
}

// CheckServiceDeploymentARN refuses what cannot be a service deployment ARN.
func CheckServiceDeploymentARN(arn string) error {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":service-deployment/") || strings.ContainsAny(arn, " \t\r\n") {
		return fmt.Errorf("service deployment %q is not a service deployment ARN; accepted: arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>", arn)
	}
	return nil
}

// ServiceStatus reads one service deployment.
func ServiceStatus(ctx context.Context, api ServiceDeploymentWatcher, arn string) (Report, error) {
	if err := CheckServiceDeploymentARN(arn); err != nil {
		return Report{}, err
	}
	return (&ecsTracker{api: api, arn: arn, now: time.Now}).observe(ctx)
}

// ecsTracker follows an ECS service deployment; now dates the time left
// on a holding hook. With verdicts, it also follows the deployment hook's
// verdicts (see hookVerdict).
type ecsTracker struct {
	api ServiceDeploymentWatcher
	arn string
	now func() time.Time

	verdicts HookVerdicts
	// verdict is the latest verdict read, readAt when it was read and
	// verdictErr why the last read failed.
	verdict    *HookVerdict
	readAt     time.Time
	verdictErr string
}

func (e *ecsTracker) observe(ctx context.Context) (Report, error) {
	out, err := e.api.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{e.arn}})
	if err != nil {
		return Report{ID: e.arn}, fmt.Errorf("reading service deployment %s: %w", e.arn, err)
	}
	for _, d := range out.ServiceDeployments {
		if aws.ToString(d.ServiceDeploymentArn) == e.arn {
			r := ServiceReportAt(d, e.now())
			e.hookVerdict(ctx, d, &r)
			return r, nil
		}
	}
	reasons := make([]string, 0, len(out.Failures))
	for _, f := range out.Failures {
		reasons = append(reasons, aws.ToString(f.Reason))
	}
	return Report{ID: e.arn}, fmt.Errorf("reading service deployment %s: %w (%s)", e.arn, errNoServiceDeployment, strings.Join(reasons, "; "))
}

func (e *ecsTracker) stop(ctx context.Context) (string, string, error) {
	_, err := e.api.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{
		ServiceDeploymentArn: aws.String(e.arn), StopType: ecstypes.StopServiceDeploymentStopTypeRollback,
	})
	if err != nil {
		return "", "", err
	}
	return "ROLLBACK requested", "", nil
}

func (e *ecsTracker) permanent(err error) bool {
	var missing *ecstypes.ServiceDeploymentNotFoundException
	var denied *ecstypes.AccessDeniedException
	return errors.Is(err, errNoServiceDeployment) || errors.As(err, &missing) || errors.As(err, &denied)
}

func (e *ecsTracker) failure(r Report) string {
	why := serviceFailure(r)
	if e.verdict != nil {
		why += "; " + verdictReason(*e.verdict)
	}
	return why
}

func (e *ecsTracker) service() string { return "ECS" }

// reached reads only r, the latest successful read. traffic-shifted is the
// core's shift rule (nothing holding the deployment may still undo it); a
// stage counts once the deployment reports it or a later one.
func (e *ecsTracker) reached(r Report, c ecsdeploy.Checkpoint) bool {
	switch {
	case r.Phase == PhaseSucceeded:
		return true
	case r.Status != string(ecstypes.ServiceDeploymentStatusInProgress):
		return false
	case c == ecsdeploy.TrafficShifted:
		return r.Shifted
	case c.IsDeployed():
		return false
	}
	stage, _ := c.Stage()
	at := slices.Index(ecsdeploy.Stages, ecstypes.ServiceDeploymentLifecycleStage(r.Stage))
	return at >= 0 && at >= slices.Index(ecsdeploy.Stages, stage)
}

// stopping: STOP_REQUESTED means someone asked ECS to stop the deployment
// (without rollback); it is on its way to STOPPED.
func (e *ecsTracker) stopping(r Report) bool {
	return r.Status == string(ecstypes.ServiceDeploymentStatusStopRequested)
}

func (e *ecsTracker) stopCall() string { return "StopServiceDeployment" }

func (e *ecsTracker) followHint() string { return "`dagger call status --deployment-id " + e.arn + "`" }

func (e *ecsTracker) stopHint() string {
	return "aws ecs stop-service-deployment --service-deployment-arn " + e.arn + " --stop-type ROLLBACK"
}

func (e *ecsTracker) shiftedNote(r Report, _ time.Time) string {
	if len(r.Holds) > 0 {
		// Only a hold that continues on its timeout leaves a report shifted.
		return "a hook holds the deployment and continues it when it times out; the bake time begins after that"
	}
	if r.Stage == string(ecstypes.ServiceDeploymentLifecycleStageCleanUp) {
		return "ECS is cleaning up the old revision"
	}
	return "the bake time runs before ECS cleans up the old revision"
}
