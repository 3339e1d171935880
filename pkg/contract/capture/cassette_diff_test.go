package capture

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// oldLoadCassette is the loader as it was before the node walker: YAML
// decoded by the library into go-vcr's own types. It is the reference the
// differential test holds the walker to.
func oldLoadCassette(data []byte, source string) ([]contract.Pair, error) {
	var c struct {
		Version      int                     `yaml:"version"`
		Interactions []*cassette.Interaction `yaml:"interactions"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	if c.Version == 0 && c.Interactions == nil {
		return nil, ErrNotPairFile
	}
	if c.Version != cassette.CassetteFormatVersion {
		return nil, errors.New("format version")
	}
	b := newBudget(1 << 62)
	pairs := make([]contract.Pair, 0, len(c.Interactions))
	for i, in := range c.Interactions {
		if in == nil {
			return nil, errors.New("empty interaction")
		}
		p := contract.Pair{
			Method: in.Request.Method, URL: in.Request.URL, StatusCode: in.Response.Code,
			RequestHeader: oldCloneHeader(in.Request.Headers), ResponseHeader: oldCloneHeader(in.Response.Headers),
			Source: source, Index: i,
		}
		p, err := finishCassettePair(p, in.Request.Body, in.Response.Body, b)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	return pairs, nil
}

func oldCloneHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		out[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return out
}

// headerCollision reports whether two names in h canonicalise alike: the
// old loader then kept one of them at random (map order), the new one
// keeps both in file order, so headers are not compared.
func headerCollision(h http.Header) bool {
	seen := map[string]bool{}
	for k := range h {
		ck := http.CanonicalHeaderKey(k)
		if seen[ck] {
			return true
		}
		seen[ck] = true
	}
	return false
}

func rawHeaders(data []byte) []http.Header {
	var c struct {
		Interactions []*cassette.Interaction `yaml:"interactions"`
	}
	if yaml.Unmarshal(data, &c) != nil {
		return nil
	}
	var hs []http.Header
	for _, in := range c.Interactions {
		if in != nil {
			hs = append(hs, in.Request.Headers, in.Response.Headers)
		}
	}
	return hs
}

func checkSameAsOld(t *testing.T, data []byte) {
	t.Helper()
	old, oldErr := oldLoadCassette(data, "d.yaml")
	pairs, err := LoadCassette(bytes.NewReader(data), "d.yaml")
	if oldErr != nil {
		// Known, deliberate differences: the library refuses heavy
		// aliasing that the walker bounds by its byte budget instead.
		if err == nil && strings.Contains(oldErr.Error(), "excessive aliasing") {
			return
		}
		if err == nil {
			t.Fatalf("old decoding rejects (%v), new accepts %d pairs", oldErr, len(pairs))
		}
		return
	}
	if err != nil {
		// Merge keys are refused on purpose; go-vcr never writes them.
		if bytes.Contains(data, []byte("<<")) && strings.Contains(err.Error(), "merge keys") {
			return
		}
		t.Fatalf("old decoding accepts %d pairs, new rejects: %v", len(old), err)
	}
	if len(old) != len(pairs) {
		t.Fatalf("old decoding gives %d pairs, new %d", len(old), len(pairs))
	}
	compareHeaders := true
	for _, h := range rawHeaders(data) {
		if headerCollision(h) {
			compareHeaders = false
		}
	}
	for i := range old {
		o, n := old[i], pairs[i]
		if n.Line <= 0 {
			t.Fatalf("pair %d: no line", i)
		}
		if o.Method != n.Method || o.URL != n.URL || o.StatusCode != n.StatusCode || o.Index != n.Index || o.Source != n.Source ||
			!bytes.Equal(o.RequestBody, n.RequestBody) || !bytes.Equal(o.ResponseBody, n.ResponseBody) {
			t.Fatalf("pair %d differs:\nold %+v\nnew %+v", i, o, n)
		}
		if compareHeaders && (!headerEqual(o.RequestHeader, n.RequestHeader) || !headerEqual(o.ResponseHeader, n.ResponseHeader)) {
			t.Fatalf("pair %d headers differ:\nold %v %v\nnew %v %v", i, o.RequestHeader, o.ResponseHeader, n.RequestHeader, n.ResponseHeader)
		}
	}
}

func headerEqual(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || len(va) != len(vb) {
			return false
		}
		for i := range va {
			if va[i] != vb[i] {
				return false
			}
		}
	}
	return true
}

// FuzzCassetteSameAsGoVCR holds the node walker to the old struct decoding
// through go-vcr's types: where both accept, the same pairs; where one
// rejects, so does the other (errors may differ in wording).
func FuzzCassetteSameAsGoVCR(f *testing.F) {
	for _, pattern := range []string{"testdata/cassettes/*.yaml", "../../../contracttests/testdata/cassettes/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	// The corpus FuzzLoadCassette has gathered.
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzLoadCassette/*")
	for _, file := range corpus {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		_, lit, ok := strings.Cut(string(data), "[]byte(")
		if !ok {
			continue
		}
		s, err := strconv.Unquote(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(lit), ")")))
		if err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		f.Add([]byte(s))
	}
	for _, s := range []string{
		"version: 2\ninteractions:\n- request: {method: PUT, url: 'https://x.test/', headers: {Content-Encoding: [gzip]}, body: \"\\x1f\\x8b\"}\n  response: {code: 200}\n",
		"version: 2\ninteractions: [null]\n",
		"&a [*a]",
		"",
		"version: 0x2\ninteractions: []\n",
		"version: 2\ninteractions:\n- &i\n  request: {method: put, url: u, headers: {a: [1, true, ~, 0x10]}}\n  response: {code: 2e2, duration: 5, status: 200, body: !!binary aGk=}\n- *i\n",
		"version: 2\ninteractions:\n- request: {method: PUT, url: u, proto_major: x}\n  response: {code: 200}\n",
		"version: 2\ninteractions:\n- request: {method: PUT, url: u}\n  response: {code: 200, duration: 1h}\n  id: [1]\n",
		"version: 2\ninteractions:\n- request: {method: PUT, url: u, method: GET}\n  response: {code: 200}\n",
		"version: 2\ninteractions:\n- request: {method: PUT, url: u, form: {a: [b]}, trailer: {x: [y]}, transfer_encoding: [chunked]}\n  response: {code: 200, uncompressed: true}\n",
		"version: 2\ninteractions:\n- request: {method: PUT, url: u}\n  response: {code: 200, uncompressed: maybe}\n",
		"version: 2\ninteractions:\n- request: {method: PUT, url: u, headers: {a: b}}\n  response: {code: 200}\n",
		"version: 2\nversion: 2\ninteractions: []\n",
		"? [a]\n: 1\nversion: 2\n",
		"version: 2\ninteractions:\n- request: {method: PUT, url: u, 7: x}\n  response: {code: \"200\"}\n",
	} {
		f.Add([]byte(s))
	}
	for _, s := range midFileFallbacks {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameAsOld(t, data)
	})
}

const blockItem = "- request:\n    method: PUT\n    url: u\n  response:\n    code: 200\n"

// midFileFallbacks leave the fast subset after the first interaction has
// been handed over.
var midFileFallbacks = []string{
	"version: 2\ninteractions:\n" + blockItem + "- request:\n    method: GET # a comment\n    url: u\n  response:\n    code: 201\n",
	"version: 2\ninteractions:\n" + blockItem + blockItem + "extra: 1\n",
	"version: 2\ninteractions:\n" + blockItem + "version: 2\n",
	"version: 2\ninteractions:\n" + blockItem + "- &a\n  request: {method: GET, url: u}\n  response: {code: 201}\n- *a\n",
}

// TestFallbackAfterStreaming: a file that leaves the fast subset midway
// gives what the old decoding gives, each interaction once.
func TestFallbackAfterStreaming(t *testing.T) {
	t.Parallel()
	for _, in := range midFileFallbacks {
		w := &cassetteWalker{source: "m.yaml", b: newBudget(MaxDecodedBytesPerFile)}
		emitted, fallback, err := fastEach([]byte(in), w, func(*contract.Pair) error { return nil })
		if err != nil || !fallback || emitted == 0 {
			t.Fatalf("fastEach: emitted %d, fallback %v, err %v; the case does not test a fallback midway", emitted, fallback, err)
		}
		checkSameAsOld(t, []byte(in))
	}
	pairs, err := LoadCassette(strings.NewReader(midFileFallbacks[0]), "m.yaml")
	if err != nil || len(pairs) != 2 || pairs[0].StatusCode != 200 || pairs[1].StatusCode != 201 || pairs[1].Index != 1 || pairs[1].Line != 8 {
		t.Fatalf("got %+v, %v", pairs, err)
	}
}

// FuzzForEachCassetteSameAsLoad holds the streaming reader ForEach uses to
// LoadCassette: the same pairs in the same order, or an error for both.
func FuzzForEachCassetteSameAsLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/cassettes/*.yaml", "../../../contracttests/testdata/cassettes/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range midFileFallbacks {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := LoadCassette(bytes.NewReader(data), "s.yaml")
		var got []contract.Pair
		err := forEachCassetteFile(bytes.NewReader(data), "s.yaml", func(p *contract.Pair) error {
			got = append(got, *p)
			return nil
		})
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("ForEach error %v, LoadCassette error %v", err, wantErr)
		}
		if err != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("ForEach gives %d pairs, LoadCassette %d", len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("pair %d differs:\nForEach %+v\nLoad    %+v", i, got[i], want[i])
			}
		}
	})
}
