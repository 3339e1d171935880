package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Not parallel: the GC target is process-wide.
func TestBatchGC(t *testing.T) {
	t.Setenv("GOGC", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	restore := batchGC()
	assert.Equal(t, batchGCPercent, debug.SetGCPercent(batchGCPercent), "raised for the batch run")
	restore()
	assert.Equal(t, 100, debug.SetGCPercent(100), "restored afterwards")

	t.Setenv("GOGC", "50")
	restore = batchGC()
	assert.Equal(t, 100, debug.SetGCPercent(100), "an explicit GOGC wins")
	restore()
}
