package capture_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// zeroGzip is a gzip stream of n zero bytes: about n/1000 bytes that
// decompress to n.
func zeroGzip(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	block := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(block))
		_, err := zw.Write(block[:k])
		require.NoError(t, err)
		n -= k
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// allocatedBy reports the bytes allocated while f ran. The test using it is
// not parallel, so nothing else in this package runs meanwhile.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecodedBytesBudgetBoundsMemory loads a HAR file and a cassette of
// forty gzip bodies of 30 MiB each (every one within MaxDecodedBodyBytes, 1.2 GiB
// in all, from files of about 1.6 MB and 1.3 MB): each must fail with an
// error naming the file and the entry, having allocated not much more than
// the per-file budget. Without the budget both load, allocating several
// times as much. Not parallel: it measures the process's allocations.
func TestDecodedBytesBudgetBoundsMemory(t *testing.T) {
	const bodies, bodySize = 40, 30 << 20
	gz := zeroGzip(t, bodySize)
	gzB64 := base64.StdEncoding.EncodeToString(gz)

	var har strings.Builder
	har.WriteString(`{"log":{"entries":[`)
	for i := range bodies {
		if i > 0 {
			har.WriteString(",\n")
		}
		har.WriteString(`{"request":{"method":"GET","url":"https://x.test/"},"response":{"status":200,"headers":[{"name":"Content-Encoding","value":"gzip"}],"content":{"text":"` + gzB64 + `","encoding":"base64"}}}`)
	}
	har.WriteString("]}}")

	interactions := make([]*cassette.Interaction, bodies)
	for i := range interactions {
		interactions[i] = &cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "https://x.test/"},
			Response: cassette.Response{Code: 200, Headers: map[string][]string{"Content-Encoding": {"gzip"}}, Body: string(gz)},
		}
	}
	yml, err := yaml.Marshal(struct {
		Version      int                     `yaml:"version"`
		Interactions []*cassette.Interaction `yaml:"interactions"`
	}{cassette.CassetteFormatVersion, interactions})
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		load func() ([]contract.Pair, error)
	}{
		{"gzip.har", func() ([]contract.Pair, error) { return capture.LoadHAR(strings.NewReader(har.String()), "gzip.har") }},
		{"gzip.yaml", func() ([]contract.Pair, error) { return capture.LoadCassette(bytes.NewReader(yml), "gzip.yaml") }},
	} {
		var pairs []contract.Pair
		var err error
		alloc := allocatedBy(func() { pairs, err = tc.load() })
		t.Logf("%s: %d bytes of file, %d MiB allocated: %v", tc.name, max(har.Len(), len(yml)), alloc>>20, err)
		require.ErrorIs(t, err, capture.ErrDecodedTooLarge, tc.name)
		assert.Nil(t, pairs)
		assert.Contains(t, err.Error(), tc.name)
		assert.Regexp(t, `(entry|interaction) \d+`, err.Error())
		assert.Contains(t, err.Error(), "MaxDecodedBytesPerFile")
		assert.Less(t, alloc, uint64(capture.MaxDecodedBytesPerFile)*3/2, "%s: allocations beyond the per-file budget", tc.name)
	}
}

// largeMappingCassette is a cassette whose one interaction has a header
// mapping of n distinct names.
func largeMappingCassette(n int) []byte {
	var b bytes.Buffer
	b.WriteString("version: 2\ninteractions:\n- request:\n    method: GET\n    url: https://x.test/\n    headers:\n")
	for i := range n {
		fmt.Fprintf(&b, "      X-H%d: [v]\n", i)
	}
	b.WriteString("  response:\n    code: 200\n")
	return b.Bytes()
}

