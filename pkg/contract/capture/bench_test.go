package capture_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// corpus builds the same n pairs (the fixture cassette's three interactions,
// repeated) as a HAR file and as a go-vcr cassette saved by go-vcr itself,
// so that the two loaders are measured on identical traffic.
func corpus(tb testing.TB, n int) (har, yml []byte) {
	tb.Helper()
	f, err := os.Open("testdata/cassettes/valid.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	seed, err := capture.LoadCassette(f, "seed")
	if err != nil {
		tb.Fatal(err)
	}
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	headers := func(p contract.Pair, req bool) []nv {
		h := p.ResponseHeader
		if req {
			h = p.RequestHeader
		}
		var out []nv
		for k, vs := range h {
			for _, v := range vs {
				out = append(out, nv{k, v})
			}
		}
		return out
	}
	entries := make([]map[string]any, 0, n)
	interactions := make([]*cassette.Interaction, 0, n)
	for i := range n {
		p := seed[i%len(seed)]
		entries = append(entries, map[string]any{
			"startedDateTime": "2026-01-05T10:00:00.000Z",
			"time":            12.5,
			"request": map[string]any{
				"method": p.Method, "url": p.URL, "httpVersion": "HTTP/1.1",
				"headers": headers(p, true), "cookies": []any{}, "queryString": []any{},
				"postData":    map[string]any{"mimeType": "application/json", "text": string(p.RequestBody)},
				"headersSize": -1, "bodySize": len(p.RequestBody),
			},
			"response": map[string]any{
				"status": p.StatusCode, "statusText": "", "httpVersion": "HTTP/2.0",
				"headers": headers(p, false), "cookies": []any{},
				"content":     map[string]any{"size": len(p.ResponseBody), "mimeType": "application/json", "text": string(p.ResponseBody)},
				"redirectURL": "", "headersSize": -1, "bodySize": len(p.ResponseBody),
			},
			"cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 12, "receive": 0},
		})
		interactions = append(interactions, &cassette.Interaction{
			ID: i,
			Request: cassette.Request{
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(p.RequestBody)),
				Host: "test.stytch.com", Body: string(p.RequestBody), Headers: p.RequestHeader, URL: p.URL, Method: p.Method,
			},
			Response: cassette.Response{
				Proto: "HTTP/2.0", ProtoMajor: 2, ProtoMinor: 0, ContentLength: -1,
				Body: string(p.ResponseBody), Headers: p.ResponseHeader, Status: fmt.Sprint(p.StatusCode), Code: p.StatusCode,
				Duration: 12000000,
			},
		})
	}
	har, err = json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "bench", "version": "1"}, "entries": entries}})
	if err != nil {
		tb.Fatal(err)
	}
	// Written by go-vcr's own recorder code, as a real cassette is.
	c := cassette.New(filepath.Join(tb.TempDir(), "corpus"))
	c.MarshalFunc = yaml.Marshal // what go-vcr's recorder sets
	for _, in := range interactions {
		c.AddInteraction(in)
	}
	if err := c.Save(); err != nil {
		tb.Fatal(err)
	}
	if yml, err = os.ReadFile(c.File); err != nil {
		tb.Fatal(err)
	}
	return har, yml
}

