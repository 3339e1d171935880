package capture

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// readersCorpus repeats the fixtures' entries and interactions n times,
// as one HAR file and one cassette (the cassette fixture is go-vcr's own
// output, the HAR fixture a browser export).
func readersCorpus(tb testing.TB, n int) (harData, yml []byte, pairs int) {
	tb.Helper()
	raw, err := os.ReadFile("testdata/har/valid.har")
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		tb.Fatal(err)
	}
	entries := make([]json.RawMessage, 0, n*len(doc.Log.Entries))
	for range n {
		entries = append(entries, doc.Log.Entries...)
	}
	harData, err = json.MarshalIndent(map[string]any{"log": map[string]any{"version": "1.2", "entries": entries}}, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	cas, err := os.ReadFile("testdata/cassettes/valid.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	head, items, ok := strings.Cut(string(cas), "interactions:\n")
	if !ok {
		tb.Fatal("no interactions in the fixture")
	}
	yml = []byte(head + "interactions:\n" + strings.Repeat(items, n))
	return harData, yml, n * len(doc.Log.Entries)
}

// BenchmarkReaders measures each format's reference reader alone against
// the fast reader (with the reference taking over where it stops: on
// these files it never does), in µs per pair.
func BenchmarkReaders(b *testing.B) {
	harData, yml, n := readersCorpus(b, 100)
	discard := func(*contract.Pair) error { return nil }
	for _, r := range []struct {
		name string
		read func() error
	}{
		{"har/reference", func() error { return slowHAR(harData, "b.har", newBudget(MaxDecodedBytesPerFile), discard, 0) }},
		{"har/fast", func() error { return eachHAR(harData, "b.har", newBudget(MaxDecodedBytesPerFile), discard) }},
		{"cassette/reference", func() error { return readCassette(yml, "b.yaml", newBudget(MaxDecodedBytesPerFile), 0, discard) }},
		{"cassette/fast", func() error { return forEachCassetteFile(bytes.NewReader(yml), "b.yaml", discard) }},
	} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := r.read(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e6/float64(b.N*n), "µs/pair")
		})
	}
}