// TestLargeMappingIsBounded: the YAML library looks for a key given twice
// by comparing every pair of keys (80,000 keys took it over 20 s), so a
// mapping of more than 1,000 keys is refused, naming its line, before the
// library decodes it; 1,000 keys are read.
func TestLargeMappingIsBounded(t *testing.T) {
	t.Parallel()
	pairs, err := capture.LoadCassette(bytes.NewReader(largeMappingCassette(1000)), "big.yaml")
	require.NoError(t, err)
	require.Len(t, pairs, 1)
	assert.Len(t, pairs[0].RequestHeader, 1000)

	_, err = capture.LoadCassette(bytes.NewReader(largeMappingCassette(80000)), "big.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "capture: big.yaml: line 7: a mapping of 80000 keys, more than 1000")
}

// TestDuplicateKeysAreFound: a key given twice in any mapping the loader
// reads is an error naming both lines, also at the end of a large mapping.
func TestDuplicateKeysAreFound(t *testing.T) {
	t.Parallel()
	big := largeMappingCassette(900)
	big = bytes.Replace(big, []byte("  response:\n"), []byte("      X-H7: [again]\n  response:\n"), 1)
	tests := map[string]struct {
		in   []byte
		want []string
	}{
		"large header mapping": {big, []string{"interaction 0: line 907", `"X-H7" already defined at line 14`}},
		"request":              {[]byte("version: 2\ninteractions:\n- request: {method: PUT, url: u, method: GET}\n  response: {code: 200}\n"), []string{"line 3", `"method" already defined`}},
		"top level":            {[]byte("version: 2\ninteractions: []\nversion: 2\n"), []string{"line 3", `"version" already defined at line 1`}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := capture.LoadCassette(bytes.NewReader(tt.in), "dup.yaml")
			require.Error(t, err)
			for _, w := range append(tt.want, "dup.yaml") {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoadHARByteOrderMark(t *testing.T) {
	t.Parallel()
	in := "\xEF\xBB\xBF" + harWith(`{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":200}}`)
	pairs, err := capture.LoadHAR(strings.NewReader(in), "bom.har")
	require.NoError(t, err)
	require.Len(t, pairs, 1)
	assert.Equal(t, 200, pairs[0].StatusCode)
}

func TestPairLines(t *testing.T) {
	t.Parallel()
	t.Run("har", func(t *testing.T) {
		t.Parallel()
		in := "{\"log\": {\n  \"entries\": [\n    {\"request\":{\"method\":\"PUT\",\"url\":\"https://x.test/\"},\"response\":{\"status\":0}},\n" +
			"    {\"request\":{\"method\":\"PUT\",\"url\":\"https://x.test/\"},\n     \"response\":{\"status\":200}},\n" +
			"\n    {\"request\":{\"method\":\"PUT\",\"url\":\"https://x.test/\"},\"response\":{\"status\":201}}\n  ]\n}}\n"
		pairs, err := capture.LoadHAR(strings.NewReader(in), "l.har")
		require.NoError(t, err)
		require.Len(t, pairs, 2)
		assert.Equal(t, 4, pairs[0].Line)
		assert.Equal(t, 7, pairs[1].Line)

		bad := strings.Replace(in, `"url":"https://x.test/"},"response":{"status":201}`, `"url":""},"response":{"status":201}`, 1)
		_, err = capture.LoadHAR(strings.NewReader(bad), "l.har")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "entry 2 (line 7)")
	})
	t.Run("cassette", func(t *testing.T) {
		t.Parallel()
		pairs, err := capture.LoadPath("testdata/cassettes/valid.yaml")
		require.NoError(t, err)
		require.Len(t, pairs, 3)
		data, err := os.ReadFile("testdata/cassettes/valid.yaml")
		require.NoError(t, err)
		lines := strings.Split(string(data), "\n")
		for i, p := range pairs {
			require.Positive(t, p.Line)
			assert.Equal(t, fmt.Sprintf("- id: %d", i), lines[p.Line-1])
		}
	})
}

func TestBodyNotCaptured(t *testing.T) {
	t.Parallel()
	// As Chrome exports a response it did not keep, and a request whose
	// body it did not record.
	chrome := `{"request":{"method":"PUT","url":"https://x.test/a","headers":[{"name":"Content-Type","value":"application/json"}],"bodySize":52},` +
		`"response":{"status":200,"headers":[],"content":{"size":1234,"mimeType":"application/json"},"bodySize":-1}}`
	kept := `{"request":{"method":"PUT","url":"https://x.test/a","headers":[],"bodySize":7,"postData":{"mimeType":"application/json","text":"{\"a\":1}"}},` +
		`"response":{"status":200,"headers":[],"content":{"size":2,"mimeType":"application/json","text":"{}"}}}`
	empty := `{"request":{"method":"GET","url":"https://x.test/a","headers":[],"bodySize":0},` +
		`"response":{"status":204,"headers":[],"content":{"size":0,"mimeType":"x-unknown"}}}`
	pairs, err := capture.LoadHAR(strings.NewReader(harWith(chrome+","+kept+","+empty)), "c.har")
	require.NoError(t, err)
	require.Len(t, pairs, 3)
	assert.True(t, pairs[0].RequestBodyMissing)
	assert.True(t, pairs[0].ResponseBodyMissing)
	for _, p := range pairs[1:] {
		assert.False(t, p.RequestBodyMissing, p.Index)
		assert.False(t, p.ResponseBodyMissing, p.Index)
	}
}

// TestForEachMatchesLoadFile: streaming a file gives the pairs LoadFile
// gives (lines included), and the same error for a broken one.
func TestForEachMatchesLoadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pretty := "\xEF\xBB\xBF{\"log\": {\n  \"entries\": [\n    {\"request\":{\"method\":\"PUT\",\"url\":\"https://x.test/\"},\"response\":{\"status\":0}},\n" +
		"    {\"request\":{\"method\":\"PUT\",\"url\":\"https://x.test/\"},\n     \"response\":{\"status\":200}},\n" +
		"\n    {\"request\":{\"method\":\"PUT\",\"url\":\"https://x.test/\"},\"response\":{\"status\":201}}\n  ]\n}}\n"
	files := map[string]string{
		"pretty.har":     pretty,
		"bad-entry.har":  strings.Replace(pretty, `"status":201`, `"status":"x"`, 1),
		"bad-syntax.har": strings.Replace(pretty, `"status":201}`, `"status":201,}`, 1),
		"trailing.har":   pretty + "{}",
	}
	item := "- request:\n    method: PUT\n    url: u\n    body: 'a\n      b'\n  response:\n    code: 200\n    headers:\n      A:\n      - \"x\"\n"
	head := "---\nversion: 2\ninteractions:\n"
	indented := strings.ReplaceAll(item, "\n", "\n    ") // every line 4 spaces in
	indented = indented[:len(indented)-4]
	for name, content := range map[string]string{
		"stream.yaml":       head + item + item + item,
		"indented.yaml":     head + "    " + indented + "    " + indented,
		"no-code.yaml":      head + item + strings.Replace(item, "code: 200", "code: 0", 1),
		"comment.yaml":      head + item + strings.Replace(item, "url: u", "url: u # c", 1) + item,
		"trailing-key.yaml": head + item + item + "extra: 1\n",
		"dup-version.yaml":  head + item + "version: 2\n",
		"version-last.yaml": "interactions:\n" + item + "version: 2\n",
		"no-newline.yaml":   head + item + strings.TrimSuffix(item, "\n"),
		"anchor.yaml":       head + item + "- &a\n  request: {method: GET, url: u}\n  response: {code: 201}\n- *a\n",
		"blank-line.yaml":   head + strings.Replace(item, "'a\n      b'", "'a\n\n      b'", 1) + item,
	} {
		files[name] = content
	}
	vcr := cassette.New(filepath.Join(dir, "saved"))
	vcr.MarshalFunc = yaml.Marshal
	for i := range 3 {
		vcr.AddInteraction(&cassette.Interaction{
			Request:  cassette.Request{Method: "PUT", URL: "https://x.test/", Body: strings.Repeat("long body ", 10000*i)},
			Response: cassette.Response{Code: 200 + i, Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: "{}\n[]"},
		})
	}
	require.NoError(t, vcr.Save())
	paths := []string{"testdata/har/valid.har", "testdata/har/violations.har", "testdata/cassettes/valid.yaml", "testdata/cassettes/violations.yaml", vcr.File}
	recorded, err := filepath.Glob("../../../contracttests/testdata/cassettes/*/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, recorded)
	paths = append(paths, recorded...)
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		paths = append(paths, p)
	}
	for _, p := range paths {
		want, wantErr := capture.LoadFile(p)
		var got []contract.Pair
		err := capture.ForEach(p, func(pair *contract.Pair) error { got = append(got, *pair); return nil }, nil)
		if wantErr != nil {
			require.Error(t, err, p)
			assert.Equal(t, wantErr.Error(), err.Error(), p)
			continue
		}
		require.NoError(t, err, p)
		assert.Equal(t, want, got, p)
		assert.NotEmpty(t, got, p)
	}
	pairs, err := capture.LoadFile(filepath.Join(dir, "pretty.har"))
	require.NoError(t, err)
	require.Len(t, pairs, 2)
	assert.Equal(t, []int{4, 7}, []int{pairs[0].Line, pairs[1].Line})

	// An error from fn stops the walk and comes back as it is.
	stop := errors.New("stop")
	err = capture.ForEach(filepath.Join(dir, "pretty.har"), func(*contract.Pair) error { return stop }, nil)
	assert.Equal(t, stop, err)
}
