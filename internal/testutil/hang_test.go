package testutil

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTB is a testing.TB whose deadline, failures and cleanups the test
// controls. Without a deadline it has no Deadline method, like a
// *testing.B.
type fakeTB struct {
	testing.TB
	failures []string
	cleanups []func()
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Error(args ...any) { f.failures = append(f.failures, fmt.Sprint(args...)) }
func (f *fakeTB) Fatal(args ...any) { f.failures = append(f.failures, fmt.Sprint(args...)) }
func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}
func (f *fakeTB) String() string                  { return fmt.Sprint(f.failures) }
func (f *deadlineTB) Deadline() (time.Time, bool) { return f.deadline, true }

type deadlineTB struct {
	fakeTB
	deadline time.Time
}

func TestHangDeadlineFollowsTheBinaryDeadline(t *testing.T) {
	t.Parallel()
	far := time.Now().Add(time.Hour)
	assert.Equal(t, far.Add(-guardMargin), HangDeadline(&deadlineTB{deadline: far}), "a distant deadline keeps back the margin")

	near := time.Now().Add(10 * time.Second)
	got := HangDeadline(&deadlineTB{deadline: near})
	assert.True(t, got.Before(near) && got.After(near.Add(-2*time.Second)), "a near deadline keeps back a tenth of what is left: %v before it", near.Sub(got))

	none := HangDeadline(&fakeTB{})
	assert.WithinDuration(t, time.Now().Add(noDeadlineGuard), none, time.Minute, "no deadline (a benchmark, -timeout 0): go test's default")

	real, ok := t.Deadline()
	if ok {
		assert.True(t, HangDeadline(t).Before(real), "a *testing.T's guard fires before its binary's deadline")
	}
}

func TestHangGuardNamesTheBudgetThatRanOut(t *testing.T) {
	t.Parallel()
	tb := &deadlineTB{deadline: time.Now().Add(time.Second)}
	ctx := HangGuard(tb, "recording every scenario")
	<-ctx.Done() // fires at nine tenths of a second
	var he *HangError
	require.ErrorAs(t, context.Cause(ctx), &he)
	assert.Equal(t, "recording every scenario", he.What)
	assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded, "code under test sees an ordinary deadline")
	tb.runCleanups()
	require.Len(t, tb.failures, 1, "the test fails once the guard fired")
	assert.Contains(t, tb.failures[0], "hang guard ran out: recording every scenario was still running after")
	assert.Contains(t, tb.failures[0], "go test -timeout")
}

func TestHangGuardThatDidNotFireFailsNothing(t *testing.T) {
	t.Parallel()
	tb := &deadlineTB{deadline: time.Now().Add(time.Hour)}
	ctx := HangGuard(tb, "work that ends")
	require.NoError(t, ctx.Err())
	tb.runCleanups()
	assert.Empty(t, tb.failures)
	assert.ErrorIs(t, ctx.Err(), context.Canceled, "the context ends with the test")
	assert.False(t, errors.As(context.Cause(ctx), new(*HangError)))
}

func TestAwait(t *testing.T) {
	t.Parallel()
	done := make(chan int, 1)
	done <- 7
	tb := &deadlineTB{deadline: time.Now().Add(time.Hour)}
	assert.Equal(t, 7, Await(tb, "a value sent already", done))
	assert.Empty(t, tb.failures)

	tb = &deadlineTB{deadline: time.Now().Add(time.Second)}
	assert.Zero(t, Await(tb, "serve stopping", make(chan int)))
	require.Len(t, tb.failures, 1, "the guard fired: %s", tb)
	assert.Contains(t, tb.failures[0], "hang guard ran out: serve stopping was still running after")
}