// BenchmarkLoad compares loading the same pairs from a HAR file and from a
// cassette (issue 14 target 3: cassettes at most 1.3x HAR per pair). The
// har and cassette runs give each loader's own figures; the interleaved
// run loads both alternately in every iteration, so that both meet the
// same noise on a shared machine, and reports cassette/har from that.
func BenchmarkLoad(b *testing.B) {
	const n = 300
	har, yml := corpus(b, n)
	loadHAR := func(b *testing.B) {
		if _, err := capture.LoadHAR(bytes.NewReader(har), "b.har"); err != nil {
			b.Fatal(err)
		}
	}
	loadCassette := func(b *testing.B) {
		if _, err := capture.LoadCassette(bytes.NewReader(yml), "b.yaml"); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("har", func(b *testing.B) {
		b.SetBytes(int64(len(har)))
		b.ReportAllocs()
		for b.Loop() {
			loadHAR(b)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/pair")
	})
	b.Run("cassette", func(b *testing.B) {
		b.SetBytes(int64(len(yml)))
		b.ReportAllocs()
		for b.Loop() {
			loadCassette(b)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/pair")
	})
	b.Run("interleaved", func(b *testing.B) {
		var harD, cassetteD time.Duration
		for b.Loop() {
			t0 := time.Now()
			loadHAR(b)
			t1 := time.Now()
			loadCassette(b)
			harD += t1.Sub(t0)
			cassetteD += time.Since(t1)
		}
		b.ReportMetric(float64(harD.Nanoseconds())/float64(b.N*n), "har-ns/pair")
		b.ReportMetric(float64(cassetteD.Nanoseconds())/float64(b.N*n), "cassette-ns/pair")
		b.ReportMetric(float64(cassetteD)/float64(harD), "cassette/har")
	})
}

// scaledCorpus writes files of n pairs (the fixture's three, repeated) as a
// HAR file and as a cassette, built by repeating the text of the entries
// that corpus writes, and returns their paths.
func scaledCorpus(b *testing.B, n int) (harPath, ymlPath string) {
	b.Helper()
	har, yml := corpus(b, 3)
	// The HAR entries are the bytes between `"entries":[` and `]}`.
	hs := string(har)
	start := strings.Index(hs, `"entries":[`) + len(`"entries":[`)
	end := strings.LastIndex(hs, "]")
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte("["+hs[start:end]+"]"), &raws); err != nil {
		b.Fatal(err)
	}
	var entries []string
	for _, raw := range raws {
		entries = append(entries, string(raw))
	}
	ys := string(yml)
	items := strings.SplitAfter(ys[strings.Index(ys, "interactions:\n")+len("interactions:\n"):], "\n")
	// Split the YAML interactions at their "- " lines.
	dash := items[0][:strings.Index(items[0], "- ")+2]
	var interactions []string
	for _, line := range items {
		if strings.HasPrefix(line, dash) || len(interactions) == 0 {
			interactions = append(interactions, line)
		} else {
			interactions[len(interactions)-1] += line
		}
	}
	if len(entries) != 3 || len(interactions) != 3 {
		b.Fatalf("corpus split into %d entries and %d interactions", len(entries), len(interactions))
	}
	var hb, yb strings.Builder
	hb.WriteString(hs[:start])
	yb.WriteString(ys[:strings.Index(ys, "interactions:\n")+len("interactions:\n")])
	for i := range n {
		if i > 0 {
			hb.WriteString(",\n")
		}
		hb.WriteString(entries[i%3])
		yb.WriteString(interactions[i%3])
	}
	hb.WriteString(hs[end:])
	dir := b.TempDir()
	harPath, ymlPath = filepath.Join(dir, "c.har"), filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(harPath, []byte(hb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(ymlPath, []byte(yb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return harPath, ymlPath
}

// heapMB is the live heap after a collection, in MiB.
func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// BenchmarkLoadScale loads files of 1,000 to 100,000 pairs (issue 14
// target 4): ns/pair must stay flat as the file grows. held-MB is the live
// heap once the file's pairs are loaded and held (LoadFile) or, for
// ForEach, the most seen while streaming them without holding any.
func BenchmarkLoadScale(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		harPath, ymlPath := scaledCorpus(b, n)
		for _, f := range []struct{ name, path string }{{"har", harPath}, {"cassette", ymlPath}} {
			b.Run(fmt.Sprintf("%s/LoadFile/pairs=%d", f.name, n), func(b *testing.B) {
				base := heapMB()
				held := 0.0
				for b.Loop() {
					pairs, err := capture.LoadFile(f.path)
					if err != nil || len(pairs) != n {
						b.Fatal(len(pairs), err)
					}
					b.StopTimer()
					held = max(held, heapMB()-base)
					runtime.KeepAlive(pairs)
					b.StartTimer()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/pair")
				b.ReportMetric(held, "held-MB")
			})
			b.Run(fmt.Sprintf("%s/ForEach/pairs=%d", f.name, n), func(b *testing.B) {
				base := heapMB()
				peak := 0.0
				for b.Loop() {
					count := 0
					err := capture.ForEach(f.path, func(*contract.Pair) error {
						count++
						if count%(n/4) == 0 {
							b.StopTimer()
							peak = max(peak, heapMB()-base)
							b.StartTimer()
						}
						return nil
					}, nil)
					if err != nil || count != n {
						b.Fatal(count, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/pair")
				b.ReportMetric(peak, "held-MB")
			})
		}
	}
}
