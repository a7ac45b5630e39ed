package ecsfake

import (
	"sync"
	"time"
)

// Clock is the stand-in's time source. Any clock with a Now method fits,
// including the fake clock of a waiter under test, so the waiter's sleeps
// move the deployment forward.
type Clock interface {
	Now() time.Time
}

// ManualClock is a Clock that moves only when told to. It is safe for
// concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock stopped at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
