package ecsfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"dagger/ecs-bluegreen/internal/ecsfake"
)

func TestRefusesWhatECSRefuses(t *testing.T) {
	e := newEnv(t)
	single := ecsfake.NewListeners(t, e.Server.URL, true)
	lambda := aws.String("arn:aws:lambda:us-east-1:123456789012:function:smoke")
	role := aws.String("arn:aws:iam::123456789012:role/hooks")
	pause := func(stage types.DeploymentLifecycleHookStage) func(*ecs.CreateServiceInput) {
		return func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.LifecycleHooks = []types.DeploymentLifecycleHook{{TargetType: types.DeploymentLifecycleHookTargetTypePause, LifecycleStages: []types.DeploymentLifecycleHookStage{stage}}}
		}
	}
	for _, tc := range []struct {
		name   string
		change func(*ecs.CreateServiceInput)
		want   string
	}{
		{"strategy needs the ECS controller", func(in *ecs.CreateServiceInput) {
			in.DeploymentController.Type = types.DeploymentControllerTypeCodeDeploy
		}, "supported only with the ECS deployment controller"},
		{"blue/green needs a bake time", func(in *ecs.CreateServiceInput) { in.DeploymentConfiguration.BakeTimeInMinutes = nil }, "bakeTimeInMinutes is required"},
		{"bake time range", func(in *ecs.CreateServiceInput) { in.DeploymentConfiguration.BakeTimeInMinutes = aws.Int32(1441) }, "bakeTimeInMinutes 1441 is out of range; valid values are 0 to 1440"},
		{"linear step below 3 %", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.Strategy = types.DeploymentStrategyLinear
			in.DeploymentConfiguration.LinearConfiguration = &types.LinearConfiguration{StepPercent: aws.Float64(2.5)}
		}, "stepPercent 2.5 is not valid; valid values are 3.0 to 100.0"},
		{"linear step not in tenths", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.Strategy = types.DeploymentStrategyLinear
			in.DeploymentConfiguration.LinearConfiguration = &types.LinearConfiguration{StepPercent: aws.Float64(10.05)}
		}, "in steps of 0.1"},
		{"canary config with linear", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.Strategy = types.DeploymentStrategyLinear
			in.DeploymentConfiguration.CanaryConfiguration = &types.CanaryConfiguration{CanaryPercent: aws.Float64(5)}
		}, "canaryConfiguration can be set only when the deployment strategy is CANARY"},
		{"canary bake range", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.Strategy = types.DeploymentStrategyCanary
			in.DeploymentConfiguration.CanaryConfiguration = &types.CanaryConfiguration{CanaryBakeTimeInMinutes: aws.Int32(-1)}
		}, "canaryBakeTimeInMinutes -1 is out of range"},
		{"no PAUSE at production shift", pause(types.DeploymentLifecycleHookStageProductionTrafficShift), "PAUSE hook is not supported at lifecycle stage PRODUCTION_TRAFFIC_SHIFT"},
		{"no PAUSE at test shift", pause(types.DeploymentLifecycleHookStageTestTrafficShift), "PAUSE hook is not supported at lifecycle stage TEST_TRAFFIC_SHIFT"},
		{"lambda hook needs a role", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.LifecycleHooks = []types.DeploymentLifecycleHook{{HookTargetArn: lambda, LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostScaleUp}}}
		}, "lifecycleHooks[0].roleArn is required"},
		{"hook timeout range", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.LifecycleHooks = []types.DeploymentLifecycleHook{{HookTargetArn: lambda, RoleArn: role, LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostScaleUp},
				TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{TimeoutInMinutes: aws.Int32(20161)}}}
		}, "timeoutInMinutes 20161 is out of range; valid values are 1 to 20160"},
		{"advanced configuration required", func(in *ecs.CreateServiceInput) { in.LoadBalancers[0].AdvancedConfiguration = nil }, "loadBalancers[0].advancedConfiguration is required"},
		{"both target groups on the rules", func(in *ecs.CreateServiceInput) {
			in.LoadBalancers[0].TargetGroupArn = aws.String(single.Blue)
			in.LoadBalancers[0].AdvancedConfiguration.AlternateTargetGroupArn = aws.String(single.Green)
			in.LoadBalancers[0].AdvancedConfiguration.ProductionListenerRule = aws.String(single.ProductionRule)
			in.LoadBalancers[0].AdvancedConfiguration.TestListenerRule = aws.String(single.TestRule)
		}, "Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule or testListenerRule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := e.ServiceInput(blueGreen(5))
			tc.change(in)
			_, err := e.ECS.CreateService(context.Background(), in)
			var invalid *types.InvalidParameterException
			if !errors.As(err, &invalid) || !strings.Contains(invalid.ErrorMessage(), tc.want) {
				t.Fatalf("CreateService: %v; want InvalidParameterException containing %q", err, tc.want)
			}
		})
	}
	// Nothing reached moto: the service does not exist.
	out, err := e.ECS.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(e.Cluster), Services: []string{e.Service}})
	if err != nil || len(out.Services) != 0 {
		t.Fatalf("after refused creations DescribeServices = %d services, %v", len(out.Services), err)
	}
	e.NoFailures(t)
}

