package rehearsal

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"dagger/ecs-bluegreen/stackout"
)

// codeDeploy creates the application, a 10 %/10-minute canary
// configuration and the deployment group with a 5-minute termination wait.
func (s *seeder) codeDeploy(ctx context.Context) error {
	api := codedeploy.NewFromConfig(s.cfg)
	if _, err := api.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String(s.app), ComputePlatform: cdtypes.ComputePlatformEcs}); err != nil {
		return err
	}
	config := s.app + "-canary-10-percent-10-minutes"
	if _, err := api.CreateDeploymentConfig(ctx, &codedeploy.CreateDeploymentConfigInput{
		DeploymentConfigName: aws.String(config), ComputePlatform: cdtypes.ComputePlatformEcs,
		TrafficRoutingConfig: &cdtypes.TrafficRoutingConfig{Type: cdtypes.TrafficRoutingTypeTimeBasedCanary,
			TimeBasedCanary: &cdtypes.TimeBasedCanary{CanaryPercentage: 10, CanaryInterval: 10}},
	}); err != nil {
		return err
	}
	group := s.app + "-dg"
	if _, err := api.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName: aws.String(s.app), DeploymentGroupName: aws.String(group), DeploymentConfigName: aws.String(config),
		ServiceRoleArn:  aws.String("arn:aws:iam::" + Account + ":role/" + s.app + "-codedeploy"),
		DeploymentStyle: &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		EcsServices:     []cdtypes.ECSService{{ClusterName: aws.String(s.app), ServiceName: aws.String(s.app)}},
		LoadBalancerInfo: &cdtypes.LoadBalancerInfo{TargetGroupPairInfoList: []cdtypes.TargetGroupPairInfo{{
			TargetGroups:     []cdtypes.TargetGroupInfo{{Name: aws.String(s.app + "-blue")}, {Name: aws.String(s.app + "-green")}},
			ProdTrafficRoute: &cdtypes.TrafficRoute{ListenerArns: []string{s.prod}},
			TestTrafficRoute: &cdtypes.TrafficRoute{ListenerArns: []string{s.test}},
		}}},
		BlueGreenDeploymentConfiguration: &cdtypes.BlueGreenDeploymentConfiguration{
			DeploymentReadyOption: &cdtypes.DeploymentReadyOption{ActionOnTimeout: cdtypes.DeploymentReadyActionContinueDeployment},
			TerminateBlueInstancesOnDeploymentSuccess: &cdtypes.BlueInstanceTerminationOption{
				Action: cdtypes.InstanceActionTerminate, TerminationWaitTimeInMinutes: 5,
			},
		},
		AutoRollbackConfiguration: &cdtypes.AutoRollbackConfiguration{Enabled: true, Events: []cdtypes.AutoRollbackEvent{
			cdtypes.AutoRollbackEventDeploymentFailure, cdtypes.AutoRollbackEventDeploymentStopOnRequest,
		}},
	}); err != nil {
		return err
	}
	s.out[stackout.KeyCodeDeployApplication], s.out[stackout.KeyDeploymentGroup] = s.app, group
	return nil
}

// outputsStack creates a stack moto can deploy (one WaitConditionHandle)
// whose outputs are outputs, and waits for it to complete.
func outputsStack(ctx context.Context, cfg aws.Config, name string, outputs map[string]string) error {
	outs := map[string]any{}
	for k, v := range outputs {
		outs[k] = map[string]any{"Value": v}
	}
	body, err := json.Marshal(map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "Rehearsal stand-in of the service stack: its outputs, without its resources.",
		"Resources":                map[string]any{"Seeded": map[string]any{"Type": "AWS::CloudFormation::WaitConditionHandle"}},
		"Outputs":                  outs,
	})
	if err != nil {
		return err
	}
	cf := cloudformation.NewFromConfig(cfg)
	if _, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(string(body))}); err != nil {
		return fmt.Errorf("creating stack %s: %w", name, err)
	}
	w := cloudformation.NewStackCreateCompleteWaiter(cf, func(o *cloudformation.StackCreateCompleteWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	if err := w.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)}, 30*time.Second); err != nil {
		return fmt.Errorf("stack %s not complete: %w", name, err)
	}
	return nil
}
