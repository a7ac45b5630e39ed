package ecsfake

import (
	"fmt"
	"slices"
	"time"
)

// The deployment engine: minting revisions and deployments, moving them
// through their plan on the clock, rollbacks, and the listener-rule weights
// that follow. Every function here runs with s.mu held.

// newRevision mints a service revision for taskDef. A revision after from
// serves from the other target group of each load balancer, as ECS swaps
// blue and green on every deployment.
func (s *Server) newRevision(svc *service, taskDef string, from *revision) *revision {
	rev := &revision{
		arn:            fmt.Sprintf("arn:aws:ecs:%s:%s:service-revision/%s/%s/%s", svc.region, accountOf(svc.arn), lastSegment(svc.clusterArn), svc.name, randomDigits(19)),
		svc:            svc,
		created:        s.clock.Now(),
		taskDefinition: taskDef,
		targetGroups:   map[int]string{},
	}
	s.revisions[rev.arn] = rev
	for i, lb := range svc.loadBalancers {
		tg := lb.TargetGroupArn
		if from != nil && lb.AdvancedConfiguration != nil && from.targetGroups[i] == lb.TargetGroupArn {
			tg = lb.AdvancedConfiguration.AlternateTargetGroupArn
		}
		rev.targetGroups[i] = tg
	}
	return rev
}

// deploymentArn mints a service deployment ARN in ECS's format.
func (s *Server) deploymentArn(svc *service) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:service-deployment/%s/%s/%s-%s", svc.region, accountOf(svc.arn),
		lastSegment(svc.clusterArn), svc.name, randomString(8, upperAlnum), randomString(12, mixedAlnum))
}

// startDeployment begins a deployment of taskDef; one still running is
// stopped first, its traffic back on the serving revision.
func (s *Server) startDeployment(svc *service, taskDef string) *deployment {
	now := s.clock.Now()
	for _, old := range svc.deployments {
		if old.active() {
			old.status, old.reason = "STOPPED", "A newer service deployment superseded this one."
			old.stopped, old.finished, old.updated = now, now, now
			old.prod, old.test = 0, 0
			s.applyWeights(old)
		}
	}
	d := &deployment{
		arn: s.deploymentArn(svc), svc: svc, source: svc.current,
		target: s.newRevision(svc, taskDef, svc.current),
		config: svc.config, raw: svc.configRaw, desired: svc.desired,
		status: "PENDING", created: now, createdAt: now, updated: now, idx: -1,
	}
	// ECS stamps each deployment of a service with an instant of its own; a
	// test clock standing still would give two the same createdAt.
	if last := svc.deployments[len(svc.deployments)-1]; !d.createdAt.After(last.createdAt) {
		d.createdAt = last.createdAt.Add(time.Millisecond)
	}
	if isShifting(svc.config.Strategy) {
		d.plan = buildPlan(svc.config, s.timings)
	} else {
		// A rolling update: start the new tasks, then stop the old ones.
		d.plan = []step{{dur: s.timings.ScaleUp}, {dur: s.timings.CleanUp, scaled: true, prod: 100, test: 100}}
	}
	svc.deployments = append(svc.deployments, d)
	s.byArn[d.arn] = d
	return d
}

func (s *Server) advanceAll(now time.Time) {
	for _, svc := range s.services {
		for _, d := range svc.deployments {
			if d.active() {
				s.advance(d, now)
			}
		}
	}
}

// advance moves d through every transition due by now, each at the time it
// was due, so a clock advanced by hours replays the hours in order.
func (s *Server) advance(d *deployment, now time.Time) {
	for {
		switch d.status {
		case "PENDING":
			at := d.created.Add(s.timings.Pending)
			if now.Before(at) {
				return
			}
			d.status, d.started = "IN_PROGRESS", at
			s.enter(d, 0, at)
		case "IN_PROGRESS":
			if !s.progress(d, now) {
				return
			}
		case "ROLLBACK_REQUESTED":
			if !now.After(d.stopRequestedAt) {
				return
			}
			s.startRollback(d, d.stopRequestedAt, d.rollbackReason)
		case "ROLLBACK_IN_PROGRESS":
			at := d.rollbackStarted.Add(s.timings.Rollback)
			if now.Before(at) {
				return
			}
			if s.failRollbacks {
				// The rollback could not move traffic back: it stays where
				// it was when the rollback began, and the service keeps the
				// failed release's task definition.
				d.status, d.finished, d.updated = "ROLLBACK_FAILED", at, at
				d.reason = "The rollback to the source service revision failed."
				d.prod, d.test = d.prodBefore, d.testBefore
				s.applyWeights(d)
				return
			}
			d.status, d.finished, d.updated = "ROLLBACK_SUCCESSFUL", at, at
			d.svc.current = d.source
			if err := s.ecsCall(d.svc, "UpdateService", map[string]any{"cluster": d.svc.clusterArn, "service": d.svc.name, "taskDefinition": d.source.taskDefinition}); err != nil {
				s.failures = append(s.failures, fmt.Errorf("restoring %s after rollback: %w", d.svc.name, err))
			}
			return
		case "STOP_REQUESTED":
			if !now.After(d.stopRequestedAt) {
				return
			}
			d.status, d.stopped, d.finished, d.updated = "STOPPED", now, now, now
			return
		default:
			return
		}
	}
}

