package codedeployfake

import (
	"math"
	"time"
)

// Indexes in LifecycleEvents of the events with side effects.
const (
	allowTestTraffic      = 3
	afterAllowTestTraffic = 4
	allowTraffic          = 6
)

func (s *Server) advanceAll(now time.Time) {
	for _, d := range s.order {
		s.advance(d, now)
	}
}

// advance moves d through every step whose time has come by now.
func (s *Server) advance(d *deployment, now time.Time) {
	for {
		switch d.status {
		case "InProgress":
			end := d.stepStart.Add(s.duration(d, d.step))
			if now.Before(end) {
				if d.step == allowTraffic {
					d.green = d.shareAt(now.Sub(d.stepStart))
					s.applyTraffic(d)
				}
				return
			}
			s.finishStep(d, end)
		case "Ready":
			wait := time.Duration(d.group.readyWait) * time.Minute
			if wait == 0 || now.Before(d.waitSince.Add(wait)) {
				return
			}
			// STOP_DEPLOYMENT: nobody rerouted traffic within the wait.
			d.status, d.completed = "Stopped", d.waitSince.Add(wait)
			d.errCode, d.errMsg = "TIMEOUT", "the traffic was not rerouted within the deployment group's ready wait"
		case "Baking":
			end := d.waitSince.Add(time.Duration(d.group.termWait) * time.Minute)
			if now.Before(end) {
				return
			}
			s.succeed(d, end)
		default:
			return
		}
	}
}

// duration is how long lifecycle event i of d takes.
func (s *Server) duration(d *deployment, i int) time.Duration {
	switch {
	case i == 1 && d.rollbackOf == "":
		return s.timings.Install
	case i == allowTraffic && d.rollbackOf == "":
		every := time.Duration(d.config.every) * time.Minute
		switch d.config.routing {
		case "TimeBasedCanary":
			return every
		case "TimeBasedLinear":
			return time.Duration(math.Ceil(100/d.config.percent)-1) * every
		}
	}
	return s.timings.Event
}

// shareAt is the replacement's share of production traffic elapsed into
// AllowTraffic.
func (d *deployment) shareAt(elapsed time.Duration) float64 {
	switch d.config.routing {
	case "TimeBasedCanary":
		return d.config.percent
	case "TimeBasedLinear":
		steps := math.Floor(elapsed.Minutes()/float64(d.config.every)) + 1
		return math.Min(100, steps*d.config.percent)
	}
	return 100
}

// finishStep ends the running event at end and starts what follows.
func (s *Server) finishStep(d *deployment, end time.Time) {
	d.events[d.step] = eventState{status: "Succeeded", start: d.stepStart, end: end}
	switch d.step {
	case allowTestTraffic:
		s.moveTest(d, d.replacement)
	case allowTraffic:
		d.green = 100
		s.applyTraffic(d)
	}
	switch {
	case d.step == afterAllowTestTraffic && d.group.readyAction == "STOP_DEPLOYMENT" && d.rollbackOf == "":
		d.status, d.waitSince = "Ready", end
	case d.step == len(LifecycleEvents)-1:
		if d.group.termWait > 0 && d.rollbackOf == "" {
			d.status, d.waitSince = "Baking", end
			return
		}
		s.succeed(d, end)
	default:
		s.nextStep(d, end)
	}
}

// nextStep starts the event after the current one at t.
func (s *Server) nextStep(d *deployment, t time.Time) {
	d.status = "InProgress"
	d.step, d.stepStart = d.step+1, t
	d.events[d.step] = eventState{status: "InProgress", start: t}
	if d.step == allowTraffic && d.rollbackOf == "" {
		d.green = d.shareAt(0)
		s.applyTraffic(d)
	}
}

// succeed ends d: the replacement serves, and the service runs its task
// definition.
func (s *Server) succeed(d *deployment, t time.Time) {
	d.status, d.completed = "Succeeded", t
	s.moveTest(d, d.replacement)
	if d.taskDef != "" {
		s.setServiceTaskDefinition(d.group, d.taskDef)
	}
}
