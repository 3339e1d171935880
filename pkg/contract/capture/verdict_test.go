package capture_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture"
)

// The cases of issue 19 section 1: files where a reader once gave a
// different verdict from what go-vcr (for cassettes) or encoding/json (for
// HAR files) makes of them.

// goVCR loads a cassette with go-vcr itself: what it replays.
func goVCR(t *testing.T, doc string) (*cassette.Cassette, error) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "c")
	require.NoError(t, os.WriteFile(name+".yaml", []byte(doc), 0o600))
	return cassette.Load(name)
}

// everyWay reads a cassette through LoadCassette, LoadFile and ForEach
// (the streaming reader) and ForEachReader; all must agree.
func everyWay(t *testing.T, doc string) ([]contract.Pair, error) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(file, []byte(doc), 0o600))
	load, loadErr := capture.LoadCassette(strings.NewReader(doc), file)
	fromFile, fileErr := capture.LoadFile(file)
	var each []contract.Pair
	eachErr := capture.ForEach(file, func(p *contract.Pair) error { each = append(each, *p); return nil }, nil)
	var stream []contract.Pair
	streamErr := capture.ForEachReader(strings.NewReader(doc), file, func(p *contract.Pair) error { stream = append(stream, *p); return nil })
	for name, got := range map[string]struct {
		pairs []contract.Pair
		err   error
	}{"LoadFile": {fromFile, fileErr}, "ForEach": {each, eachErr}, "ForEachReader": {stream, streamErr}} {
		require.Equal(t, loadErr == nil, got.err == nil, "%s: error %v, LoadCassette's %v", name, got.err, loadErr)
		if loadErr == nil {
			require.Equal(t, load, got.pairs, name)
		}
	}
	return load, loadErr
}

const item = "- request:\n    method: PUT\n    url: https://x.test/%d\n    body: '{\"a\":%d}'\n  response:\n    code: 200\n"

func items(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, item, i, i)
	}
	return b.String()
}

// TestCommentInsideInteraction: a comment line inside an interaction, in
// the first one or a later one, at any indentation: every reader hands
// over go-vcr's interactions, each once, with its request body.
func TestCommentInsideInteraction(t *testing.T) {
	t.Parallel()
	body := "  request:\n    method: PUT\n    url: https://x.test/c\n    body: '{\"late\":true}'\n"
	for _, comment := range []string{"#\n", "# note\n", " #  x\n", "    # deep\n"} {
		// response first, then a comment, then the request with its body.
		commented := "- response:\n    code: 200\n" + comment + body
		for _, doc := range []string{
			"version: 2\ninteractions:\n" + commented + items(2),
			"version: 2\ninteractions:\n" + items(2) + commented + items(1),
		} {
			c, err := goVCR(t, doc)
			require.NoError(t, err)
			pairs, err := everyWay(t, doc)
			require.NoError(t, err, "%q", doc)
			require.Len(t, pairs, len(c.Interactions), "%q", doc)
			for i, in := range c.Interactions {
				assert.Equal(t, in.Request.Body, string(pairs[i].RequestBody), "interaction %d of %q", i, doc)
				assert.Equal(t, in.Request.URL, pairs[i].URL)
				assert.Equal(t, i, pairs[i].Index)
			}
		}
	}
}

// TestLeadingZeroCode: go-vcr's YAML library reads 0200 as YAML 1.1 octal
// (128); the pair carries the status go-vcr replays.
func TestLeadingZeroCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"0200": 128, "0624": 404, "0310": 200, "200": 200} {
		doc := "version: 2\ninteractions:\n- request:\n    method: PUT\n    url: https://x.test/\n  response:\n    code: " + code + "\n"
		c, err := goVCR(t, doc)
		require.NoError(t, err)
		require.Equal(t, want, c.Interactions[0].Response.Code, "go-vcr reads %s", code)
		pairs, err := everyWay(t, doc)
		require.NoError(t, err)
		assert.Equal(t, want, pairs[0].StatusCode, "code: %s", code)
	}
}

