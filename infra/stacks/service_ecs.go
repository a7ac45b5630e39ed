package stacks

import (
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	elb "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecs-bluegreen/ecs-bluegreen/infra/config"
)

// ecsParts are the resources only ecs mode has.
type ecsParts struct {
	// ProductionRule and TestRule are the listener rules ECS shifts
	// weights on; both forward to blue and green.
	ProductionRule, TestRule elb.ApplicationListenerRule
	// InfrastructureRole lets ECS rewrite those rules.
	InfrastructureRole awsiam.Role
	// HookRole lets ECS invoke the lifecycle hook functions (nil without
	// Lambda hooks).
	HookRole awsiam.Role
}

// ecsMode adds the service run by the ECS deployment controller, which
// shifts traffic itself (blue/green, linear or canary): listener rules it
// manages, the role it manages them with, deployment alarms that roll back,
// and the configured lifecycle hooks.
func (s *ServiceStack) ecsMode() {
	cfg, e := s.cfg, s.cfg.ECS
	s.ecsListenerRules()
	s.InfrastructureRole = awsiam.NewRole(s.Stack, jsii.String("InfrastructureRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("ecs.amazonaws.com"), nil),
		Description: jsii.String("Lets ECS move traffic between the blue and green target groups of " + cfg.AppName),
		ManagedPolicies: &[]awsiam.IManagedPolicy{
			awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("AmazonECSInfrastructureRolePolicyForLoadBalancers")),
		},
	})

	props := s.fargateServiceProps(awsecs.DeploymentControllerType_ECS)
	// ECS requires a bake time for BLUE_GREEN although CDK does not: always set it.
	props.BakeTime = awscdk.Duration_Minutes(jsii.Number(float64(e.BakeMinutes)))
	shift := &awsecs.TrafficShiftConfig{StepPercent: jsii.Number(e.Percent), StepBakeTime: awscdk.Duration_Minutes(jsii.Number(float64(e.StepMinutes)))}
	switch e.Strategy {
	case config.StrategyLinear:
		props.DeploymentStrategy, props.LinearConfiguration = awsecs.DeploymentStrategy_LINEAR, shift
	case config.StrategyCanary:
		props.DeploymentStrategy, props.CanaryConfiguration = awsecs.DeploymentStrategy_CANARY, shift
	default:
		props.DeploymentStrategy = awsecs.DeploymentStrategy_BLUE_GREEN
	}
	// Production moves between blue and green on every deployment, so the
	// alarms of both target groups watch every deployment.
	names := make([]*string, 0, len(s.Alarms))
	for _, a := range s.Alarms {
		names = append(names, a.AlarmName())
	}
	props.DeploymentAlarms = &awsecs.DeploymentAlarmConfig{AlarmNames: &names, Behavior: awsecs.AlarmBehavior_ROLLBACK_ON_ALARM}
	s.Service = awsecs.NewFargateService(s.Stack, jsii.String("Service"), props)
	// The capacity provider association must exist before a service that
	// names FARGATE/FARGATE_SPOT in its strategy.
	s.Service.Node().AddDependency(s.Cluster)
	s.keepLiveTaskDefinition()
	s.Service.LoadBalancerTarget(&awsecs.LoadBalancerTargetOptions{
		ContainerName: jsii.String(cfg.AppName),
		ContainerPort: jsii.Number(float64(cfg.ContainerPort)),
		Protocol:      awsecs.Protocol_TCP,
		AlternateTarget: awsecs.NewAlternateTarget(jsii.String("Green"), &awsecs.AlternateTargetProps{
			AlternateTargetGroup: s.Green,
			ProductionListener:   awsecs.ListenerRuleConfiguration_ApplicationListenerRule(s.ProductionRule),
			TestListener:         awsecs.ListenerRuleConfiguration_ApplicationListenerRule(s.TestRule),
			Role:                 s.InfrastructureRole,
		}),
	}).AttachToApplicationTargetGroup(s.Blue)
	s.ecsLifecycleHooks()
}

// ecsListenerRules puts one rule on each listener forwarding to both target
// groups, 100 to one and 0 to the other: ECS shifts traffic by rewriting the
// weights of these RULES. Which group has the 100 is what the deployed rules
// serve now (config.RuleTargets, read back by deploy-infra): after an odd
// number of deployments production is on green, and a rule that said blue
// would move it back on any update of the rule. The rules match every path,
// so the listeners' default actions are never reached; they stay as
// deployed, which lets a migration from codedeploy mode add the rules
// without touching a listener (a listener update before the rules exist
// would drop requests).
func (s *ServiceStack) ecsListenerRules() {
	rule := func(id string, l elb.ApplicationListener, serves config.TargetColor) elb.ApplicationListenerRule {
		blue, green := 100, 0
		if serves == config.Green {
			blue, green = 0, 100
		}
		return elb.NewApplicationListenerRule(s.Stack, jsii.String(id), &elb.ApplicationListenerRuleProps{
			Listener:   l,
			Priority:   jsii.Number(1),
			Conditions: &[]elb.ListenerCondition{elb.ListenerCondition_PathPatterns(jsii.Strings("/*"))},
			// The group without traffic stays in the forward (weight 0): ECS
			// requires both target groups on the rule.
			Action: elb.ListenerAction_WeightedForward(&[]*elb.WeightedTargetGroup{
				{TargetGroup: s.Blue, Weight: jsii.Number(float64(blue))},
				{TargetGroup: s.Green, Weight: jsii.Number(float64(green))},
			}, nil),
		})
	}
	prod, test := s.cfg.RuleTargets()
	s.ProductionRule = rule("ProductionRule", s.ProdListener, prod)
	s.TestRule = rule("TestRule", s.TestListener, test)
	// Listener rule tags are recent in the CloudFormation schema and not yet
	// accepted by every validator or emulator (listeners are excluded from
	// the app tag for the same reason); the rules need none.
	for _, r := range []elb.ApplicationListenerRule{s.ProductionRule, s.TestRule} {
		awscdk.Tags_Of(r).Remove(jsii.String("app"), nil)
	}
}

