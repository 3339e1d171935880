package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// writeHAR writes a HAR file of n clean pairs (the valid fixture's entries
// in turn) and returns its path and its JSON; truncated drops the end of
// the document, so that the file fails after all its entries were read.
func writeHAR(t *testing.T, dir, name string, n int, truncated bool) string {
	t.Helper()
	data, err := os.ReadFile(testdata + "/har/valid.har")
	require.NoError(t, err)
	var har map[string]any
	require.NoError(t, json.Unmarshal(data, &har))
	var good []any
	for _, e := range har["log"].(map[string]any)["entries"].([]any) {
		if e.(map[string]any)["response"].(map[string]any)["status"].(float64) > 0 {
			good = append(good, e)
		}
	}
	es := make([]any, n)
	for i := range es {
		es[i] = good[i%len(good)]
	}
	har["log"].(map[string]any)["entries"] = es
	out, err := json.Marshal(har)
	require.NoError(t, err)
	if truncated {
		out = out[:len(out)-2] // "]}" of log and the document: "}" is missing
	}
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, out, 0o600))
	return p
}

// A file that fails after some of its pairs were read counts none of them,
// as when files were loaded whole: in validate's summary and in coverage.
func TestFileFailingPartWayCountsNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	partial := writeHAR(t, dir, "partial.har", 30, true)
	_, err := capture.LoadFile(partial)
	require.Error(t, err, "the truncated file must not load")
	seen := 0
	require.Error(t, capture.ForEach(partial, func(*contract.Pair) error { seen++; return nil }, nil))
	require.Positive(t, seen, "the stream hands over pairs before the error")
	valid := testdata + "/har/valid.har"

	code, stdout, stderr := runCLI(t, "validate", "--strict", "--format", "json", valid, partial)
	assert.Equal(t, exitUsage, code, stderr)
	var got struct {
		Summary validateSummary `json:"summary"`
		Errors  []fileError     `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, 3, got.Summary.Pairs, "only valid.har's pairs")
	assert.Equal(t, 3, got.Summary.CheckedPairs)
	assert.Equal(t, 1, got.Summary.Unreadable)
	require.Len(t, got.Errors, 1)
	assert.Equal(t, partial, got.Errors[0].File)

	_, alone, _ := runCLI(t, "coverage", "--format", "json", valid)
	code, both, stderr := runCLI(t, "coverage", "--format", "json", valid, partial)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "partial.har")
	assert.JSONEq(t, alone, both, "the failed file's pairs are not counted")

	// The job summary's coverage of validate --format github likewise.
	summaries := [2]string{filepath.Join(dir, "alone.md"), filepath.Join(dir, "both.md")}
	runWith(t, "", map[string]string{"GITHUB_STEP_SUMMARY": summaries[0]}, "validate", "--format", "github", valid)
	runWith(t, "", map[string]string{"GITHUB_STEP_SUMMARY": summaries[1]}, "validate", "--format", "github", valid, partial)
	var md [2]string
	for i, p := range summaries {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		_, cov, ok := strings.Cut(string(b), "overage")
		require.True(t, ok, "a coverage section in\n%s", b)
		md[i] = cov
	}
	assert.Equal(t, md[0], md[1])
}

// liveHeap is the heap in use after a collection (two: the first leaves
// some of what it frees counted).
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Validating a file holds a few chunks of pairs at a time, not the file:
// the live heap while validating N pairs stays well below what loading the
// same file whole (capture.LoadFile) holds, and a clean file leaves nothing
// behind but counts. Sampled after a collection at fixed pair counts, not
// by time, so that a loaded machine changes nothing.
//
// Not parallel: it reads the process's heap, and fixes GOMAXPROCS (the
// number of workers) so that the bound does not grow with the machine.
func TestValidateStreamsFiles(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const n = 8000
	file := writeHAR(t, t.TempDir(), "big.har", n, false)
	v, err := newValidator("", true, nil, io.Discard)
	require.NoError(t, err)

	base := liveHeap()
	pairs, err := capture.LoadFile(file)
	require.NoError(t, err)
	require.Len(t, pairs, n)
	loaded := liveHeap()
	runtime.KeepAlive(pairs)
	whole := loaded - min(base, loaded)

	var (
		mu       sync.Mutex
		observed int
		peak     uint64
	)
	base = liveHeap()
	pl := pipeline{
		keep: func(p *pairInfo, reason string, vs []contract.Violation) bool {
			return reason != "" || len(vs) > 0 // as validate keeps them, but for junit
		},
		observe: func(*contract.Pair, contract.Route) {
			mu.Lock()
			defer mu.Unlock()
			if observed++; observed%1000 == 0 {
				live := liveHeap()
				peak = max(peak, live-min(base, live))
			}
		},
	}
	emitted := 0
	validateInputs(context.Background(), v, true, nil, []string{file}, pl, func(fr *fileResult) {
		emitted++
		require.NoError(t, fr.err)
		assert.Empty(t, fr.pairs, "a clean file keeps no pair")
		assert.Equal(t, n, fr.cleanPairs)
		assert.Equal(t, n, fr.total())
	})
	assert.Equal(t, 1, emitted)
	assert.Equal(t, n, observed)
	t.Logf("live heap: %d KiB with the file loaded whole, at most %d KiB while streaming it", whole>>10, peak>>10)
	require.Greater(t, whole, uint64(8<<20), "the file loaded whole must hold enough for the comparison to mean something")
	assert.Less(t, peak, whole/4, fmt.Sprintf("streaming %d pairs held %d KiB; loading them whole %d KiB", n, peak>>10, whole>>10))
}
