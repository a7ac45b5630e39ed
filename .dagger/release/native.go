package release

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/ecsdeploy"
)

// ServiceDeployer is every ECS call a native release makes; *ecs.Client
// satisfies it.
type ServiceDeployer interface {
	deploy.TaskDefinitionRegistrar
	deploy.ServiceDeploymentWatcher
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, optFns ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
	ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
}

var _ ServiceDeployer = (*ecs.Client)(nil)

// activeStatuses are the service deployment statuses of one that has not
// settled: a new release must wait for it.
var activeStatuses = []ecstypes.ServiceDeploymentStatus{
	ecstypes.ServiceDeploymentStatusPending, ecstypes.ServiceDeploymentStatusInProgress,
	ecstypes.ServiceDeploymentStatusStopRequested, ecstypes.ServiceDeploymentStatusRollbackRequested,
	ecstypes.ServiceDeploymentStatusRollbackInProgress,
}

// CheckServiceFree refuses a release while a service deployment of the
// service has not settled, and names it: a new UpdateService would replace
// it half-way.
func CheckServiceFree(ctx context.Context, api ServiceDeployer, cluster, service string) error {
	out, err := api.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{
		Cluster: aws.String(cluster), Service: aws.String(service), Status: activeStatuses,
	})
	if err != nil {
		return fmt.Errorf("listing the deployments of service %s in cluster %s: %w", service, cluster, err)
	}
	if len(out.ServiceDeployments) == 0 {
		return nil
	}
	busy := make([]string, 0, len(out.ServiceDeployments))
	for _, d := range out.ServiceDeployments {
		busy = append(busy, fmt.Sprintf("%s (%s)", aws.ToString(d.ServiceDeploymentArn), d.Status))
	}
	return fmt.Errorf("service %s is busy with service deployment %s: wait for it to finish (dagger call status), or roll it back (dagger call rollback), then release again",
		service, strings.Join(busy, ", "))
}

// DeployNative releases the image with the ECS controller's own blue/green,
// linear or canary: it registers the task definition derived from the
// template of record, the one the stack registered (tagged with the release
// id, safe to retry), updates the
// service to it, and (unless NoWait) follows the service deployment ECS
// starts with deploy.WaitService. Outcome.DeploymentID is the service
// deployment ARN.
//
// Before anything is registered it checks that the wait ends before the
// credentials expire and that no other service deployment is in progress.
func (p *Plan) DeployNative(ctx context.Context, api ServiceDeployer, req DeployRequest) (Outcome, error) {
	var out Outcome
	if !p.Native() {
		return out, fmt.Errorf("stack %s deploys in %s mode, not ecs: use Deploy", p.Target.Stack, p.Target.DeploymentMode)
	}
	if req.Wait.Timeout == 0 {
		req.Wait.Timeout = deploy.DefaultTimeout
	}
	taskdef, regIn, err := p.prepare(&req)
	if err != nil {
		return out, err
	}
	if !req.NoWait {
		if err := p.CheckNativeWait(req.Wait.Timeout, req.CredentialsExpire, req.Wait.Until); err != nil {
			return out, err
		}
	}
	cluster, service := p.Target.ClusterName, p.Target.ServiceName
	if err := CheckServiceFree(ctx, api, cluster, service); err != nil {
		return out, err
	}
	arn, err := deploy.RegisterRelease(ctx, api, regIn, req.ReleaseID)
	if err != nil {
		return out, err
	}
	out.TaskDefinitionArn = arn
	out.Files = map[string][]byte{bundle.FileTaskDef: taskdef}
	id, err := updateService(ctx, api, cluster, service, arn)
	if err != nil {
		return out, err
	}
	out.DeploymentID = id
	// follow fills in out, so it runs before out is returned.
	err = out.follow(req, "service deployment", func(opts deploy.Options) (deploy.Result, error) {
		return deploy.WaitService(ctx, api, id, opts)
	})
	return out, err
}

// updateService points the service at taskDefARN and returns the service
// deployment ECS started for it. UpdateService is idempotent for the same
// task definition, so a call whose answer was lost is checked by reading
// the service back rather than repeated blindly.
func updateService(ctx context.Context, api ServiceDeployer, cluster, service, taskDefARN string) (string, error) {
	_, err := api.UpdateService(ctx, &ecs.UpdateServiceInput{
		Cluster: aws.String(cluster), Service: aws.String(service), TaskDefinition: aws.String(taskDefARN),
	})
	svc, rerr := describeService(ctx, api, cluster, service)
	switch {
	case err != nil && (rerr != nil || aws.ToString(svc.TaskDefinition) != taskDefARN):
		return "", fmt.Errorf("updating service %s to task definition %s: %w", service, taskDefARN, err)
	case rerr != nil:
		return "", fmt.Errorf("service %s was updated to %s but reading it back failed: %w; follow it with dagger call status", service, taskDefARN, rerr)
	}
	id := aws.ToString(svc.CurrentServiceDeployment)
	if id == "" {
		return "", fmt.Errorf("service %s was updated to %s but reports no current service deployment: is it on the ECS deployment controller?", service, taskDefARN)
	}
	return id, nil
}

func describeService(ctx context.Context, api ServiceDeployer, cluster, service string) (ecstypes.Service, error) {
	out, err := api.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil {
		return ecstypes.Service{}, err
	}
	if len(out.Services) == 0 {
		return ecstypes.Service{}, fmt.Errorf("service %s not found in cluster %s", service, cluster)
	}
	return out.Services[0], nil
}

// WatchNote tells a person where to watch the cutover: the app's /watch
// page on the production and the test listener.
func (p *Plan) WatchNote() string {
	return fmt.Sprintf("watch the cutover: production %s, test %s", watchURL(p.Target.ProductionUrl), watchURL(p.Target.TestUrl))
}

func watchURL(base string) string { return strings.TrimRight(base, "/") + "/watch" }

// CheckNativeWait refuses a wait that cannot work in ecs mode: a timeout
// shorter than the service's deployment configuration takes to reach until,
// or one that outlives the credentials (zero expiry: unknown). timeout 0
// means deploy.DefaultTimeout.
func (p *Plan) CheckNativeWait(timeout time.Duration, expiry time.Time, until ecsdeploy.Checkpoint) error {
	if timeout == 0 {
		timeout = deploy.DefaultTimeout
	}
	if err := deploy.CheckCredentials(time.Now(), timeout, expiry); err != nil {
		return err
	}
	return deploy.CheckServiceTimeout(timeout, deploy.ServiceSchedule(p.DeploymentConfiguration), p.Target.ServiceName, until)
}
