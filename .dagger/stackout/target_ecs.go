package stackout

import (
	"fmt"
	"regexp"
)

// ModeECS: the ECS deployment controller shifts traffic itself (blue/green,
// linear or canary); a release is an UpdateService, and no CodeDeploy
// outputs exist.
const ModeECS = "ecs"

// Output keys only an ecs-mode stack declares.
const (
	KeyDeploymentStrategy     = "DeploymentStrategy"
	KeyProductionListenerRule = "ProductionListenerRule"
	KeyTestListenerRule       = "TestListenerRule"
	KeyBlueTargetGroup        = "BlueTargetGroup"
	KeyGreenTargetGroup       = "GreenTargetGroup"
)

var ecsKeys = []string{KeyDeploymentStrategy, KeyProductionListenerRule, KeyTestListenerRule, KeyBlueTargetGroup, KeyGreenTargetGroup}

// ECSTarget is what a release in ecs mode knows beyond the common outputs.
type ECSTarget struct {
	// Strategy is BLUE_GREEN, LINEAR or CANARY.
	Strategy string
	// ProductionListenerRule and TestListenerRule are the listener rules ECS
	// shifts weights on.
	ProductionListenerRule, TestListenerRule string
	// BlueTargetGroup and GreenTargetGroup are the two target groups.
	BlueTargetGroup, GreenTargetGroup string
}

var (
	listenerRuleArn = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule/app/[^/]+/[0-9a-f]+/[0-9a-f]+/[0-9a-f]+$`)
	targetGroupArn  = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[^/]+/[0-9a-f]+$`)
)

// ecsTarget reads and checks the ecs-mode outputs; bad formats the error
// for one output as FromOutputs does.
func ecsTarget(get func(string) string, bad func(key, value, accepted string) error) (ECSTarget, error) {
	e := ECSTarget{
		Strategy:               get(KeyDeploymentStrategy),
		ProductionListenerRule: get(KeyProductionListenerRule),
		TestListenerRule:       get(KeyTestListenerRule),
		BlueTargetGroup:        get(KeyBlueTargetGroup),
		GreenTargetGroup:       get(KeyGreenTargetGroup),
	}
	switch e.Strategy {
	case "BLUE_GREEN", "LINEAR", "CANARY":
	default:
		return ECSTarget{}, bad(KeyDeploymentStrategy, e.Strategy, "BLUE_GREEN, LINEAR or CANARY")
	}
	for key, v := range map[string]string{KeyProductionListenerRule: e.ProductionListenerRule, KeyTestListenerRule: e.TestListenerRule} {
		if !listenerRuleArn.MatchString(v) {
			return ECSTarget{}, bad(key, v, "an ALB listener rule ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener-rule/app/…)")
		}
	}
	for key, v := range map[string]string{KeyBlueTargetGroup: e.BlueTargetGroup, KeyGreenTargetGroup: e.GreenTargetGroup} {
		if !targetGroupArn.MatchString(v) {
			return ECSTarget{}, bad(key, v, "a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)")
		}
	}
	if e.BlueTargetGroup == e.GreenTargetGroup {
		return ECSTarget{}, bad(KeyGreenTargetGroup, e.GreenTargetGroup, fmt.Sprintf("a target group other than %s %s", KeyBlueTargetGroup, e.BlueTargetGroup))
	}
	return e, nil
}
