package deploy

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/ecsdeploy"
)

// MaxTimeout bounds a timeout given as text: longer than any sensible
// blue/green deployment, including its bake and termination waits.
const MaxTimeout = 48 * time.Hour

// ParseTimeout reads a Wait timeout given as text, such as "30m" or "1h30m".
// The error names the value and what is accepted.
func ParseTimeout(value string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(value))
	if err != nil || d <= 0 || d > MaxTimeout {
		return 0, fmt.Errorf("timeout %q is not accepted; give a duration above 0 and at most %s, such as 30m or 1h30m", value, MaxTimeout)
	}
	return d, nil
}

// Schedule is how long a deployment group's own settings keep a deployment
// running, whatever happens: waiting at the test-traffic stage, shifting
// traffic step by step, and keeping the original task set for the
// termination wait.
type Schedule struct {
	// Config is the deployment configuration name.
	Config string
	// ReadyWait is the time a deployment may wait at the test-traffic stage
	// (deploymentReadyOption.waitTimeInMinutes).
	ReadyWait time.Duration
	// Routing is the time traffic routing takes (canary interval, or every
	// step of a linear configuration).
	Routing time.Duration
	// TerminationWait is how long the original task set is kept after the shift.
	TerminationWait time.Duration
	// Bake names TerminationWait in String: "termination wait" (the
	// default) or, for an ECS service deployment, "bake time".
	Bake string
}

// Minimum is the shortest time a deployment of the group can take.
func (s Schedule) Minimum() time.Duration { return s.ReadyWait + s.Routing + s.TerminationWait }

// String names each part, e.g. "traffic routing 15m (…Canary10Percent15Minutes)
// + termination wait 1h0m".
func (s Schedule) String() string {
	parts := []string{fmt.Sprintf("traffic routing %s (%s)", minutes(s.Routing), s.Config)}
	if s.ReadyWait > 0 {
		parts = append([]string{"test-traffic wait " + minutes(s.ReadyWait)}, parts...)
	}
	bake := s.Bake
	if bake == "" {
		bake = "termination wait"
	}
	parts = append(parts, bake+" "+minutes(s.TerminationWait))
	return strings.Join(parts, " + ")
}

// builtInRouting is the routing time of CodeDeploy's predefined ECS
// configurations, which GetDeploymentConfig would also answer.
var builtInRouting = map[string]time.Duration{
	"CodeDeployDefault.ECSAllAtOnce":                    0,
	"CodeDeployDefault.ECSCanary10Percent5Minutes":      5 * time.Minute,
	"CodeDeployDefault.ECSCanary10Percent15Minutes":     15 * time.Minute,
	"CodeDeployDefault.ECSLinear10PercentEvery1Minutes": 10 * time.Minute,
	"CodeDeployDefault.ECSLinear10PercentEvery3Minutes": 30 * time.Minute,
}

// scheduleReader reads a group and its deployment configuration.
type scheduleReader interface {
	GetDeploymentGroup(ctx context.Context, in *codedeploy.GetDeploymentGroupInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentGroupOutput, error)
	GetDeploymentConfig(ctx context.Context, in *codedeploy.GetDeploymentConfigInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentConfigOutput, error)
}

// GroupSchedule reads the schedule of a deployment group.
func GroupSchedule(ctx context.Context, api scheduleReader, application, group string) (Schedule, error) {
	out, err := api.GetDeploymentGroup(ctx, &codedeploy.GetDeploymentGroupInput{ApplicationName: aws.String(application), DeploymentGroupName: aws.String(group)})
	if err != nil {
		return Schedule{}, fmt.Errorf("reading deployment group %q of application %q: %w", group, application, err)
	}
	var s Schedule
	g := out.DeploymentGroupInfo
	if g == nil {
		return s, fmt.Errorf("reading deployment group %q of application %q: the answer carries no group", group, application)
	}
	if s.Config = aws.ToString(g.DeploymentConfigName); s.Config == "" {
		s.Config = "CodeDeployDefault.ECSAllAtOnce"
	}
	if bg := g.BlueGreenDeploymentConfiguration; bg != nil {
		if r := bg.DeploymentReadyOption; r != nil {
			s.ReadyWait = time.Duration(r.WaitTimeInMinutes) * time.Minute
		}
		if t := bg.TerminateBlueInstancesOnDeploymentSuccess; t != nil {
			s.TerminationWait = time.Duration(t.TerminationWaitTimeInMinutes) * time.Minute
		}
	}
	if d, ok := builtInRouting[s.Config]; ok {
		s.Routing = d
		return s, nil
	}
	cfg, err := api.GetDeploymentConfig(ctx, &codedeploy.GetDeploymentConfigInput{DeploymentConfigName: aws.String(s.Config)})
	if err != nil {
		return s, fmt.Errorf("reading deployment configuration %q of deployment group %q: %w", s.Config, group, err)
	}
	if info := cfg.DeploymentConfigInfo; info != nil {
		s.Routing = routingTime(info.TrafficRoutingConfig)
	}
	return s, nil
}

