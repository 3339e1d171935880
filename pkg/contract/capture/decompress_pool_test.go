package capture

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func hostileGzip(t testing.TB, members ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, m := range members {
		zw := gzip.NewWriter(&buf)
		_, err := zw.Write(m)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
	}
	return buf.Bytes()
}

func hostileZlib(t testing.TB, data, dict []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var zw *zlib.Writer
	var err error
	if dict != nil {
		zw, err = zlib.NewWriterLevelDict(&buf, zlib.DefaultCompression, dict)
		require.NoError(t, err)
	} else {
		zw = zlib.NewWriter(&buf)
	}
	_, err = zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func hostileDecode(enc string, body []byte) (string, error) {
	h := http.Header{"Content-Encoding": {enc}}
	out, err := decodeBody(h, append([]byte(nil), body...), newBudget(MaxDecodedBytesPerFile))
	return string(out), err
}

// TestHostilePooledDecompressorsAfterErrors pins that a pooled gzip or zlib
// reader left in any failed state (bad header, corrupt data, truncated,
// checksum mismatch, a preset dictionary, a body cut off by the size
// limit) decodes the next body exactly as a fresh reader would.
func TestHostilePooledDecompressorsAfterErrors(t *testing.T) {
	good := []byte(`{"ok":true,"n":12345}`)
	gz := hostileGzip(t, good)
	multi := hostileGzip(t, []byte("abc"), []byte("def"))
	badCRC := append([]byte(nil), gz...)
	badCRC[len(badCRC)-5] ^= 0xff
	corrupt := append([]byte(nil), gz...)
	corrupt[12] ^= 0xff
	zl := hostileZlib(t, good, nil)
	zlDict := hostileZlib(t, good, []byte("dictionary"))
	zlBadSum := append([]byte(nil), zl...)
	zlBadSum[len(zlBadSum)-1] ^= 0xff
	bomb := hostileGzip(t, make([]byte, MaxDecodedBodyBytes+1))

	type tc struct {
		enc  string
		body []byte
	}
	cases := []tc{
		{"gzip", gz}, {"gzip", multi}, {"gzip", badCRC}, {"gzip", corrupt}, {"gzip", gz[:len(gz)-3]},
		{"gzip", gz[:11]}, {"gzip", []byte{0x1f, 0x8b, 9}}, {"gzip", bomb},
		{"deflate", zl}, {"deflate", zlDict}, {"deflate", zlBadSum}, {"deflate", zl[:len(zl)-2]},
		{"deflate", zl[:3]}, {"deflate", []byte{0x78, 0x9c}},
	}
	// What a fresh reader gives for each: the reference is taken with the
	// pools emptied before each case.
	want := make([]string, len(cases))
	for i, c := range cases {
		gzipReaders = sync.Pool{}
		zlibReaders = sync.Pool{}
		out, err := hostileDecode(c.enc, c.body)
		want[i] = fmt.Sprintf("%d %q %v", len(out), out[:min(len(out), 64)], err)
	}
	// The bomb is refused by the size limit, through a fresh reader.
	require.Contains(t, want[7], "once decompressed")
	// The pools do hand a reader back (else this test checks nothing;
	// under the race detector a pool drops some of what it is given).
	reused := false
	for range 20 {
		_, _ = hostileDecode("gzip", gz)
		if zr, _ := gzipReaders.Get().(*gzip.Reader); zr != nil {
			gzipReaders.Put(zr)
			reused = true
			break
		}
	}
	require.True(t, reused, "the gzip pool kept no reader")
	// Every case after every other case, through the pools.
	for i := range cases {
		for j := range cases {
			if cases[i].enc != cases[j].enc {
				continue
			}
			_, _ = hostileDecode(cases[i].enc, cases[i].body)
			out, err := hostileDecode(cases[j].enc, cases[j].body)
			got := fmt.Sprintf("%d %q %v", len(out), out[:min(len(out), 64)], err)
			require.Equal(t, want[j], got, "case %d after case %d", j, i)
		}
	}
}

// TestHostilePooledDecompressorsConcurrent decodes bodies of both encodings
// from several goroutines at once (run with -race).
func TestHostilePooledDecompressorsConcurrent(t *testing.T) {
	bodies := map[string][]byte{}
	for i := range 8 {
		bodies[fmt.Sprint("g", i)] = hostileGzip(t, bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1)))
		bodies[fmt.Sprint("d", i)] = hostileZlib(t, bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1)), nil)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 200 {
				i := (g + k) % 8
				enc, key := "gzip", fmt.Sprint("g", i)
				if k%2 == 1 {
					enc, key = "deflate", fmt.Sprint("d", i)
				}
				out, err := hostileDecode(enc, bodies[key])
				if err != nil || out != string(bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1))) {
					t.Errorf("%s %d: %d bytes, %v", enc, i, len(out), err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
