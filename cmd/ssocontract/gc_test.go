package main

import (
	"math"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Not parallel: the GC target and the memory limit are process-wide.
func TestBatchGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	beforeLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(beforeLimit)

	restore := batchGC()
	assert.Equal(t, batchGCPercent, debug.SetGCPercent(batchGCPercent), "raised for the batch run")
	assert.Equal(t, int64(batchMemoryLimit), debug.SetMemoryLimit(-1), "a soft limit for the batch run")
	restore()
	assert.Equal(t, 100, debug.SetGCPercent(100), "restored afterwards")
	assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "restored afterwards")

	t.Setenv("GOGC", "50")
	t.Setenv("GOMEMLIMIT", "1GiB")
	restore = batchGC()
	assert.Equal(t, 100, debug.SetGCPercent(100), "an explicit GOGC wins")
	assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "an explicit GOMEMLIMIT wins")
	restore()
}

// The in-flight budget lets a chunk through only when it fits, or when
// nothing else is in flight (a chunk larger than the budget goes alone).
func TestInFlightBudget(t *testing.T) {
	t.Parallel()
	b := newBudget()
	b.acquire(inFlightBytes + 1) // alone: never refused
	acquired := make(chan struct{})
	go func() {
		b.acquire(1)
		close(acquired)
	}()
	select {
	case <-acquired:
		t.Fatal("acquired while the budget was spent")
	case <-time.After(50 * time.Millisecond): // it waits, as it should
	}
	b.release(inFlightBytes + 1)
	select {
	case <-acquired:
	case <-time.After(10 * time.Second): // hang guard
		t.Fatal("still waiting once the budget was released")
	}
	b.acquire(inFlightBytes - 1) // fits beside the 1 byte in flight
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Equal(t, inFlightBytes, b.used)
}
