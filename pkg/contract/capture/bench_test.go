package capture_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// corpus builds the same n pairs (the fixture cassette's three interactions,
// repeated) as a HAR file and as a go-vcr cassette written by go-vcr's own
// types, so that the two loaders are measured on identical traffic.
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
	yml, err = yaml.Marshal(struct {
		Version      int                     `yaml:"version"`
		Interactions []*cassette.Interaction `yaml:"interactions"`
	}{cassette.CassetteFormatVersion, interactions})
	if err != nil {
		tb.Fatal(err)
	}
	return har, yml
}

// BenchmarkLoad compares loading the same pairs from a HAR file and from a
// cassette; the cassette/har metric is the ratio of their ns/op, both
// measured in this run (issue 14 target 3: at most 1.3).
func BenchmarkLoad(b *testing.B) {
	const n = 300
	har, yml := corpus(b, n)
	var harNs float64
	b.Run("har", func(b *testing.B) {
		b.SetBytes(int64(len(har)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := capture.LoadHAR(bytes.NewReader(har), "b.har"); err != nil {
				b.Fatal(err)
			}
		}
		harNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(harNs/n, "ns/pair")
	})
	b.Run("cassette", func(b *testing.B) {
		b.SetBytes(int64(len(yml)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := capture.LoadCassette(bytes.NewReader(yml), "b.yaml"); err != nil {
				b.Fatal(err)
			}
		}
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(ns/n, "ns/pair")
		if harNs > 0 {
			b.ReportMetric(ns/harNs, "cassette/har")
		}
	})
}
