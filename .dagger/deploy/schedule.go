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
	parts = append(parts, "termination wait "+minutes(s.TerminationWait))
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

// CheckTimeout refuses a timeout that cannot cover the group's schedule: the
// waiter would stop with rollback a deployment that was only doing what the
// group tells it to.
func CheckTimeout(timeout time.Duration, s Schedule, application, group string) error {
	if timeout >= s.Minimum() {
		return nil
	}
	return fmt.Errorf("--timeout %s cannot cover a deployment of group %q (application %q): the group's own schedule takes at least %s (%s); pass --timeout %s or more (the schedule plus time to start the new tasks), or shorten the group's waits in the infrastructure",
		minutes(timeout), group, application, minutes(s.Minimum()), s, minutes(s.Minimum()+10*time.Minute))
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
