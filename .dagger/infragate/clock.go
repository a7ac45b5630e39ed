package infragate

import bluegreen "dagger/ecs-bluegreen/deploy"

var systemClock = bluegreen.SystemClock

// Clock is the time source of the gate's polling; tests pass one that
// advances instantly.
type Clock = bluegreen.Clock
