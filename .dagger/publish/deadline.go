package publish

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultTimeout bounds each registry operation (a tag lookup, the push of
// an image with its blobs, the referrers query, one referrer's upload) when
// the caller sets none: a registry that accepts connections and never
// answers fails the call after this long instead of hanging it until the CI
// job's own timeout. Pushes of this module's images (a few MB) take seconds.
const DefaultTimeout = 2 * time.Minute

type timeoutKey struct{}

// WithTimeout sets the deadline of every registry operation run under ctx;
// 0 keeps DefaultTimeout.
func WithTimeout(ctx context.Context, d time.Duration) context.Context {
	if d <= 0 {
		return ctx
	}
	return context.WithValue(ctx, timeoutKey{}, d)
}

// TimeoutOf is the per-operation deadline WithTimeout set, else DefaultTimeout.
func TimeoutOf(ctx context.Context) time.Duration {
	if d, ok := ctx.Value(timeoutKey{}).(time.Duration); ok && d > 0 {
		return d
	}
	return DefaultTimeout
}

// ParseTimeout reads a --registry-timeout value (a Go duration such as 90s
// or 5m); empty is DefaultTimeout.
func ParseTimeout(s string) (time.Duration, error) {
	if s == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("registry timeout %q is not accepted: want a positive duration such as 90s or 5m (default %s)", s, DefaultTimeout)
	}
	return d, nil
}

// TimeoutError says a registry did not finish an operation in time.
type TimeoutError struct {
	// Registry is the registry host, Operation what was asked of it.
	Registry, Operation string
	// After is the deadline that passed.
	After time.Duration
}

// Error names the registry, the operation and the limit, and the way out.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("registry %s did not finish %s within %s: it accepted the connection but did not answer in time "+
		"(check the registry's address and health; raise --registry-timeout only for a slow, not a stuck, registry)",
		e.Registry, e.Operation, e.After)
}

// Call runs one registry operation under the deadline of ctx (TimeoutOf)
// and turns a missed deadline into a *TimeoutError naming registry and
// operation. A caller's own cancellation is returned as it is.
func Call[T any](ctx context.Context, registry, operation string, fn func(context.Context) (T, error)) (T, error) {
	limit := TimeoutOf(ctx)
	opCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	v, err := fn(opCtx)
	if err != nil && ctx.Err() == nil && (errors.Is(opCtx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)) {
		var zero T
		return zero, &TimeoutError{Registry: registry, Operation: operation, After: limit}
	}
	return v, err
}

// call0 is Call for an operation without a result.
func call0(ctx context.Context, registry, operation string, fn func(context.Context) error) error {
	_, err := Call(ctx, registry, operation, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}
