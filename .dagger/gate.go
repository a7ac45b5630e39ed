package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"dagger/ecs-bluegreen/cdkcmd"
	"dagger/ecs-bluegreen/changeset"
	"dagger/ecs-bluegreen/infragate"
	"dagger/ecs-bluegreen/internal/dagger"
	"dagger/ecs-bluegreen/livestate"
	"dagger/ecs-bluegreen/standin"
)

// gateArgs are the options of one pass through the change-set gate.
type gateArgs struct {
	function string
	stacks   []string
	approve  bool
	allow    []changeset.Allowance
	dryRun   bool
	// live holds the rollback triggers of the service stack and the live
	// state the synth saw (livestate).
	live livestate.Run
	// recheck re-reads the live state before the service stack's change
	// set is prepared (deploy-infra; a dry run changes nothing).
	recheck bool
}

// gate puts the synthesized stacks through the change-set gate one at a
// time, in dependency order: the CDK CLI prepares a stack's change set in
// ctr (which holds the cloud assembly), and infragate reviews it, then
// executes it (following the stack's events) or deletes it.
func (m *EcsBluegreen) gate(ctx context.Context, ctr *dagger.Container, endpoints standin.Endpoints, a gateArgs) (infragate.Result, error) {
	manifest, err := ctr.File(assemblyDir + "/manifest.json").Contents(ctx)
	if err != nil {
		return infragate.Result{}, err
	}
	order, err := cdkcmd.StackOrder([]byte(manifest), a.stacks)
	if err != nil {
		return infragate.Result{}, err
	}
	cfg, err := m.awsConfig(ctx, a.function)
	if err != nil {
		return infragate.Result{}, err
	}
	name := infragate.ChangeSetName(time.Now())
	prepare := func(ctx context.Context, s cdkcmd.Stack) error {
		opts := cdkcmd.Options{
			Command: cdkcmd.Deploy, Stacks: []string{s.ID}, Exclusively: true, App: assemblyDir, ApproveAll: a.approve,
			Method: cdkcmd.MethodPrepare, ChangeSetName: name, Region: m.Region, Endpoint: endpoints.Container,
		}
		if s.ID == a.live.RollbackStack {
			// The change set carries the rollback triggers; executing it
			// sets them on the stack for later updates too.
			opts.RollbackAlarms, opts.MonitoringMinutes = a.live.RollbackAlarms, a.live.MonitoringMinutes
		}
		cmd, err := cdkcmd.Build(opts)
		if err != nil {
			return err
		}
		_, err = withCommand(ctr, cmd).Sync(ctx)
		return err
	}
	clients := infragate.Clients{
		CloudFormation: cloudformation.NewFromConfig(cfg), CodeDeploy: codedeploy.NewFromConfig(cfg), ECS: ecs.NewFromConfig(cfg),
		ELB: elasticloadbalancingv2.NewFromConfig(cfg),
	}
	where := infragate.Location{Region: cfg.Region}
	// The account only sharpens the messages and the environment check;
	// without it the region check still runs.
	if id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
		where.Account = aws.ToString(id.Account)
	}
	plan := infragate.Plan{
		Stacks: order, ChangeSet: name,
		Options: infragate.Options{Allow: a.allow, DryRun: a.dryRun, Where: where, Out: os.Stderr, Progress: os.Stderr},
	}
	if a.recheck {
		plan.Recheck = infragate.RecheckLive(a.live.ServiceStack, a.live.Live, func(ctx context.Context) (map[string]string, error) {
			now, err := livestate.Read(ctx, cfg, a.live.ServiceStack)
			return now.Context(), err
		})
	}
	return infragate.Sequence(ctx, clients, plan, prepare)
}
