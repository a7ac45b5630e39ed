package deploy

import (
	"context"
	"testing"
	"time"
)

// BenchmarkWaiterNoticesChange measures one poll cycle of Wait against the
// scripted CodeDeploy server over loopback: GetDeployment,
// BatchGetDeploymentTargets (the target id is cached after the first cycle),
// change detection and rendering of the progress line. The notice delay
// itself is bounded by the poll schedule (TestPollScheduleNeverLeavesGapOverFiveSeconds):
// at most DefaultPollInterval plus one such cycle.
func BenchmarkWaiterNoticesChange(b *testing.B) {
	clock := newFakeClock()
	s := newScripted(b, clock,
		phase{Status: "InProgress", Events: rep("Succeeded", 3), TaskSets: true, Green: 0},
		phase{At: time.Second, Status: "InProgress", Events: rep("Succeeded", 6), TaskSets: true, Green: 100},
	)
	o := &observer{api: s.client(1), id: s.id}
	ctx := context.Background()
	prev, err := o.observe(ctx)
	if err != nil {
		b.Fatal(err)
	}
	clock.advance(time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := o.observe(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if signature(r) == signature(prev) {
			b.Fatal("change not noticed")
		}
		_ = progressLine(time.Minute, r, &prev)
	}
}
