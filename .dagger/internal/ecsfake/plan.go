package ecsfake

import (
	"math"
	"time"
)

// Timings are how long the stand-in lets the stages last that ECS times
// itself (starting tasks, moving traffic, draining). The bake times come from
// the deployment configuration. Zero fields take the defaults.
type Timings struct {
	Pending         time.Duration // PENDING before IN_PROGRESS (default 15s)
	Reconcile       time.Duration // RECONCILE_SERVICE (default 15s)
	ScaleUp         time.Duration // SCALE_UP: the new revision's tasks start (default 1m)
	TestShift       time.Duration // TEST_TRAFFIC_SHIFT (default 15s)
	ProductionShift time.Duration // each PRODUCTION_TRAFFIC_SHIFT step (default 15s)
	CleanUp         time.Duration // CLEAN_UP: the old revision drains (default 1m)
	Hook            time.Duration // a stage whose Lambda hooks run lasts at least this (default 30s)
	Rollback        time.Duration // ROLLBACK_IN_PROGRESS (default 1m)
}

func (t Timings) withDefaults() Timings {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.Pending, 15*time.Second)
	def(&t.Reconcile, 15*time.Second)
	def(&t.ScaleUp, time.Minute)
	def(&t.TestShift, 15*time.Second)
	def(&t.ProductionShift, 15*time.Second)
	def(&t.CleanUp, time.Minute)
	def(&t.Hook, 30*time.Second)
	def(&t.Rollback, time.Minute)
	return t
}

// step is one stretch of a deployment's plan. Entering it fires the hooks of
// hookStage (if any) and sets the target revision's traffic weights; it
// lasts dur once every PAUSE hook of the stage has been continued.
type step struct {
	stage     string // lifecycleStage reported while in this step
	hookStage string // lifecycle hook stage fired on entry, "" for none
	dur       time.Duration
	prod      float64 // production traffic % on the target revision
	test      float64 // test traffic % on the target revision
	scaled    bool    // the target revision's tasks are running
}

// Defaults ECS applies when a linear or canary configuration leaves a field out.
const (
	defaultStepPercent   = 10.0
	defaultStepBake      = 6
	defaultCanaryPercent = 5.0
	defaultCanaryBake    = 10
)

// productionWeights returns the production traffic percentages on the
// target revision after each production shift, and the bake after each but
// the last.
func productionWeights(c deploymentConfig) (weights []float64, bakes []time.Duration) {
	switch c.Strategy {
	case "LINEAR":
		pct, bake := defaultStepPercent, defaultStepBake
		if l := c.LinearConfiguration; l != nil {
			if l.StepPercent != nil {
				pct = *l.StepPercent
			}
			if l.StepBakeTimeInMinutes != nil {
				bake = *l.StepBakeTimeInMinutes
			}
		}
		for w := pct; ; w += pct {
			w = math.Round(w*10) / 10
			if w >= 100 {
				weights = append(weights, 100)
				break
			}
			weights = append(weights, w)
			bakes = append(bakes, time.Duration(bake)*time.Minute)
		}
	case "CANARY":
		pct, bake := defaultCanaryPercent, defaultCanaryBake
		if cc := c.CanaryConfiguration; cc != nil {
			if cc.CanaryPercent != nil {
				pct = *cc.CanaryPercent
			}
			if cc.CanaryBakeTimeInMinutes != nil {
				bake = *cc.CanaryBakeTimeInMinutes
			}
		}
		if pct < 100 {
			weights = append(weights, pct)
			bakes = append(bakes, time.Duration(bake)*time.Minute)
		}
		weights = append(weights, 100)
	default: // BLUE_GREEN
		weights = []float64{100}
	}
	return weights, bakes
}

// buildPlan lays out the stages of a blue/green, linear or canary deployment.
func buildPlan(c deploymentConfig, t Timings) []step {
	plan := []step{
		{stage: "RECONCILE_SERVICE", hookStage: "RECONCILE_SERVICE", dur: t.Reconcile},
		{stage: "PRE_SCALE_UP", hookStage: "PRE_SCALE_UP"},
		{stage: "SCALE_UP", dur: t.ScaleUp},
		{stage: "POST_SCALE_UP", hookStage: "POST_SCALE_UP", scaled: true},
		{stage: "TEST_TRAFFIC_SHIFT", hookStage: "TEST_TRAFFIC_SHIFT", dur: t.TestShift, test: 100, scaled: true},
		{stage: "POST_TEST_TRAFFIC_SHIFT", hookStage: "POST_TEST_TRAFFIC_SHIFT", test: 100, scaled: true},
	}
	weights, bakes := productionWeights(c)
	prev := 0.0
	for i, w := range weights {
		// PRE_PRODUCTION_TRAFFIC_SHIFT comes before every production step;
		// without a hook it takes no time, so a reader polling now and then
		// sees it only when a hook holds it.
		plan = append(plan,
			step{stage: "PRE_PRODUCTION_TRAFFIC_SHIFT", hookStage: "PRE_PRODUCTION_TRAFFIC_SHIFT", prod: prev, test: 100, scaled: true},
			step{stage: "PRODUCTION_TRAFFIC_SHIFT", hookStage: "PRODUCTION_TRAFFIC_SHIFT", dur: t.ProductionShift, prod: w, test: 100, scaled: true},
			step{stage: "POST_PRODUCTION_TRAFFIC_SHIFT", hookStage: "POST_PRODUCTION_TRAFFIC_SHIFT", prod: w, test: 100, scaled: true},
		)
		if i < len(bakes) {
			// A step bake: traffic stays split until the next step.
			plan = append(plan, step{stage: "PRODUCTION_TRAFFIC_SHIFT", dur: bakes[i], prod: w, test: 100, scaled: true})
		}
		prev = w
	}
	bake := 0
	if c.BakeTimeInMinutes != nil {
		bake = *c.BakeTimeInMinutes
	}
	return append(plan,
		step{stage: "BAKE_TIME", dur: time.Duration(bake) * time.Minute, prod: 100, test: 100, scaled: true},
		step{stage: "CLEAN_UP", dur: t.CleanUp, prod: 100, test: 100, scaled: true},
	)
}
