package config

import (
	"fmt"
	"regexp"
	"strings"
)

// TargetColor names one of the two target groups.
type TargetColor string

const (
	// Blue is the target group production starts on.
	Blue TargetColor = "blue"
	// Green is the target group replacement tasks start on.
	Green TargetColor = "green"
)

// Live is the deployed state deploy-infra reads before every synth and passes
// as context, so a stack update keeps what releases changed since the last
// one. Empty fields mean "not deployed" (or not read): the template's
// initial state applies.
type Live struct {
	// ProductionTarget is the target group production traffic goes to now:
	// the production listener's (codedeploy and hook modes) or, when the
	// deployed stack is in ecs mode, the production listener rule's.
	ProductionTarget TargetColor
	// TestTarget is read like ProductionTarget, for the test listener.
	TestTarget TargetColor
	// ProductionListenerTarget and TestListenerTarget are the listeners'
	// default actions of a deployed ecs-mode stack, where the rules carry
	// the traffic and the default actions must merely stay as they are.
	ProductionListenerTarget, TestListenerTarget TargetColor
	// Mode is the deployment mode of the deployed service stack.
	Mode Mode
	// TaskDefinition is the ARN of the revision the service runs now
	// (codedeploy and ecs modes). The ecs-mode service keeps it, so an
	// infrastructure update never deploys; the CDK task definition is the
	// template of record the next release starts from. (The codedeploy-mode
	// service names the family, which never changes.)
	TaskDefinition string
	// Image is the app container's image the service runs now (hook mode):
	// the image an update without an explicit image keeps.
	Image string
}

var taskDefArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}:[0-9]+$`)

func (r reader) live() Live {
	l := Live{
		ProductionTarget:         TargetColor(r.str(KeyLiveProductionTarget, "")),
		TestTarget:               TargetColor(r.str(KeyLiveTestTarget, "")),
		ProductionListenerTarget: TargetColor(r.str(KeyLiveProductionListenerTarget, "")),
		TestListenerTarget:       TargetColor(r.str(KeyLiveTestListenerTarget, "")),
		Mode:                     Mode(r.str(KeyLiveDeploymentMode, "")),
		TaskDefinition:           r.str(KeyLiveTaskDefinition, ""),
		Image:                    r.str(KeyLiveImage, ""),
	}
	for _, key := range []string{KeyLiveProductionTarget, KeyLiveTestTarget, KeyLiveProductionListenerTarget, KeyLiveTestListenerTarget} {
		if v := TargetColor(r.str(key, "")); v != "" && v != Blue && v != Green {
			r.errs.add(key, string(v), "blue or green (set by deploy-infra from the deployed listeners and listener rules)")
		}
	}
	if l.TaskDefinition != "" && !taskDefArnRe.MatchString(l.TaskDefinition) {
		r.errs.add(KeyLiveTaskDefinition, l.TaskDefinition, "a task definition ARN arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision> (set by deploy-infra from the deployed service)")
	}
	if strings.ContainsAny(l.Image, " \t\n") {
		r.errs.add(KeyLiveImage, l.Image, "an image reference without spaces (set by deploy-infra from the deployed service)")
	}
	return l
}

// RuleTargets are where the ecs-mode listener rules send all their traffic.
// A deployed ecs-mode stack keeps what its rules serve now: ECS moves the
// weights on every deployment, and a template that said blue would move
// production back on any update of a rule. A stack migrating from codedeploy
// mode puts both rules on the target group its production listener serves,
// so the rules take over the traffic where it already goes. A new stack
// starts both on blue (at rest ECS keeps both rules on the production side).
func (c Config) RuleTargets() (prod, test TargetColor) {
	switch {
	case c.Live.Mode == ModeECS && c.Live.ProductionTarget != "" && c.Live.TestTarget != "":
		return c.Live.ProductionTarget, c.Live.TestTarget
	case c.Live.ProductionTarget != "":
		return c.Live.ProductionTarget, c.Live.ProductionTarget
	}
	return Blue, Blue
}

// ListenerTargets are where the listeners' default actions forward. A
// deployed stack keeps what they forward to now: in codedeploy and hook
// modes CodeDeploy moves them on every deployment, and a template that
// still said blue would move production back on any listener update. In
// ecs mode the rules carry the traffic; the default actions stay exactly as
// deployed, so no update touches a listener. When a deployed ecs-mode stack
// goes back to codedeploy mode, the listeners take the rules' targets
// (CloudFormation updates them before it deletes the rules), so production
// stays where it is. A first deployment starts production on blue; test
// traffic on green in codedeploy and ecs modes (CodeDeploy wants both groups
// behind listeners), on blue in hook mode (the hook creates the green side).
func (c Config) ListenerTargets() (prod, test TargetColor) {
	prod, test = Blue, Green
	if c.Mode == ModeHook {
		test = Blue
	}
	liveProd, liveTest := c.Live.ProductionTarget, c.Live.TestTarget
	if c.Mode == ModeECS && c.Live.Mode == ModeECS {
		liveProd, liveTest = c.Live.ProductionListenerTarget, c.Live.TestListenerTarget
	}
	if liveProd != "" {
		prod = liveProd
	}
	if liveTest != "" {
		test = liveTest
	}
	return prod, test
}

// validateLive refuses a switch into or out of hook mode over a deployed
// service stack: hook mode's service (EXTERNAL controller, task sets) and the
// others' carry the same names (service, cluster, target groups, roles), so
// CloudFormation would have to create the new ones before deleting the old
// and fails on the names. Between codedeploy and ecs the service is updated
// in place (its deployment controller changes), which is allowed.
func validateLive(c Config, errs *Errors) {
	if c.Live.Mode == "" || c.Live.Mode == c.Mode || (c.Live.Mode != ModeHook && c.Mode != ModeHook) {
		return
	}
	errs.add(KeyDeploymentMode, string(c.Mode), fmt.Sprintf(
		"%s: the deployed %s runs %s mode, and the new mode reuses its service, cluster and target-group names, so CloudFormation "+
			"cannot replace them in place. Either deploy the new mode under another %s and move traffic to it, or delete %s and %s "+
			"first (an outage), then deploy %s, %s and %s (infra/README.md, \"Switching deploymentMode\")",
		c.Live.Mode, c.StackName("service"), c.Live.Mode, KeyAppName, c.StackName("pipeline"), c.StackName("service"),
		c.StackName("network"), c.StackName("service"), c.StackName("pipeline")))
}