// ecsLifecycleHooks writes the configured hooks onto the CfnService: the L2
// lacks PAUSE hooks, hook timeouts and the PRE_PRODUCTION_TRAFFIC_SHIFT
// stage, so every hook goes through one escape hatch rather than two paths.
func (s *ServiceStack) ecsLifecycleHooks() {
	e := s.cfg.ECS
	var hooks []any
	// One hook per function, with every stage it runs at.
	var functions []string
	stages := map[string][]string{}
	for _, h := range e.LambdaHooks {
		if !slices.Contains(functions, h.FunctionArn) {
			functions = append(functions, h.FunctionArn)
		}
		stages[h.FunctionArn] = append(stages[h.FunctionArn], h.Stage)
	}
	if s.CheckFunction != nil {
		// The smoke check once test traffic reaches the new revision, the
		// analysis before every production step (the first, with no
		// production traffic on the new revision yet, passes at once) and
		// after the last one.
		fn := *s.CheckFunction.FunctionArn()
		functions = append(functions, fn)
		stages[fn] = []string{"POST_TEST_TRAFFIC_SHIFT", config.PreProductionStage, "POST_PRODUCTION_TRAFFIC_SHIFT"}
	}
	if len(functions) > 0 {
		s.HookRole = awsiam.NewRole(s.Stack, jsii.String("HookRole"), &awsiam.RoleProps{
			AssumedBy:   awsiam.NewServicePrincipal(jsii.String("ecs.amazonaws.com"), nil),
			Description: jsii.String("Lets ECS invoke the deployment lifecycle hooks of " + s.cfg.AppName),
		})
		s.HookRole.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("lambda:InvokeFunction"),
			Resources: jsii.Strings(functions...),
		}))
		// The service names only the role's ARN, so CloudFormation would
		// create it as soon as the role exists, before the grant: a
		// deployment started then invokes a hook ECS may not call yet.
		// Depending on the construct includes its policy.
		s.Service.Node().AddDependency(s.HookRole)
		for _, fn := range functions {
			// TargetType left out means AWS_LAMBDA, as the L2 renders it.
			hooks = append(hooks, map[string]any{
				"HookTargetArn":   fn,
				"RoleArn":         s.HookRole.RoleArn(),
				"LifecycleStages": stages[fn],
			})
		}
	}
	cfn := s.Service.Node().DefaultChild().(awsecs.CfnService)
	// cfn-lint 1.51.0's resource schema predates PAUSE hooks (no TargetType
	// or TimeoutConfiguration, a required HookTargetArn: E3002/E3003) and the
	// PRE_PRODUCTION_TRAFFIC_SHIFT stage (E3030). Those checks are switched
	// off on this one resource, and only when the template uses what the
	// schema lacks; the assertion tests check these properties instead.
	var unknownToLint []string
	if len(e.PauseStages) > 0 {
		hooks = append(hooks, map[string]any{
			"TargetType":      "PAUSE",
			"LifecycleStages": e.PauseStages,
			"TimeoutConfiguration": map[string]any{
				"Action":           e.PauseTimeoutAction,
				"TimeoutInMinutes": e.PauseTimeoutMinutes,
			},
		})
		unknownToLint = append(unknownToLint, "E3002", "E3003")
	}
	if s.CheckFunction != nil || slices.Contains(e.PauseStages, "PRE_PRODUCTION_TRAFFIC_SHIFT") || slices.ContainsFunc(e.LambdaHooks, func(h config.LambdaHook) bool { return h.Stage == "PRE_PRODUCTION_TRAFFIC_SHIFT" }) {
		unknownToLint = append(unknownToLint, "E3030")
	}
	if len(unknownToLint) > 0 {
		cfn.AddMetadata(jsii.String("cfn-lint"), map[string]any{"config": map[string]any{"ignore_checks": unknownToLint}})
	}
	if len(hooks) > 0 {
		cfn.AddPropertyOverride(jsii.String("DeploymentConfiguration.LifecycleHooks"), hooks)
	}
}