func routingTime(c *cdtypes.TrafficRoutingConfig) time.Duration {
	switch {
	case c == nil:
		return 0
	case c.TimeBasedCanary != nil:
		return time.Duration(c.TimeBasedCanary.CanaryInterval) * time.Minute
	case c.TimeBasedLinear != nil && c.TimeBasedLinear.LinearPercentage > 0:
		steps := math.Ceil(100 / float64(c.TimeBasedLinear.LinearPercentage))
		return time.Duration(steps) * time.Duration(c.TimeBasedLinear.LinearInterval) * time.Minute
	}
	return 0
}

// Needed is how long a deployment with schedule s takes by its own
// settings to reach until, the checkpoint the caller waits for — the one
// rule both modes check a --timeout against: the whole schedule for
// deployed; for traffic-shifted (and BAKE_TIME, which begins with it) the
// schedule without the termination wait or bake time, which such a wait
// does not cover. A checkpoint at an earlier stage is not checked (ok
// false): no setting says how long the stages before the shift take.
func (s Schedule) Needed(until ecsdeploy.Checkpoint) (need time.Duration, ok bool) {
	stage, isStage := until.Stage()
	switch {
	case until.IsDeployed():
		return s.Minimum(), true
	case until == ecsdeploy.TrafficShifted, isStage && stage == ecstypes.ServiceDeploymentLifecycleStageBakeTime:
		return s.Minimum() - s.TerminationWait, true
	}
	return 0, false
}

// checkNeeded refuses a timeout shorter than what s needs to reach until;
// what names the deployment ("a deployment of group …"), source what sets
// the schedule and fix how to shorten it.
func checkNeeded(timeout time.Duration, s Schedule, until ecsdeploy.Checkpoint, what, source, fix string) error {
	need, ok := s.Needed(until)
	if !ok || timeout >= need {
		return nil
	}
	target := until.String()
	if until.IsDeployed() {
		target = ecsdeploy.Deployed.String()
	}
	hint := ""
	if until.IsDeployed() && s.TerminationWait > 0 {
		hint = ", --wait-until traffic-shifted"
	}
	return fmt.Errorf("--timeout %s cannot cover %s: %s takes at least %s (%s) to reach %s; pass --timeout %s or more (the schedule plus time to start the new tasks)%s, or %s",
		minutes(timeout), what, source, minutes(need), s, target, minutes(need+10*time.Minute), hint, fix)
}

// CheckTimeout refuses a timeout that cannot cover the group's schedule up
// to until (see Schedule.Needed): the waiter would stop with rollback a
// deployment that was only doing what the group tells it to.
func CheckTimeout(timeout time.Duration, s Schedule, application, group string, until ecsdeploy.Checkpoint) error {
	return checkNeeded(timeout, s, until, fmt.Sprintf("a deployment of group %q (application %q)", group, application), "the group's own schedule", "shorten the group's waits in the infrastructure")
}

// CredentialMargin is the time kept between the end of the timeout and the
// expiry of the AWS credentials: a timed-out deployment must still be
// stopped with rollback and watched until the stop registers.
const CredentialMargin = 5 * time.Minute

// ParseExpiry reads the credentials' expiry, an RFC 3339 time such as
// 2026-03-01T13:00:00Z (what AWS_CREDENTIAL_EXPIRATION holds). Empty means
// unknown and gives the zero time.
func ParseExpiry(value string) (time.Time, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("credentials expiry %q is not an RFC 3339 time; give e.g. 2026-03-01T13:00:00Z (as AWS_CREDENTIAL_EXPIRATION holds)", value)
	}
	return t, nil
}

// CheckCredentials refuses a timeout that outlives the credentials: when
// they expire while the deployment runs, neither the waiter's reads nor the
// stop with rollback can be sent, and the deployment runs on unwatched. A
// zero expiry means unknown and passes.
func CheckCredentials(now time.Time, timeout time.Duration, expiry time.Time) error {
	if expiry.IsZero() {
		return nil
	}
	left := expiry.Sub(now)
	if timeout+CredentialMargin <= left {
		return nil
	}
	if left <= CredentialMargin {
		return fmt.Errorf("the AWS credentials expire at %s (%s from now): too soon to follow a deployment; request a new session covering the build and --timeout (GitHub: role-duration-seconds; CodeBuild: see the README)",
			expiry.UTC().Format(time.RFC3339), minutes(left))
	}
	return fmt.Errorf("--timeout %s outlives the AWS credentials, which expire at %s (%s from now), and a timed-out deployment must still be stopped with rollback (%s margin); pass --timeout %s or less, or request a longer session (GitHub: role-duration-seconds; CodeBuild: see the README)",
		minutes(timeout), expiry.UTC().Format(time.RFC3339), minutes(left), minutes(CredentialMargin), minutes((left - CredentialMargin).Truncate(time.Minute)))
}
