package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/fast"
)

// harExports are the HAR files in the repository: Chrome-like exports with
// assets, preflights, missing bodies, and the fixtures.
func harExports(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, glob := range []string{"testdata/har/*.har", "../../../cmd/ssocontract/testdata/*.har"} {
		m, err := filepath.Glob(glob)
		require.NoError(tb, err)
		files = append(files, m...)
	}
	require.GreaterOrEqual(tb, len(files), 8, "the HAR fixtures moved")
	return files
}

// loadRun is what a loader (HAR or cassette) handed over, in order, and
// the error it ended with.
type loadRun struct {
	pairs []contract.Pair
	err   string
}

func (r *loadRun) add(p *contract.Pair) error {
	r.pairs = append(r.pairs, *p)
	return nil
}

func (r *loadRun) end(err error) loadRun {
	if err != nil {
		r.err = err.Error()
	}
	return *r
}

// slowRun is encoding/json's reading of data, the reference.
func slowRun(data []byte) loadRun {
	var r loadRun
	return r.end(slowHAR(data, "f.har", newBudget(MaxDecodedBytesPerFile), r.add, 0))
}

// fastRun is eachHAR's: the fast path, falling back to encoding/json.
func fastRun(data []byte) loadRun {
	var r loadRun
	return r.end(eachHAR(data, "f.har", newBudget(MaxDecodedBytesPerFile), r.add))
}

// streamRun is the file walk's: the fast path on a stream read step bytes
// at a time into a window of chunk bytes, falling back to the
// encoding/json stream, errors located by reading the file whole.
func streamRun(data []byte, chunk, step int) loadRun {
	var r loadRun
	return r.end(forEachHARChunked(&stepReader{bytes.NewReader(data), step}, chunk, "f.har", r.add))
}

// stepReader reads at most step bytes per call.
type stepReader struct {
	*bytes.Reader
	step int
}

func (s *stepReader) Read(p []byte) (int, error) {
	return s.Reader.Read(p[:min(len(p), s.step)])
}

// fastOnly runs the fast path alone, reporting whether it fell back.
func fastOnly(data []byte) (loadRun, bool) {
	var r loadRun
	_, done, err := fast.HAR(nil, data, 0, harHandOver("f.har", newBudget(MaxDecodedBytesPerFile), r.add))
	if !done && err == nil {
		return r, true
	}
	return r.end(err), false
}