func TestRefusedUpdateKeepsTheConfiguration(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(5))
	_, err := e.ECS.UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service), TaskDefinition: aws.String(e.V2),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(100.5)}}})
	var invalid *types.InvalidParameterException
	if !errors.As(err, &invalid) {
		t.Fatalf("UpdateService with canaryPercent 100.5: %v, want InvalidParameterException", err)
	}
	svc := e.DescribeService(t)
	if svc.DeploymentConfiguration.Strategy != types.DeploymentStrategyBlueGreen || aws.ToString(svc.TaskDefinition) != e.V1 {
		t.Fatalf("after a refused update: strategy %s, task definition %s", svc.DeploymentConfiguration.Strategy, aws.ToString(svc.TaskDefinition))
	}
	// A valid update replaces the stored configuration and deploys with it.
	_, err = e.ECS.UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service), TaskDefinition: aws.String(e.V2),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(3), CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(12.5)}}})
	if err != nil {
		t.Fatal(err)
	}
	d := e.Deployment(t, aws.ToString(e.DescribeService(t).CurrentServiceDeployment))
	if d.DeploymentConfiguration == nil || d.DeploymentConfiguration.Strategy != types.DeploymentStrategyCanary || aws.ToFloat64(d.DeploymentConfiguration.CanaryConfiguration.CanaryPercent) != 12.5 {
		t.Fatalf("deployment configuration = %+v", d.DeploymentConfiguration)
	}
}

func TestDeploymentCallErrors(t *testing.T) {
	e := newEnv(t)
	e.CreateService(t, blueGreen(5))
	ctx := context.Background()
	missing := "arn:aws:ecs:us-east-1:123456789012:service-deployment/web/webapp/AAAAAAAA-bbbbbbbbbbbb"

	out, err := e.ECS.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{missing}})
	if err != nil || len(out.ServiceDeployments) != 0 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Fatalf("describing an unknown deployment: %+v, %v; want one MISSING failure", out, err)
	}
	_, err = e.ECS.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: make([]string, 21)})
	var invalid *types.InvalidParameterException
	if !errors.As(err, &invalid) {
		t.Fatalf("describing 21 deployments: %v, want InvalidParameterException", err)
	}
	_, err = e.ECS.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(missing), StopType: types.StopServiceDeploymentStopTypeRollback})
	var notFound *types.ServiceDeploymentNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("stopping an unknown deployment: %v, want ServiceDeploymentNotFoundException", err)
	}
	_, err = e.ECS.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.Cluster), Service: aws.String(e.Service), MaxResults: aws.Int32(101)})
	if !errors.As(err, &invalid) {
		t.Fatalf("listing 101: %v, want InvalidParameterException", err)
	}
	_, err = e.ECS.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(e.Cluster), Service: aws.String("nope")})
	var noService *types.ServiceNotFoundException
	if !errors.As(err, &noService) {
		t.Fatalf("listing an unknown service: %v, want ServiceNotFoundException", err)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorFault() != smithy.FaultClient {
		t.Fatalf("error %v is not a client fault", err)
	}

	// The wire shape: HTTP 400 with __type and message, as ECS answers.
	req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/", strings.NewReader(`{"serviceDeploymentArn":"`+missing+`","hookId":"h"}`))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ContinueServiceDeployment")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var shape map[string]string
	if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(body, &shape) != nil || shape["__type"] != "ServiceDeploymentNotFoundException" || shape["message"] == "" {
		t.Fatalf("HTTP %d %s; want 400 with __type ServiceDeploymentNotFoundException and a message", resp.StatusCode, body)
	}
}
