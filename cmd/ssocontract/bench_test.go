package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

const (
	corpusFiles   = 100
	pairsPerFile  = 100
	corpusPairs   = corpusFiles * pairsPerFile
	corpusHARPart = 2 // in the mixed corpus, every second file is a cassette
)

// corpusKind says which files writeCorpus writes.
type corpusKind int

const (
	corpusMixed    corpusKind = iota // HAR files and cassettes in turn
	corpusHAROnly                    // HAR files only
	corpusCassette                   // cassettes only
)

// writeCorpus writes 10,000 clean pairs (the fixtures' SAML 200, External
// 200 and 404 in turn) in 100 files of 100 pairs each: HAR files and
// cassettes in turn, or only one of the two.
func writeCorpus(b *testing.B, kind corpusKind) string {
	b.Helper()
	harData, err := os.ReadFile(testdata + "/har/valid.har")
	require.NoError(b, err)
	var har map[string]any
	require.NoError(b, json.Unmarshal(harData, &har))
	entries := har["log"].(map[string]any)["entries"].([]any)
	var good []any
	for _, e := range entries {
		if e.(map[string]any)["response"].(map[string]any)["status"].(float64) > 0 {
			good = append(good, e)
		}
	}
	casData, err := os.ReadFile(testdata + "/cassettes/valid.yaml")
	require.NoError(b, err)
	head, body, ok := bytes.Cut(casData, []byte("interactions:\n"))
	require.True(b, ok)
	// The cassette fixture's three interactions, each starting with "- id:".
	items := bytes.SplitAfter(body, []byte("\n"))
	var interactions [][]byte
	for _, line := range items {
		if bytes.HasPrefix(line, []byte("- id:")) {
			interactions = append(interactions, nil)
		}
		interactions[len(interactions)-1] = append(interactions[len(interactions)-1], line...)
	}
	require.Len(b, interactions, 3)

	dir := b.TempDir()
	hars := 0
	for f := range corpusFiles {
		var out []byte
		name := filepath.Join(dir, fmt.Sprintf("corpus-%03d", f))
		if kind == corpusHAROnly || (kind == corpusMixed && f%corpusHARPart == 0) {
			es := make([]any, pairsPerFile)
			for i := range es {
				es[i] = good[i%len(good)]
			}
			har["log"].(map[string]any)["entries"] = es
			out, err = json.Marshal(har)
			require.NoError(b, err)
			name += ".har"
			hars++
		} else {
			out = append(append([]byte(nil), head...), "interactions:\n"...)
			for i := range pairsPerFile {
				out = append(out, interactions[i%3]...)
			}
			name += ".yaml"
		}
		require.NoError(b, os.WriteFile(name, out, 0o600))
	}
	switch kind {
	case corpusHAROnly:
		require.Equal(b, corpusFiles, hars)
	case corpusCassette:
		require.Zero(b, hars)
	default:
		require.Equal(b, corpusFiles/corpusHARPart, hars)
	}
	pairs, err := capture.LoadPath(dir)
	require.NoError(b, err)
	require.Len(b, pairs, corpusPairs)
	return dir
}

// BenchmarkCLICorpus validates 10,000 pairs from files: the CLI's strict,
// parallel pipeline against a plain single-threaded kin-openapi loop
// (gorillamux router + ValidateRequest + ValidateResponse) over the same
// files, loaded the same way; for a mix of HAR files and cassettes, for HAR
// files only and for cassettes only. The as-shipped run adds the collector
// setting the validate command makes (batchGC).
//
// Each corpus's "vs-kin-loop" case runs the loop and the as-shipped CLI in
// turn inside one benchmark (one pass of each per iteration) and reports
// both rates and their ratio (x-vs-kin-loop), so that the ratio is read off
// one run, the two sides sharing the machine's state of the moment.
func BenchmarkCLICorpus(b *testing.B) {
	for _, corpus := range []struct {
		name string
		kind corpusKind
	}{{"mixed", corpusMixed}, {"har-only", corpusHAROnly}, {"cassette-only", corpusCassette}} {
		b.Run(corpus.name, func(b *testing.B) { benchCorpus(b, writeCorpus(b, corpus.kind)) })
	}
}