// TestDuplicateKeysGoVCRRefuses: a key given twice through an alias or a
// !!binary key is refused, as go-vcr refuses the file.
func TestDuplicateKeysGoVCRRefuses(t *testing.T) {
	t.Parallel()
	for name, response := range map[string]string{
		"alias":  "    code: 200\n    status: &k code\n    *k : 404\n",
		"binary": "    code: 200\n    ? !!binary Y29kZQ==\n    : 404\n",
	} {
		doc := "version: 2\ninteractions:\n- request:\n    method: PUT\n    url: https://x.test/\n  response:\n" + response
		_, vcrErr := goVCR(t, doc)
		require.Error(t, vcrErr, name)
		_, err := everyWay(t, doc)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "already set", name)
	}
}

// TestNullHeaderItem: a null item in a header's list is dropped by go-vcr,
// not made an empty value.
func TestNullHeaderItem(t *testing.T) {
	t.Parallel()
	doc := "version: 2\ninteractions:\n- request:\n    method: PUT\n    url: https://x.test/\n    headers:\n      X-A:\n      - a\n      -\n      - ~\n  response:\n    code: 200\n"
	c, err := goVCR(t, doc)
	require.NoError(t, err)
	pairs, err := everyWay(t, doc)
	require.NoError(t, err)
	assert.Equal(t, c.Interactions[0].Request.Headers["X-A"], pairs[0].RequestHeader["X-A"])
	assert.Equal(t, []string{"a"}, pairs[0].RequestHeader["X-A"])
}

// TestHARNestedTooDeepOverall: encoding/json counts nesting from the top of
// the document; an entry nested within its limit on its own but not inside
// {"log":{"entries":[...]}} is refused, as json.Unmarshal refuses the file.
func TestHARNestedTooDeepOverall(t *testing.T) {
	t.Parallel()
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, n := range []int{9995, 9996, 9997, 9998} {
		doc := `{"log":{"entries":[{"request":{"method":"PUT","url":"https://x.test/","_x":` + deep(n) + `},"response":{"status":200}}]}}`
		var v any
		wantErr := json.Unmarshal([]byte(doc), &v) != nil
		_, err := capture.LoadHAR(strings.NewReader(doc), "deep.har")
		assert.Equal(t, wantErr, err != nil, "nesting %d: error %v", n, err)
		file := filepath.Join(t.TempDir(), "deep.har")
		require.NoError(t, os.WriteFile(file, []byte(doc), 0o600))
		err = capture.ForEach(file, func(*contract.Pair) error { return nil }, nil)
		assert.Equal(t, wantErr, err != nil, "ForEach, nesting %d: error %v", n, err)
	}
}

// TestHARNegativeStatus: an entry with a negative status is an error naming
// the entry, not dropped as an entry without a response (status 0) is.
func TestHARNegativeStatus(t *testing.T) {
	t.Parallel()
	for _, status := range []string{"-1", `"-200"`} {
		doc := `{"log":{"entries":[{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":200}},
{"request":{"method":"PUT","url":"https://x.test/"},"response":{"status":` + status + `}}]}}`
		_, err := capture.LoadHAR(bytes.NewReader([]byte(doc)), "neg.har")
		require.Error(t, err, status)
		assert.Contains(t, err.Error(), "entry 1 (line 2)")
		assert.Contains(t, err.Error(), "is not an HTTP status")
	}
}

// TestHARBadStatusNamesTheEntry: a status that is no integer (200.0, 2e2,
// true, too large) is an error that names the entry and its line, from
// every reader.
func TestHARBadStatusNamesTheEntry(t *testing.T) {
	t.Parallel()
	ok := `{"request": {"method": "PUT", "url": "https://x.test/"}, "response": {"status": 200}}`
	for _, status := range []string{`200.0`, `2e2`, `true`, `99999999999999999999`, `"x"`} {
		doc := "{\"log\": {\"entries\": [\n" + ok + ",\n" + strings.Replace(ok, "200", status, 1) + "\n]}}"
		file := filepath.Join(t.TempDir(), "s.har")
		require.NoError(t, os.WriteFile(file, []byte(doc), 0o600))
		_, loadErr := capture.LoadFile(file)
		eachErr := capture.ForEach(file, func(*contract.Pair) error { return nil }, nil)
		streamErr := capture.ForEachReader(strings.NewReader(doc), file, func(*contract.Pair) error { return nil })
		for name, err := range map[string]error{"LoadFile": loadErr, "ForEach": eachErr, "ForEachReader": streamErr} {
			require.Error(t, err, "%s, status %s", name, status)
			assert.Contains(t, err.Error(), "entry 1 (line 3)", "%s, status %s", name, status)
		}
	}
}
