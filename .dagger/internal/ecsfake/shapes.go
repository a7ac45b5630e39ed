package ecsfake

import "time"

// The JSON shapes of a deployment as ListServiceDeployments and
// DescribeServiceDeployments write them.

// brief is the ListServiceDeployments shape of d.
func (d *deployment) brief() map[string]any {
	m := map[string]any{
		"serviceDeploymentArn":     d.arn,
		"serviceArn":               d.svc.arn,
		"clusterArn":               d.svc.clusterArn,
		"status":                   d.status,
		"targetServiceRevisionArn": d.target.arn,
		"createdAt":                epoch(d.createdAt),
	}
	putTime(m, "startedAt", d.started)
	putTime(m, "finishedAt", d.finished)
	if d.reason != "" {
		m["statusReason"] = d.reason
	}
	return m
}

// describe is the DescribeServiceDeployments shape of d.
func (d *deployment) describe() map[string]any {
	m := d.brief()
	delete(m, "targetServiceRevisionArn")
	putTime(m, "updatedAt", d.updated)
	putTime(m, "stoppedAt", d.stopped)
	if d.raw != nil {
		m["deploymentConfiguration"] = d.raw
	}
	if d.stage != "" {
		m["lifecycleStage"] = d.stage
	}
	running := 0
	if d.idx >= 0 && d.plan[d.idx].scaled && d.active() {
		running = d.desired
	}
	if d.status == "SUCCESSFUL" {
		running = d.desired
	}
	m["targetServiceRevision"] = revisionSummary(d.target.arn, d.desired, running, d.prod, d.test)
	if d.source != nil {
		srcRunning := d.desired
		if d.status == "SUCCESSFUL" {
			srcRunning = 0
		}
		m["sourceServiceRevisions"] = []any{revisionSummary(d.source.arn, d.desired, srcRunning, 100-d.prod, 100-d.test)}
	}
	if !d.rollbackStarted.IsZero() {
		m["rollback"] = map[string]any{"reason": d.rollbackReason, "startedAt": epoch(d.rollbackStarted), "serviceRevisionArn": d.source.arn}
	}
	if names := d.alarmNames(); len(names) > 0 {
		status := "MONITORING"
		switch {
		case len(d.triggeredAlarms) > 0:
			status = "TRIGGERED"
		case !d.active():
			status = "MONITORING_COMPLETE"
		}
		m["alarms"] = map[string]any{"alarmNames": names, "status": status, "triggeredAlarmNames": d.triggeredAlarms}
	} else {
		m["alarms"] = map[string]any{"status": "DISABLED"}
	}
	if cb := d.config.CircuitBreaker; cb != nil && cb.Enable {
		status := d.breaker
		if status == "" {
			status = "MONITORING"
			if !d.active() {
				status = "MONITORING_COMPLETE"
			}
		}
		m["deploymentCircuitBreaker"] = map[string]any{"status": status, "failureCount": d.taskFailure, "threshold": circuitBreakerThreshold(d.desired)}
	} else {
		m["deploymentCircuitBreaker"] = map[string]any{"status": "DISABLED"}
	}
	var hooks []any
	for _, h := range d.hooks {
		hm := map[string]any{"hookId": h.id, "targetType": h.targetType, "status": h.status, "timeoutAction": h.timeoutAction}
		if h.targetArn != "" {
			hm["targetArn"] = h.targetArn
		}
		putTime(hm, "expiresAt", h.expiresAt)
		hooks = append(hooks, hm)
	}
	if hooks != nil {
		m["lifecycleHookDetails"] = hooks
	}
	return m
}

// circuitBreakerThreshold is ECS's failed-task threshold: half the desired
// count, at least 3 and at most 200.
func circuitBreakerThreshold(desired int) int { return min(max(desired/2, 3), 200) }

func revisionSummary(arn string, requested, running int, prod, test float64) map[string]any {
	return map[string]any{
		"arn": arn, "requestedTaskCount": requested, "runningTaskCount": running, "pendingTaskCount": requested - running,
		"requestedProductionTrafficWeight": prod, "requestedTestTrafficWeight": test,
	}
}

// epoch is a timestamp as the JSON 1.1 protocol writes it: seconds since the
// Unix epoch, with a fraction.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func putTime(m map[string]any, name string, t time.Time) {
	if !t.IsZero() {
		m[name] = epoch(t)
	}
}