func benchCorpus(b *testing.B, dir string) {
	ctx := context.Background()

	b.Run("kin-openapi-loop", func(b *testing.B) {
		loop := kinLoop(ctx, b, dir)
		b.ReportAllocs()
		for b.Loop() {
			loop()
		}
		b.ReportMetric(float64(corpusPairs)*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
	})

	for _, shipped := range []bool{false, true} {
		name := "ssocontract-strict"
		if shipped {
			name += "-as-shipped"
		}
		b.Run(name, func(b *testing.B) {
			if shipped {
				defer batchGC()() // what runValidate does
			}
			run := ssoRun(ctx, b, dir)
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
			b.ReportMetric(float64(corpusPairs)*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}

	b.Run("vs-kin-loop", func(b *testing.B) {
		loop, run := kinLoop(ctx, b, dir), ssoRun(ctx, b, dir)
		var kin, sso time.Duration
		for b.Loop() {
			t0 := time.Now()
			loop()
			t1 := time.Now()
			restore := batchGC() // what runValidate does, for the CLI's turn only
			run()
			restore()
			t2 := time.Now()
			kin += t1.Sub(t0)
			sso += t2.Sub(t1)
		}
		if kin <= 0 || sso <= 0 {
			b.Fatalf("nothing timed: loop %v, CLI %v", kin, sso)
		}
		n := float64(corpusPairs) * float64(b.N)
		b.ReportMetric(n/kin.Seconds(), "kin-pairs/s")
		b.ReportMetric(n/sso.Seconds(), "cli-pairs/s")
		b.ReportMetric(kin.Seconds()/sso.Seconds(), "x-vs-kin-loop")
	})
}

// kinLoop returns one pass of the plain kin-openapi loop over dir, failing
// b unless it validated every pair of the corpus.
func kinLoop(ctx context.Context, b *testing.B, dir string) func() {
	b.Helper()
	doc, err := api.Document()
	require.NoError(b, err)
	router, err := gorillamux.NewRouter(doc)
	require.NoError(b, err)
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	return func() {
		n := 0
		err := capture.WalkFilesSkipping(dir, func(file string, _ bool) error {
			pairs, err := capture.LoadFile(file)
			if err != nil {
				return err
			}
			for i := range pairs {
				p := &pairs[i]
				req, err := http.NewRequestWithContext(ctx, p.Method, p.URL, bytes.NewReader(p.RequestBody))
				if err != nil {
					return err
				}
				req.Header = p.RequestHeader
				route, params, err := router.FindRoute(req)
				if err != nil {
					return err
				}
				in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
				if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
					return err
				}
				out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: p.StatusCode,
					Header: p.ResponseHeader, Body: io.NopCloser(bytes.NewReader(p.ResponseBody)), Options: opts}
				if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
					return err
				}
				n++
			}
			return nil
		}, nil)
		if err != nil || n != corpusPairs {
			b.Fatalf("loop: %d pairs, %v", n, err)
		}
	}
}

// ssoRun returns one pass of the CLI's strict pipeline over dir, failing b
// unless every pair of the corpus was validated clean.
func ssoRun(ctx context.Context, b *testing.B, dir string) func() {
	b.Helper()
	v, err := newValidator("", true, nil, io.Discard)
	require.NoError(b, err)
	pl := pipeline{step: checkPair(v)}
	return func() {
		var c countingSink
		pl.run(ctx, []string{dir}, &c)
		if c.err != nil {
			b.Fatal(c.err)
		}
		if c.pairs != corpusPairs || c.violations != 0 || c.skipped != 0 {
			b.Fatalf("ssocontract: %d pairs, %d violations, %d skipped", c.pairs, c.violations, c.skipped)
		}
	}
}

// countingSink counts what the pipeline hands over.
type countingSink struct {
	pairs, violations, skipped, files int
	err                               error
}

func (c *countingSink) pair(r *result) {
	c.pairs++
	c.violations += len(r.Violations)
	if !r.checked() {
		c.skipped++
	}
}

func (c *countingSink) file(f *fileDone) {
	c.files++
	if f.Err != nil && c.err == nil {
		c.err = f.Err
	}
}

// BenchmarkScopeOverhead prices the CLI's routing per pair: Validate
// alone against Check (the routing decision and validation in one pass, as
// the CLI calls it, with the Route kept), on the fixtures' three in-scope pairs (a skipped pair
// is cheaper still: it is not validated).
func BenchmarkScopeOverhead(b *testing.B) {
	ctx := context.Background()
	pairs, err := capture.LoadFile(testdata + "/har/valid.har")
	require.NoError(b, err)
	v, err := newValidator("", true, nil, io.Discard)
	require.NoError(b, err)
	for _, withScope := range []bool{false, true} {
		name := "validate"
		if withScope {
			name = "check"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i := range pairs {
					if withScope {
						if res := v.Check(ctx, &pairs[i]); !res.Checked() {
							b.Fatal("fixture pair out of scope")
						}
						continue
					}
					_ = v.Validate(ctx, &pairs[i])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pairs)), "ns/pair")
		})
	}
}