// harVariants are documents that leave the fast path's plain form, or are
// not HAR at all: each must still load exactly as encoding/json loads it.
var harVariants = []string{
	``, ` `, `null`, `[]`, `{}`, `{"log":null}`, `{"log":{}}`, `{"log":{"entries":null}}`,
	`{"log":{"entries":[]}} x`, `{"log":{"entries":[]}}{}`, "\xef\xbb\xbf" + `{"log":{"entries":[]}}`,
	` ` + "\xef\xbb\xbf" + `{"log":{"entries":[]}}`, `{"LOG":{"Entries":[]}}`, `{"log":{"entries":[]},"Log":{}}`,
	`{"log":{"entries":[],"entries":[]}}`, `{"\u006cog":{"entries":[]}}`, `{"log":{"entrieſ":[]}}`,
	`{"log":{"entries":[null]}}`, `{"log":{"entries":[1]}}`, `{"log":{"entries":[{}]}}`,
	`{"log":{"entries":[{"request":null,"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"get","url":"https://a.test/x"},"response":{"status":0}}]}}`,
	`{"log":{"entries":[{"request":{"method":"get","url":"https://a.test/x"},"response":{"status":"201 "}}]}}`,
	`{"log":{"entries":[{"request":{"method":"get","url":"https://a.test/x"},"response":{"status":"x"}}]}}`,
	`{"log":{"entries":[{"request":{"method":"get","url":"https://a.test/x"},"response":{"status":null}}]}}`,
	`{"log":{"entries":[{"request":{"method":"get","url":"https://a.test/x"},"response":{"status":2e2}}]}}`,
	`{"log":{"entries":[{"request":{"method":"get","url":"https://a.test/x"},"response":{"status":{}}}]}}`,
	`{"log":{"entries":[{"Request":{"METHOD":"PUT","Url":"https://a.test/x","PostData":{"Text":"{}","MimeType":"application/json"}},"RESPONSE":{"Status":200,"Content":{"TEXT":"{}","Size":2}}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","method":"POST","url":"https://a.test/x"},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x"},"request":{"url":"https://b.test/"},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","ſrl":"u"},"response":{"ſtatus":500,"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","headers":[null,{"name":"A","value":"1"},{"name":":authority","value":"x"}]},"response":{"status":200,"headers":[]}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","headers":{}},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":5,"url":"https://a.test/x"},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/\u00e9\ud83d\ude00\ud800","bodySize":12},"response":{"status":200,"content":{"size":-1}}}]}}`,
	"{\"log\":{\"entries\":[{\"request\":{\"method\":\"PUT\",\"url\":\"https://a.test/\xff\"},\"response\":{\"status\":200,\"content\":{\"text\":\"a\xffb\"}}}]}}",
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","postData":{"text":null}},"response":{"status":200,"content":{"text":"e30=","encoding":"Base64"}}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","postData":{"text":"%%%","encoding":"base64"}},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","_x":[1.5e+3,-0,true,false,null,{"a":[]}]},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","_x":01},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","_x":[1,]},"response":{"status":200}}]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x"},"response":{"status":200}},]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x"},"response":{"status":200}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x"},"response":{"status":200}} {"request":{}}]}}`,
	`{"log":{"version":"1.2","creator":{"name":"x"},"pages":[{"id":"p"}],"entries":[{"request":{"method":"GET","url":"https://a.test/"},"response":{"status":204}}],"comment":"c"},"extra":[1,2]}`,
	`{"log":{"entries":[` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001) + `]}}`,
	`{"log":{"entries":[{"request":{"method":"PUT","url":"https://a.test/x","_x":` + strings.Repeat(`[`, 200) + strings.Repeat(`]`, 200) + `},"response":{"status":200}}]}}`,
}

// TestFastHARMatchesEncodingJSON checks the fast path against encoding/json
// on every HAR export in the repository and on documents made to leave its
// plain form: the same pairs in the same order, with the same lines, and
// the same error, from memory and from streams read in small pieces.
func TestFastHARMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	var inputs [][]byte
	for _, file := range harExports(t) {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		inputs = append(inputs, data)
	}
	for _, v := range harVariants {
		inputs = append(inputs, []byte(v))
	}
	for _, data := range inputs {
		want := slowRun(data)
		require.Equal(t, want, fastRun(data), "eachHAR on %.80q", data)
		cases := [][2]int{{fast.HARChunk, 1 << 20}, {1, 1}, {7, 3}, {64, 64}}
		for chunk := 2; chunk <= 48; chunk++ {
			// Refills land at every offset of keys, values and entries.
			cases = append(cases, [2]int{chunk, 128})
		}
		for _, cs := range cases {
			require.Equal(t, want, streamRun(data, cs[0], cs[1]), "stream (chunk %d, step %d) on %.80q", cs[0], cs[1], data)
		}
	}
}

// TestFastHARTakesRealExports checks that the fast path reads the
// repository's HAR exports itself, without falling back: otherwise the
// speed it exists for is not there.
func TestFastHARTakesRealExports(t *testing.T) {
	t.Parallel()
	for _, file := range harExports(t) {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		got, fellBack := fastOnly(data)
		require.False(t, fellBack, "%s: the fast path fell back", file)
		require.Equal(t, slowRun(data), got, file)
	}
	// And one it must hand back: a duplicated "log".
	_, fellBack := fastOnly([]byte(`{"log":{},"log":{}}`))
	require.True(t, fellBack)
}

// FuzzFastHAR is the differential test of the fast path: for any input,
// eachHAR and the stream walk (with any window and read size) hand over
// the same pairs, in the same order, and end with the same error as
// encoding/json alone.
func FuzzFastHAR(f *testing.F) {
	for _, file := range harExports(f) {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data, uint16(0), uint8(0))
	}
	for i, v := range harVariants {
		f.Add([]byte(v), uint16(i), uint8(i))
	}
	// Issue 19 section 1: nesting judged over the whole document, a
	// negative status.
	deep := strings.Repeat("[", 9997) + strings.Repeat("]", 9997)
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"PUT","url":"u","_x":`+deep+`},"response":{"status":200}}]}}`), uint16(100), uint8(7))
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"PUT","url":"u"},"response":{"status":-1}}]}}`), uint16(0), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint16, step uint8) {
		want := slowRun(data)
		require.Equal(t, want, fastRun(data), "eachHAR")
		require.Equal(t, want, streamRun(data, 1+int(chunk)%4096, 1+int(step)), "stream")
	})
}
