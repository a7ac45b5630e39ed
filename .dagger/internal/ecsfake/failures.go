package ecsfake

import "time"

// How a deployment fails: tasks that do not start (the circuit breaker),
// rollbacks, and the alarms that start them. Every function here runs with
// s.mu held.

// tasksFailed handles the end of the step that starts the new revision's
// tasks when they fail (FailTasks): the deployment circuit breaker, when
// enabled, trips and rolls the deployment back (or stops it without
// rollback); without it ECS keeps replacing the failed tasks, and the step
// starts over.
func (s *Server) tasksFailed(d *deployment, at time.Time) {
	d.taskFailure += d.desired
	d.updated = at
	cb := d.config.CircuitBreaker
	switch {
	case cb == nil || !cb.Enable:
		d.stepStart = at
	case cb.Rollback:
		d.breaker = "TRIGGERED"
		s.startRollback(d, at, "Service deployment rolled back because the circuit breaker threshold was exceeded: tasks of the new service revision failed to start.")
	default:
		d.breaker = "TRIGGERED"
		d.status, d.reason = "STOPPED", "Service deployment stopped because the circuit breaker threshold was exceeded: tasks of the new service revision failed to start."
		d.stopped, d.finished = at, at
	}
}

// startRollback sends traffic back to the source revision at time at.
func (s *Server) startRollback(d *deployment, at time.Time, reason string) {
	d.prodBefore, d.testBefore = d.prod, d.test
	d.status, d.rollbackStarted, d.rollbackReason, d.reason, d.updated = "ROLLBACK_IN_PROGRESS", at, reason, reason, at
	for _, h := range d.hooks {
		if h.status == "AWAITING_ACTION" || h.status == "IN_PROGRESS" && h.invoked {
			h.status = "FAILED"
		}
	}
	d.prod, d.test = 0, 0
	s.applyWeights(d)
}

// firstAlarm returns a monitored alarm that went into ALARM by upTo, and when.
func (s *Server) firstAlarm(d *deployment, upTo time.Time) (string, time.Time) {
	if a := d.config.Alarms; a == nil || !a.Enable || !a.Rollback {
		return "", time.Time{}
	}
	for _, name := range d.alarmNames() {
		if since, on := s.alarms[name]; on && !since.After(upTo) {
			return name, since
		}
	}
	return "", time.Time{}
}
