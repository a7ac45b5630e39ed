package infragate

import (
	"context"
	"sync"
	"testing"
	"time"

	"dagger/ecs-bluegreen/internal/moto"
)

func TestMain(m *testing.M) { moto.Main(m) }

// instantClock advances only when the gate sleeps.
type instantClock struct {
	mu     sync.Mutex
	start  time.Time
	now    time.Time
	sleeps int
}

func newInstantClock() *instantClock {
	now := time.Now()
	return &instantClock{start: now, now: now}
}

func (c *instantClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *instantClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps++
	c.mu.Unlock()
	return ctx.Err()
}
