package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
)

// gzipEntry is a HAR entry whose response body decodes to size bytes.
func gzipEntry(t *testing.T, url string, size int) string {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write(make([]byte, size))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return `{"request":{"method":"GET","url":"` + url + `"},"response":{"status":200,` +
		`"headers":[{"name":"Content-Encoding","value":"gzip"}],` +
		`"content":{"text":"` + base64.StdEncoding.EncodeToString(gz.Bytes()) + `","encoding":"base64"}}}`
}

// gatedReader returns head, then waits for gate to close before it
// returns tail.
type gatedReader struct {
	head, tail io.Reader
	gate       <-chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	if n, err := g.head.Read(p); err != io.EOF {
		return n, err
	}
	<-g.gate
	return g.tail.Read(p)
}

// A reader whose input the sink is not reading yet must not hold the
// in-flight budget while it waits for the sink: the input the sink waits
// for would then wait for that budget, and the run would never end. Two
// inputs of large bodies: b.har, read ahead, fills its queue and reads a
// third 17 MiB pair; then standard input, first in order, hands over a
// 17 MiB pair: 34 MiB, past the 32 MiB in flight.
//
// The gate holds standard input's large pair back until b.har's second
// pair was checked, and a little longer, so that b.har gets to its third
// pair first: it orders the two readers, it is not a time limit.
func TestPipelineLargeBodiesAcrossInputsEnd(t *testing.T) {
	t.Parallel()
	const big = 17 << 20 // more than half of inFlightBytes
	require.Greater(t, 2*big, inFlightBytes)

	dir := t.TempDir()
	b := filepath.Join(dir, "b.har")
	var entries []string
	for range chunkQueue + 1 {
		entries = append(entries, gzipEntry(t, "https://x.test/b", big))
	}
	require.NoError(t, os.WriteFile(b, []byte(`{"log":{"entries":[`+strings.Join(entries, ",")+`]}}`), 0o600))

	gate := make(chan struct{})
	stdin := &gatedReader{
		head: strings.NewReader(`{"log":{"entries":[{"request":{"method":"GET","url":"https://x.test/a"},"response":{"status":200}},`),
		tail: strings.NewReader(gzipEntry(t, "https://x.test/a", big) + `]}}`),
		gate: gate,
	}
	v, err := newValidator("", false, nil, io.Discard)
	require.NoError(t, err)
	var once sync.Once
	pl := pipeline{step: routePair(v), stdin: stdin, observe: func(_ *contract.Pair, r *result) {
		if r.File == b && r.Index == chunkQueue-1 {
			once.Do(func() { time.AfterFunc(300*time.Millisecond, func() { close(gate) }) })
		}
	}}

	var keep keepingSink
	done := make(chan struct{})
	go func() {
		defer close(done)
		pl.run(context.Background(), []string{stdinPath, b}, &keep)
	}()
	testutil.Await(t, "validate over two inputs of large bodies", done)
	require.Len(t, keep.results, 2+chunkQueue+1)
	assert.Equal(t, stdinSource, keep.results[0].File, "standard input first, in order")
	assert.Equal(t, b, keep.results[2].File)
}
