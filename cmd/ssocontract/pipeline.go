package main

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// The pipeline of validate and coverage: inputs (files, directories,
// standard input) -> pairs (streamed from capture) -> routing and
// validation (check, once per pair) -> results -> a sink (a reporter).
//
// Files are read and their pairs checked in parallel; the sink sees the
// results one at a time, in walk order and file order, never concurrently.
// Only a few chunks of pairs per worker are held at once, and a result
// keeps nothing of its pair's bodies or headers, so memory does not grow
// with the number of pairs or violations.

// result is what the pipeline makes of one pair: where it is, how the
// library routed it (checked, or skipped and why) and what checking it
// found.
type result struct {
	// File is the capture the pair comes from (stdinSource for standard
	// input); Stdin says it is standard input.
	File  string
	Stdin bool
	// Index is the pair's position in the file and Line the line where its
	// entry or interaction starts (0 when unknown).
	Index, Line int
	// Status is the response's status.
	Status int
	// Route is the library's decision for the pair, made once: its method
	// and path (escaped, safe to print), the operation it reaches, and the
	// reason it was checked or skipped.
	Route contract.Route
	// Operation names what a checked pair was checked against ("METHOD
	// (unknown operation)" when it reaches no operation).
	Operation string
	// Violations lists what a checked pair breaks.
	Violations []contract.Violation
	// NotCaptured lists the sides of a checked pair whose body the capture
	// says existed but did not record.
	NotCaptured []contract.Side
}

// checked reports whether the pair was checked (not skipped).
func (r *result) checked() bool { return r.Route.Checked() }

// kindBodyNotCaptured is the kind of the finding a body not captured
// makes: a violation only with --fail-on-missing-body.
const kindBodyNotCaptured contract.Kind = "body-not-captured"

// notCaptured is the finding for a side of r whose body the capture did not
// record, worded like a violation so that every reporter can list it as one.
func (r *result) notCaptured(side contract.Side) contract.Violation {
	return contract.Violation{Method: r.Route.Method, Path: r.Route.Path, Operation: r.Operation, Side: side,
		Kind: kindBodyNotCaptured, Location: "body", Message: "the capture did not record the " + string(side) + " body"}
}

// fileDone ends the results of one input: it was read to its end, or Err
// says what stopped it (after Pairs pairs, whose results were already
// handed over), or PassedOver says why a file found in a directory walk
// was not opened at all (a named pipe, a socket, a device).
type fileDone struct {
	File       string
	Stdin      bool
	Pairs      int
	Err        error
	PassedOver string
}

// sink receives what the pipeline produces, from one goroutine, in order:
// every pair's result, then its file's end.
type sink interface {
	pair(r *result)
	file(f *fileDone)
}

// step routes and validates one pair: checkPair for validate, routePair
// for coverage.
type step func(ctx context.Context, p *contract.Pair) result

// checkPair is validate's step: the library routes and validates each pair
// once (contract.Validator.Check, strict as v is) and says whether it was
// checked, against what and with what found, or why it was skipped.
func checkPair(v *contract.Validator) step {
	return func(ctx context.Context, p *contract.Pair) result {
		res := v.Check(ctx, p)
		r := result{Status: p.StatusCode, Route: res.Route}
		if !res.Checked() {
			return r
		}
		r.Operation, r.Violations = res.Route.Operation, res.Violations
		if r.Operation == "" {
			r.Operation = res.Route.Method + " (unknown operation)"
		}
		if p.RequestBodyMissing {
			r.NotCaptured = append(r.NotCaptured, contract.SideRequest)
		}
		if p.ResponseBodyMissing {
			r.NotCaptured = append(r.NotCaptured, contract.SideResponse)
		}
		return r
	}
}

// routePair is coverage's step: the library's route only.
func routePair(v *contract.Validator) step {
	return func(_ context.Context, p *contract.Pair) result {
		return result{Status: p.StatusCode, Route: v.Route(p)}
	}
}

// pipeline is one run over a command's inputs.
type pipeline struct {
	step step
	// observe, when set, sees every pair with its bodies and its result,
	// from several goroutines at once (the coverage tracker).
	observe func(p *contract.Pair, r *result)
	stdin   io.Reader
}

// chunkSize is how many pairs a worker takes at a time, and chunkBytes
// how many body bytes: a chunk is handed over when it reaches either, so
// that a file of large (decompressed) bodies is checked a pair at a time.
// chunkQueue is how many chunks of one file may wait for the sink.
// Together with the number of workers they bound the pairs held at once,
// whatever the size of a file or of the corpus.
const (
	chunkSize  = 64
	chunkBytes = 1 << 20
	chunkQueue = 2
)

// inFlightBytes bounds the body bytes of the chunks read but not yet
// checked, all inputs together: a reader waits before handing over a chunk
// that would exceed it, unless nothing else is in flight. With the pair the
// reader is decoding meanwhile, a file of large bodies holds two of them
// at a time, whatever the queues' lengths.
const inFlightBytes = 32 << 20

// budget counts the body bytes in flight (inFlightBytes).
type budget struct {
	mu   sync.Mutex
	cond sync.Cond
	used int
}

func newBudget() *budget {
	b := &budget{}
	b.cond.L = &b.mu
	return b
}

