package ecsfake

import (
	"encoding/json"
	"time"
)

// service is the stand-in's view of an ECS service: what moto does not keep.
type service struct {
	arn, clusterArn, name string
	region, accessKey     string // the credential scope of its creator, for calls to moto
	controller            string
	configRaw             json.RawMessage
	config                deploymentConfig
	loadBalancers         []loadBalancer
	desired               int
	current               *revision // the revision serving production
	deployments           []*deployment
}

// revision is a service revision: a task definition with the service
// settings it runs under, and the target group it serves from.
type revision struct {
	arn            string
	svc            *service
	created        time.Time
	taskDefinition string
	targetGroups   map[int]string // load balancer index → target group it is registered in
}

// hookDetail is one lifecycle hook run of a deployment; a deployment keeps
// every run, each with the status it ended in.
type hookDetail struct {
	id            string
	targetArn     string
	targetType    string
	status        string // IN_PROGRESS, AWAITING_ACTION, SUCCEEDED, FAILED, TIMED_OUT
	timeoutAction string
	expiresAt     time.Time

	// A Lambda hook whose function is registered (SetHookFunction) is
	// invoked: stage and execution go into every payload, details are the
	// hookDetails of the next one, nextCall is when it is due and calling
	// says an invocation is under way.
	invoked   bool
	stage     string
	execution string
	details   json.RawMessage
	nextCall  time.Time
	calling   bool
}

// deployment is a service deployment and where it stands.
type deployment struct {
	arn     string
	svc     *service
	source  *revision // nil for a service's first deployment
	target  *revision
	config  deploymentConfig
	raw     json.RawMessage
	plan    []step
	desired int

	status, reason, stage string
	created, updated      time.Time
	// createdAt is the createdAt reported and filtered on: created, or a
	// millisecond after the service's previous deployment when the clock
	// has not moved since.
	createdAt         time.Time
	started, finished time.Time
	stopped           time.Time

	idx       int       // current step in plan; -1 before the first
	stepStart time.Time // when the current step's own duration began
	stepDur   time.Duration
	hooks     []*hookDetail

	prod, test float64 // traffic % on the target revision now

	rollbackStarted time.Time
	rollbackReason  string
	// prodBefore and testBefore are the weights when the rollback began,
	// which a failed rollback leaves in place.
	prodBefore, testBefore float64
	// breaker is the circuit breaker's state: "" (not monitoring),
	// MONITORING or TRIGGERED, with the failed task count.
	breaker         string
	taskFailure     int
	stopRequestedAt time.Time
	triggeredAlarms []string
}

func (d *deployment) active() bool {
	switch d.status {
	case "PENDING", "IN_PROGRESS", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED":
		return true
	}
	return false
}

func (d *deployment) awaiting() bool {
	for _, h := range d.hooks {
		if h.status == "AWAITING_ACTION" {
			return true
		}
	}
	return false
}

func (d *deployment) alarmNames() []string {
	if a := d.config.Alarms; a != nil && a.Enable {
		return a.AlarmNames
	}
	return nil
}
