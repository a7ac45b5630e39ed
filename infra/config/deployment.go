package config

import "fmt"

// Deployment is a traffic-shifting strategy shared by both modes.
type Deployment struct {
	// Name is the configured name, e.g. ALL_AT_ONCE or CUSTOM_CANARY.
	Name string
	// Kind is all-at-once, canary or linear.
	Kind ShiftKind
	// Percent is the share of traffic moved per step (canary, linear).
	Percent int
	// Minutes is the wait between steps (canary, linear).
	Minutes int
}

// ShiftKind is how traffic moves from blue to green.
type ShiftKind string

const (
	// AllAtOnce moves all traffic in one step.
	AllAtOnce ShiftKind = "all-at-once"
	// Canary moves Percent, waits Minutes, then moves the rest.
	Canary ShiftKind = "canary"
	// Linear moves Percent every Minutes until all traffic moved.
	Linear ShiftKind = "linear"
)

// Custom deployment names: the percentage and interval come from the
// trafficPercent and trafficMinutes keys.
const (
	CustomCanary = "CUSTOM_CANARY"
	CustomLinear = "CUSTOM_LINEAR"
)

// predefined maps the CodeDeploy predefined ECS configurations (named like
// the CDK constants) to their shape.
var predefined = map[string]Deployment{
	"ALL_AT_ONCE":                     {Kind: AllAtOnce},
	"CANARY_10PERCENT_5MINUTES":       {Kind: Canary, Percent: 10, Minutes: 5},
	"CANARY_10PERCENT_15MINUTES":      {Kind: Canary, Percent: 10, Minutes: 15},
	"LINEAR_10PERCENT_EVERY_1MINUTES": {Kind: Linear, Percent: 10, Minutes: 1},
	"LINEAR_10PERCENT_EVERY_3MINUTES": {Kind: Linear, Percent: 10, Minutes: 3},
}

// DeploymentNames lists the accepted deploymentConfig values in a stable
// order (used in error messages and docs).
var DeploymentNames = []string{
	"ALL_AT_ONCE",
	"CANARY_10PERCENT_5MINUTES",
	"CANARY_10PERCENT_15MINUTES",
	"LINEAR_10PERCENT_EVERY_1MINUTES",
	"LINEAR_10PERCENT_EVERY_3MINUTES",
	CustomCanary,
	CustomLinear,
}

// Predefined reports whether the deployment is one of CodeDeploy's own
// configurations (so no custom deployment config resource is needed).
func (d Deployment) Predefined() bool {
	_, ok := predefined[d.Name]
	return ok
}

// String describes the strategy for humans.
func (d Deployment) String() string {
	switch d.Kind {
	case Canary:
		return fmt.Sprintf("canary %d%% then the rest after %d min", d.Percent, d.Minutes)
	case Linear:
		return fmt.Sprintf("linear %d%% every %d min", d.Percent, d.Minutes)
	}
	return "all at once"
}
