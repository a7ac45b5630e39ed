package release

import (
	"context"
	"flag"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/ecs-bluegreen/bundle"
	"dagger/ecs-bluegreen/deploy"
	"dagger/ecs-bluegreen/internal/ecsfake"
	"dagger/ecs-bluegreen/stackout"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// nativeImage is the image the native tests release; the stand-in's task
// family pulls from a registry that needs no execution role.
const nativeImage = "registry.example/webapp:v3@" + digest

// steppedClock is the waiter's clock on the stand-in's manual clock: each
// Sleep moves both forward, and the events planned at a simulated time run
// once the clock reaches it (an alarm, a person pressing continue, a
// cancelled pipeline).
type steppedClock struct {
	*ecsfake.ManualClock
	start  time.Time
	mu     sync.Mutex
	events []clockEvent
}

type clockEvent struct {
	at time.Duration
	do func()
}

func newSteppedClock(c *ecsfake.ManualClock) *steppedClock {
	return &steppedClock{ManualClock: c, start: c.Now()}
}

// at runs do once the clock is d past its start.
func (c *steppedClock) at(d time.Duration, do func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, clockEvent{d, do})
}

func (c *steppedClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	c.mu.Lock()
	var due []func()
	kept := c.events[:0]
	for _, e := range c.events {
		if c.Now().Sub(c.start) >= e.at {
			due = append(due, e.do)
		} else {
			kept = append(kept, e)
		}
	}
	c.events = kept
	c.mu.Unlock()
	for _, do := range due {
		do()
	}
	return ctx.Err()
}

// nativeWorld is the stand-in with a service on cfg and the plan a release
// reads from an ecs-mode stack.
func nativeWorld(t *testing.T, cfg *ecstypes.DeploymentConfiguration) (*ecsfake.Env, *Plan) {
	t.Helper()
	e := ecsfake.NewEnv(t)
	e.CreateService(t, cfg)
	target := stackout.ReleaseTarget{
		Stack: "webapp-service", ClusterName: e.Cluster, ServiceName: e.Service, TaskFamily: "webapp",
		TaskDefinitionArn: e.V1, ContainerName: "webapp", ContainerPort: 3000, DeploymentMode: stackout.ModeECS,
		ProductionUrl: "http://prod.example", TestUrl: "http://prod.example:8080",
	}
	plan, err := LoadTarget(context.Background(), e.ECS, target)
	if err != nil {
		t.Fatalf("LoadTarget: %v", err)
	}
	return e, plan
}

func nativeRequest(clock deploy.Clock, out *strings.Builder, timeout time.Duration) DeployRequest {
	return DeployRequest{
		Options:  Options{Mode: bundle.ModeDirect, Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)},
		ImageURI: nativeImage, ReleaseID: "r-20261130T120000Z-0a1b2c3d",
		Wait: deploy.Options{Clock: clock, Out: out, Timeout: timeout},
	}
}

func canary() *ecstypes.DeploymentConfiguration {
	return &ecstypes.DeploymentConfiguration{Strategy: ecstypes.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(10),
		CanaryConfiguration: &ecstypes.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(5)},
		Alarms:              &ecstypes.DeploymentAlarms{AlarmNames: []string{"green-5xx"}, Enable: true, Rollback: true}}
}
