package testutil

import (
	"slices"
	"testing"
	"time"
)

// Interleave calls f and g once each per iteration of b.Loop, the order
// flipping every iteration so that neither always follows the other, and
// returns the time of every call of each. With Median it gives a same-run
// baseline that drift and noise hit alike.
func Interleave(b *testing.B, f, g func()) (tf, tg []time.Duration) {
	timed := func(fn func(), into *[]time.Duration) {
		t0 := time.Now()
		fn()
		*into = append(*into, time.Since(t0))
	}
	odd := false
	for b.Loop() {
		if odd {
			timed(g, &tg)
			timed(f, &tf)
		} else {
			timed(f, &tf)
			timed(g, &tg)
		}
		odd = !odd
	}
	return tf, tg
}

// Median is the median of ds in nanoseconds; it sorts ds in place.
func Median(ds []time.Duration) float64 {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return float64(ds[n/2])
	}
	return float64(ds[n/2-1]+ds[n/2]) / 2
}
