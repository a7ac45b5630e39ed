package stacks

import "github.com/aws/jsii-runtime-go"

// Output keys only ecs mode declares: what a release in that mode reads
// besides the keys every mode has (it needs no CodeDeploy names).
const (
	// OutDeploymentStrategy is BLUE_GREEN, LINEAR or CANARY.
	OutDeploymentStrategy = "DeploymentStrategy"
	// OutProductionListenerRule and OutTestListenerRule are the rules ECS
	// shifts weights on: a release can show what production receives.
	OutProductionListenerRule = "ProductionListenerRule"
	OutTestListenerRule       = "TestListenerRule"
	// OutBlueTargetGroup and OutGreenTargetGroup are the two target groups;
	// which one serves production changes with every deployment.
	OutBlueTargetGroup  = "BlueTargetGroup"
	OutGreenTargetGroup = "GreenTargetGroup"
)

func (s *ServiceStack) ecsOutputs() []output {
	return []output{
		{OutDeploymentStrategy, "ECS deployment strategy", jsii.String(s.cfg.ECS.Strategy)},
		{OutProductionListenerRule, "production listener rule ECS shifts traffic on", s.ProductionRule.ListenerRuleArn()},
		{OutTestListenerRule, "test listener rule ECS shifts traffic on", s.TestRule.ListenerRuleArn()},
		{OutBlueTargetGroup, "blue target group", s.Blue.TargetGroupArn()},
		{OutGreenTargetGroup, "green target group", s.Green.TargetGroupArn()},
	}
}
