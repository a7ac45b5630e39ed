package rehearsal

import (
	"fmt"
	"time"
)

// ScaledClock is the wall clock sped up by Scale from the moment it was
// made: with Scale 60 a minute of deployment takes a second.
type ScaledClock struct {
	start time.Time
	scale float64
	wall  func() time.Time
}

// CheckTimeScale refuses a time scale the stand-in does not run at.
func CheckTimeScale(scale float64) error {
	if scale < 1 || scale > 10000 {
		return fmt.Errorf("time scale %v is invalid: expected a number from 1 (real time) to 10000", scale)
	}
	return nil
}

// NewScaledClock starts a clock running scale times faster than wall (nil:
// time.Now). scale must be at least 1.
func NewScaledClock(scale float64, wall func() time.Time) (*ScaledClock, error) {
	if err := CheckTimeScale(scale); err != nil {
		return nil, err
	}
	if wall == nil {
		wall = time.Now
	}
	return &ScaledClock{start: wall(), scale: scale, wall: wall}, nil
}

// Now is the scaled time.
func (c *ScaledClock) Now() time.Time {
	elapsed := c.wall().Sub(c.start)
	return c.start.Add(time.Duration(float64(elapsed) * c.scale))
}