// acquire waits until n more bytes fit (or nothing is in flight).
func (b *budget) acquire(n int) {
	b.mu.Lock()
	for b.used > 0 && b.used+n > inFlightBytes {
		b.cond.Wait()
	}
	b.used += n
	b.mu.Unlock()
}

// release gives back n bytes once their pairs are checked and dropped.
func (b *budget) release(n int) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// chunk is a run of consecutive pairs of one file, checked by one worker,
// which then drops the pairs and keeps their results.
type chunk struct {
	file    string
	stdin   bool
	pairs   []contract.Pair
	bytes   int // of the pairs' bodies
	results []result
	done    chan struct{}
}

// input is one file (or standard input) on its way through the pipeline.
type input struct {
	done fileDone
	// explicit says the file was named, not found in a directory walk.
	explicit bool
	// chunks carries the input's pairs to the sink in order; closed once
	// the input is read (done.Err is set before).
	chunks chan *chunk
}

func newInput(file string, explicit bool) *input {
	return &input{done: fileDone{File: file}, explicit: explicit, chunks: make(chan *chunk, chunkQueue)}
}

// run walks paths (stdinPath reads pl.stdin), streams each file's pairs
// through a pool of GOMAXPROCS workers for each stage, and hands every
// result and every file's end to out in walk order and file order. A PATH
// that cannot be walked (missing, unreadable) ends as a fileDone with its
// error, and the other PATHs are still read. Files found in a walk that
// are recordings of something else (capture.ErrNotPairFile) are dropped
// without a word.
func (pl *pipeline) run(ctx context.Context, paths []string, out sink) {
	workers := runtime.GOMAXPROCS(0)
	loadq := make(chan *input)
	ordered := make(chan *input, 4*workers)
	work := make(chan *chunk, 4*workers)

	inFlight := newBudget()
	var loaders, checkers sync.WaitGroup
	for range workers {
		checkers.Go(func() {
			for c := range work {
				pl.check(ctx, c)
				inFlight.release(c.bytes)
			}
		})
		loaders.Go(func() {
			for in := range loadq {
				pl.read(in, work, inFlight)
			}
		})
	}

	go func() {
		defer close(ordered)
		defer close(loadq)
		send := func(in *input) {
			ordered <- in
			loadq <- in
		}
		finished := func(in *input) {
			close(in.chunks)
			ordered <- in
		}
		for _, p := range paths {
			if p == stdinPath {
				in := newInput(stdinSource, true)
				in.done.Stdin = true
				send(in)
				continue
			}
			err := capture.WalkFilesSkipping(p, func(file string, explicit bool) error {
				send(newInput(file, explicit))
				return nil
			}, func(file, reason string) {
				in := newInput(file, false)
				in.done.PassedOver = reason
				finished(in)
			})
			if err != nil {
				in := newInput(p, true)
				in.done.Err = err
				finished(in)
			}
		}
	}()
	for in := range ordered {
		for c := range in.chunks {
			<-c.done
			for i := range c.results {
				out.pair(&c.results[i])
			}
		}
		if !in.explicit && errors.Is(in.done.Err, capture.ErrNotPairFile) {
			continue // other YAML beside the recordings
		}
		out.file(&in.done)
	}
	loaders.Wait()
	close(work)
	checkers.Wait()
}

// read streams the pairs of one input into chunks, queued both for the
// workers and, in order, for the sink, within the in-flight budget.
//
// A chunk goes to the workers before the sink: the sink may be reading an
// earlier input, and a reader that waited for it while its chunk held
// budget could keep that earlier input's reader waiting for the budget
// forever. Handed to the workers first, the chunk's bytes are released
// once checked, whatever the sink does.
func (pl *pipeline) read(in *input, work chan<- *chunk, inFlight *budget) {
	var cur *chunk
	flush := func() {
		if cur != nil {
			inFlight.acquire(cur.bytes)
			work <- cur
			in.chunks <- cur
			cur = nil
		}
	}
	add := func(p *contract.Pair) error {
		if cur == nil {
			cur = &chunk{file: in.done.File, stdin: in.done.Stdin, pairs: make([]contract.Pair, 0, chunkSize), done: make(chan struct{})}
		}
		cur.pairs = append(cur.pairs, *p)
		cur.bytes += len(p.RequestBody) + len(p.ResponseBody)
		in.done.Pairs++
		if len(cur.pairs) == chunkSize || cur.bytes >= chunkBytes {
			flush()
		}
		return nil
	}
	if in.done.Stdin {
		in.done.Err = forEachStdin(pl.stdin, add)
	} else {
		in.done.Err = capture.ForEach(in.done.File, add, nil)
	}
	flush()
	close(in.chunks)
}

// check routes and validates the pairs of c, keeps their results and drops
// the pairs.
func (pl *pipeline) check(ctx context.Context, c *chunk) {
	c.results = make([]result, len(c.pairs))
	for i := range c.pairs {
		p := &c.pairs[i]
		r := pl.step(ctx, p)
		r.File, r.Stdin, r.Index, r.Line = c.file, c.stdin, p.Index, p.Line
		c.results[i] = r
		if pl.observe != nil {
			pl.observe(p, &c.results[i])
		}
	}
	c.pairs = nil
	close(c.done)
}
