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
// in turn) and returns its path; truncated drops the end of the document,
// so that the file fails after all its entries were read.
func writeHAR(t testing.TB, dir, name string, n int, truncated bool) string {
	t.Helper()
	return writeHARFrom(t, testdata+"/har/valid.har", dir, name, n, truncated)
}

// writeHARFrom is writeHAR with the entries of another HAR fixture.
func writeHARFrom(t testing.TB, fixture, dir, name string, n int, truncated bool) string {
	t.Helper()
	data, err := os.ReadFile(fixture)
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

// A file that fails after some of its pairs were read reports those pairs,
// as they were streamed to the reporter, then its error: validate's
// summary and coverage count them, and the run exits 2 (unreadable input).
// Results are never held back until a file's end, so that memory does not
// grow with a file's violations.
func TestFileFailingPartWayReportsWhatWasRead(t *testing.T) {
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
	assert.Equal(t, 3+seen, got.Summary.Pairs, "valid.har's pairs and those read before the failure")
	assert.Equal(t, 3+seen, got.Summary.CheckedPairs)
	assert.Equal(t, 1, got.Summary.Unreadable)
	require.Len(t, got.Errors, 1)
	assert.Equal(t, partial, got.Errors[0].File)

	code, stdout, stderr = runCLI(t, "coverage", "--format", "json", valid, partial)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "partial.har")
	var cov struct {
		Pairs int `json:"pairs"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &cov))
	assert.Equal(t, 3+seen, cov.Pairs)
}

// TestWriteMemoryCorpus writes the corpora of the memory figures in
// docs/BENCHMARKS.md into $SSOCONTRACT_MEMORY_CORPUS (skipped when unset):
// 100,000 pairs in one HAR file, clean (the valid fixture's entries) and
// with every pair violating (testdata/violations.har's entries), and a
// gzip-heavy HAR file: forty gzip bodies of 30 MiB of zeros each.
func TestWriteMemoryCorpus(t *testing.T) {
	dir := os.Getenv("SSOCONTRACT_MEMORY_CORPUS")
	if dir == "" {
		t.Skip("SSOCONTRACT_MEMORY_CORPUS is not set")
	}
	const n = 100_000
	t.Log(writeHAR(t, dir, "clean-100k.har", n, false))
	t.Log(writeHARFrom(t, "testdata/violations.har", dir, "violating-100k.har", n, false))

	entry := gzipEntry(t, "https://x.test/", 30<<20)
	har := `{"log":{"entries":[` + strings.Repeat(entry+",\n", 39) + entry + "]}}"
	p := filepath.Join(dir, "gzip-heavy.har")
	require.NoError(t, os.WriteFile(p, []byte(har), 0o600))
	t.Log(p)
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
		step: checkPair(v),
		observe: func(*contract.Pair, *result) {
			mu.Lock()
			defer mu.Unlock()
			if observed++; observed%1000 == 0 {
				live := liveHeap()
				peak = max(peak, live-min(base, live))
			}
		},
	}
	var c countingSink
	pl.run(context.Background(), []string{file}, &c)
	require.NoError(t, c.err)
	assert.Equal(t, 1, c.files)
	assert.Equal(t, n, c.pairs)
	assert.Zero(t, c.violations)
	assert.Equal(t, n, observed)
	t.Logf("live heap: %d KiB with the file loaded whole, at most %d KiB while streaming it", whole>>10, peak>>10)
	require.Greater(t, whole, uint64(8<<20), "the file loaded whole must hold enough for the comparison to mean something")
	assert.Less(t, peak, whole/4, fmt.Sprintf("streaming %d pairs held %d KiB; loading them whole %d KiB", n, peak>>10, whole>>10))
}

// keepingSink keeps every result, as the output code did before results
// were streamed: the measure of what holding them costs.
type keepingSink struct{ results []result }

func (k *keepingSink) pair(r *result) { k.results = append(k.results, *r) }
func (k *keepingSink) file(*fileDone) {}

// Every reporter's memory stays flat however many pairs violate: while a
// file whose every pair violates streams through it, the live heap grows
// by well under a quarter of what keeping the results would hold (about
// 650 bytes a pair). Sampled after a collection at fixed pair counts, not
// by time.
//
// Not parallel: it reads the process's heap, and fixes GOMAXPROCS.
func TestReportersHoldNothingPerViolation(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const n = 6000
	file := writeHARFrom(t, "testdata/violations.har", t.TempDir(), "violating.har", n, false)
	v, err := newValidator("", true, nil, io.Discard)
	require.NoError(t, err)
	ctx := context.Background()

	base := liveHeap()
	var keep keepingSink
	(&pipeline{step: checkPair(v)}).run(ctx, []string{file}, &keep)
	require.Len(t, keep.results, n)
	kept := liveHeap()
	runtime.KeepAlive(keep.results)
	held := kept - min(base, kept)
	keep.results = nil
	require.Greater(t, held, uint64(2<<20), "keeping the results must hold enough for the comparison to mean something")

	for _, f := range validateFormats() {
		// The growth is measured from the first sample, once the pipeline
		// is under way (its queues full): what grows after that grows with
		// the pairs.
		var (
			mu          sync.Mutex
			observed    int
			first, peak uint64
		)
		rep := f.new(&reportOptions{out: io.Discard, validator: v, getenv: func(string) string { return "" }})
		tl := &tally{sum: newSummary(), rep: rep, stderr: io.Discard}
		pl := pipeline{step: checkPair(v), observe: func(*contract.Pair, *result) {
			mu.Lock()
			defer mu.Unlock()
			if observed++; observed%1000 == 0 {
				live := liveHeap()
				if first == 0 {
					first = live
				}
				peak = max(peak, live-min(first, live))
			}
		}}
		rep.start()
		pl.run(ctx, []string{file}, tl)
		require.NoError(t, rep.finish(conclude(tl.sum, false, false)))
		require.Equal(t, n, tl.sum.FailingPairs, f.name)
		t.Logf("%s: the live heap grew by at most %d KiB streaming %d violating pairs; keeping their results holds %d KiB", f.name, peak>>10, n, held>>10)
		assert.Less(t, peak, held/4, "%s: streaming %d violating pairs held %d KiB; keeping their results %d KiB", f.name, n, peak>>10, held>>10)
	}
}
