package testutil

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Hang guards: how this module's tests bound work that could hang.
//
// A test never fails because the machine is slow: there is no fixed
// deadline in a test, only a hang guard, and every guard derives from one
// setting, the test binary's own deadline (go test -timeout, default 10m;
// `make test TEST_TIMEOUT=30m` raises it, and with it every guard). A guard
// fires guardMargin before that deadline, or a tenth of the time left when
// that is less, so that the test reports which of its budgets ran out
// instead of go test's bare "test timed out" panic. Without a deadline
// (-timeout 0, or a benchmark) a guard allows noDeadlineGuard.

const (
	// guardMargin is the most a guard keeps back from the binary's deadline
	// for the test to report and clean up.
	guardMargin = 30 * time.Second
	// noDeadlineGuard is the guard when the binary has no deadline: go
	// test's default -timeout.
	noDeadlineGuard = 10 * time.Minute
)

// HangDeadline returns the instant t's hang guards fire: shortly before the
// test binary's deadline (see the comment at the top of this file). Use it
// where an API takes a time (net.Conn.SetDeadline); use [HangGuard] or
// [Await] where it takes a context or a channel.
func HangDeadline(t testing.TB) time.Time {
	t.Helper()
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			return deadline.Add(-min(guardMargin, time.Until(deadline)/10))
		}
	}
	return time.Now().Add(noDeadlineGuard)
}

// HangError is the cause of a hang guard's context when it fires: it names
// the budget that ran out.
type HangError struct {
	What    string        // the work that was still running, as the test named it
	Allowed time.Duration // how long the guard allowed, from when it was set
}

func (e *HangError) Error() string {
	return fmt.Sprintf("hang guard ran out: %s was still running after %v, the test binary's deadline "+
		"(go test -timeout; make test TEST_TIMEOUT) less a margin for reporting", e.What, e.Allowed.Round(time.Second))
}

// HangGuard returns a context for work that must end but has no deadline of
// its own to test: it is cancelled at [HangDeadline], with a [HangError]
// naming what as its cause (context.Cause), and then the test fails with
// that message, so a hang says which budget ran out. The context is
// cancelled when the test ends.
func HangGuard(t testing.TB, what string) context.Context {
	t.Helper()
	at := HangDeadline(t)
	cause := &HangError{What: what, Allowed: time.Until(at)}
	ctx, cancel := context.WithDeadlineCause(context.Background(), at, cause)
	t.Cleanup(func() {
		if context.Cause(ctx) == cause {
			t.Error(cause)
		}
		cancel()
	})
	return ctx
}

// Await returns the first value received from done, or fails the test
// (naming what, see [HangError]) when the hang guard fires first.
func Await[T any](t testing.TB, what string, done <-chan T) T {
	t.Helper()
	allowed := time.Until(HangDeadline(t))
	timer := time.NewTimer(allowed)
	defer timer.Stop()
	select {
	case v := <-done:
		return v
	case <-timer.C:
		var zero T
		t.Fatal(&HangError{What: what, Allowed: allowed})
		return zero
	}
}