// progress takes one step of an IN_PROGRESS deployment if one is due by now,
// and reports whether it did.
func (s *Server) progress(d *deployment, now time.Time) bool {
	// The next transition is the end of the current step; a waiting PAUSE
	// hook holds it until continued or timed out.
	next := d.stepStart.Add(d.stepDur)
	var expiring *hookDetail
	if d.awaiting() {
		for _, h := range d.hooks {
			if h.status == "AWAITING_ACTION" && (expiring == nil || h.expiresAt.Before(expiring.expiresAt)) {
				expiring = h
			}
		}
		next = expiring.expiresAt
	}
	// A Lambda hook being invoked holds the step too: the step goes no
	// further than its next invocation, which catchUp makes outside the
	// lock.
	call, calling := d.pendingCall()
	if calling && (expiring == nil || !call.After(next)) {
		expiring = nil
		next = call
		if call.IsZero() { // an invocation under way
			next = now
		}
	}
	horizon := now
	if next.Before(horizon) {
		horizon = next
	}
	if alarm, at := s.firstAlarm(d, horizon); alarm != "" {
		if at.Before(d.stepStart) {
			at = d.stepStart
		}
		d.triggeredAlarms = []string{alarm}
		s.startRollback(d, at, fmt.Sprintf("CloudWatch alarm %s went into ALARM during the deployment.", alarm))
		return true
	}
	if now.Before(next) || calling && expiring == nil {
		return false
	}
	if expiring != nil {
		expiring.status = "TIMED_OUT"
		d.updated = next
		if expiring.timeoutAction == "ROLLBACK" {
			s.startRollback(d, next, fmt.Sprintf("Lifecycle hook %s timed out.", expiring.id))
		} else if !d.awaiting() {
			d.stepStart = next
		}
		return true
	}
	if d.idx+1 < len(d.plan) && !d.plan[d.idx].scaled && d.plan[d.idx+1].scaled && s.failingTasks[d.target.taskDefinition] {
		s.tasksFailed(d, next)
		return true
	}
	if d.idx+1 < len(d.plan) {
		s.enter(d, d.idx+1, next)
		return true
	}
	d.status, d.finished, d.updated = "SUCCESSFUL", next, next
	d.svc.current = d.target
	return true
}

// enter starts step i of d's plan at time at: traffic moves to the step's
// weights and the hooks of its stage fire.
func (s *Server) enter(d *deployment, i int, at time.Time) {
	st := d.plan[i]
	d.idx, d.stage, d.stepStart, d.stepDur, d.updated = i, st.stage, at, st.dur, at
	d.prod, d.test = st.prod, st.test
	fired := len(d.hooks)
	if st.hookStage != "" {
		for _, h := range d.config.LifecycleHooks {
			if !slices.Contains(h.LifecycleStages, st.hookStage) {
				continue
			}
			hd := &hookDetail{id: hookID(), targetArn: h.HookTargetArn, targetType: h.TargetType, status: "SUCCEEDED", timeoutAction: "ROLLBACK"}
			if hd.targetType == "" {
				hd.targetType = "AWS_LAMBDA"
			}
			minutes := 1440
			if t := h.TimeoutConfiguration; t != nil {
				if t.Action != "" {
					hd.timeoutAction = t.Action
				}
				if t.TimeoutInMinutes != nil {
					minutes = *t.TimeoutInMinutes
				}
			}
			switch {
			case hd.targetType == "PAUSE":
				hd.status = "AWAITING_ACTION"
				hd.expiresAt = at.Add(time.Duration(minutes) * time.Minute)
			case s.failing[hd.targetArn]:
				hd.status = "FAILED"
			case s.functions[hd.targetArn] != nil:
				// The function decides: the stage holds until it answers.
				hd.status, hd.invoked, hd.stage, hd.execution = "IN_PROGRESS", true, st.hookStage, hookID()
				hd.details, hd.nextCall = h.HookDetails, at
			default:
				// A Lambda hook takes a while; the stage lasts at least that.
				d.stepDur = max(d.stepDur, s.timings.Hook)
			}
			d.hooks = append(d.hooks, hd)
		}
	}
	s.applyWeights(d)
	for _, h := range d.hooks[fired:] {
		if h.status == "FAILED" {
			s.startRollback(d, at, fmt.Sprintf("Lifecycle hook %s (%s) failed at %s.", h.id, h.targetArn, st.hookStage))
			return
		}
	}
}

// applyWeights rewrites the listener rules of d's service so the target
// revision's target group gets d.prod % of production and d.test % of test
// traffic, and the other target group the rest.
func (s *Server) applyWeights(d *deployment) {
	if !isShifting(d.config.Strategy) {
		return
	}
	rules := s.rules(d.svc)
	for i, lb := range d.svc.loadBalancers {
		a := lb.AdvancedConfiguration
		if a == nil {
			continue
		}
		target := d.target.targetGroups[i]
		other := lb.TargetGroupArn
		if other == target {
			other = a.AlternateTargetGroupArn
		}
		set := func(rule string, pct float64) {
			if rule == "" {
				return
			}
			if err := rules.setWeights(rule, map[string]float64{target: pct, other: 100 - pct}); err != nil {
				s.failures = append(s.failures, fmt.Errorf("shifting traffic on %s: %w", rule, err))
			}
		}
		set(a.ProductionListenerRule, d.prod)
		set(a.TestListenerRule, d.test)
	}
}

// revisionCount is a revision with its running task count, for
// currentServiceRevisions.
type revisionCount struct {
	arn     string
	running int
}

// liveRevisions are the revisions with tasks: the serving one and, while a
// deployment runs, its target once scaled up.
func (s *Server) liveRevisions(svc *service) []revisionCount {
	out := []revisionCount{{arn: svc.current.arn, running: svc.desired}}
	latest := svc.deployments[len(svc.deployments)-1]
	if latest.active() && latest.target != svc.current {
		running := 0
		if latest.idx >= 0 && latest.plan[latest.idx].scaled && latest.status == "IN_PROGRESS" {
			running = svc.desired
		}
		out = append(out, revisionCount{arn: latest.target.arn, running: running})
	}
	return out
}
