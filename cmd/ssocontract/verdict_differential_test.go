package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// The verdict of `validate --strict` does not depend on which code read the
// capture (issue 19 §2). For a corpus of captures (recorded ones, the
// crafted cases of issue 19 §1 and the capture package's fuzz seeds):
//
//   - by path and through standard input, the CLI gives the same exit code,
//     counts and violations;
//   - the CLI's verdict is the one computed independently of package
//     capture: a cassette loaded by go-vcr's own cassette.Load, a HAR file
//     decoded by encoding/json, each pair checked by contract.Validator.

// cliVerdict is what validate --strict --format json said: the exit code,
// the counts, and the violations without their file, entry or line.
type cliVerdict struct {
	exit       int
	pairs      int
	checked    int
	violations []string
}

// violationKey names a violation by what it is about, not where it was.
func violationKey(v contract.Violation) string {
	return strings.Join([]string{v.Method, v.Path, v.Operation, string(v.Side), string(v.Kind), v.Location}, " | ")
}

// runVerdict runs validate --strict --format json on path ("-" reads stdin).
func runVerdict(t *testing.T, path string, stdin []byte) cliVerdict {
	t.Helper()
	code, stdout, stderr := runWith(t, string(stdin), nil, "validate", "--strict", "--format", "json", path)
	var doc struct {
		Violations []contract.Violation `json:"violations"`
		Summary    struct {
			Pairs        int `json:"pairs"`
			CheckedPairs int `json:"checked_pairs"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	v := cliVerdict{exit: code, pairs: doc.Summary.Pairs, checked: doc.Summary.CheckedPairs}
	for _, viol := range doc.Violations {
		v.violations = append(v.violations, violationKey(viol))
	}
	slices.Sort(v.violations)
	return v
}

// refRead is the pairs the reference read, or why the capture is not
// readable.
type refRead struct {
	pairs []contract.Pair
	err   error
}

// referenceVerdict checks the pairs the reference read, each with v (strict),
// and concludes as validate does: 2 unreadable, 1 violations, 3 nothing
// checked, 0 otherwise.
func referenceVerdict(t *testing.T, v *contract.Validator, read refRead) cliVerdict {
	t.Helper()
	var out cliVerdict
	if read.err != nil {
		out.exit = exitUsage
		return out
	}
	for i := range read.pairs {
		res := v.Check(context.Background(), &read.pairs[i])
		out.pairs++
		if !res.Checked() {
			continue
		}
		out.checked++
		for _, viol := range res.Violations {
			out.violations = append(out.violations, violationKey(viol))
		}
	}
	slices.Sort(out.violations)
	switch {
	case len(out.violations) > 0:
		out.exit = exitFail
	case out.checked == 0:
		out.exit = exitNothing
	default:
		out.exit = exitOK
	}
	return out
}

// goVCRPairs loads a cassette with go-vcr's cassette.Load and makes a pair
// of each interaction as go-vcr replays it: method (upper-cased), URL, headers and body of
// the request; status (Response.Code), headers and body of the response.
// Header names are canonicalized as net/http does on the wire (values of
// names alike kept in the order of the names as written, sorted), and a
// gzip body under Content-Encoding: gzip is decompressed as a client
// does. An interaction without a method, a URL or a positive status, or a
// null one, is no exchange to check: the file is unreadable.
func goVCRPairs(t *testing.T, data []byte) refRead {
	t.Helper()
	name := filepath.Join(t.TempDir(), "ref")
	require.NoError(t, os.WriteFile(name+".yaml", data, 0o600))
	c, err := cassette.Load(name)
	if err != nil {
		return refRead{err: err}
	}
	var read refRead
	for i, in := range c.Interactions {
		if in == nil || in.Request.Method == "" || in.Request.URL == "" || in.Response.Code <= 0 {
			return refRead{err: fmt.Errorf("interaction %d is no exchange", i)}
		}
		p := contract.Pair{Method: strings.ToUpper(in.Request.Method), URL: in.Request.URL, StatusCode: in.Response.Code,
			RequestHeader: canonical(in.Request.Headers), ResponseHeader: canonical(in.Response.Headers)}
		if p.RequestBody, err = gunzip(p.RequestHeader, []byte(in.Request.Body)); err != nil {
			return refRead{err: err}
		}
		if p.ResponseBody, err = gunzip(p.ResponseHeader, []byte(in.Response.Body)); err != nil {
			return refRead{err: err}
		}
		read.pairs = append(read.pairs, p)
	}
	return read
}

// canonical returns h with canonical names.
func canonical(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out.Add(k, v)
		}
	}
	return out
}

// gunzip undoes Content-Encoding: gzip when the body is gzip, dropping the
// headers that described the encoded body; nil for an empty body.
func gunzip(h http.Header, body []byte) ([]byte, error) {
	if len(body) == 0 {
		return nil, nil
	}
	if !strings.EqualFold(strings.TrimSpace(h.Get("Content-Encoding")), "gzip") || !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return io.ReadAll(zr)
}

// refHAR is the part of a HAR 1.2 document the reference reads.
type refHAR struct {
	Log struct {
		Entries []struct {
			Request *struct {
				Method   string      `json:"method"`
				URL      string      `json:"url"`
				Headers  []refHeader `json:"headers"`
				BodySize any         `json:"bodySize"`
				PostData *refBody    `json:"postData"`
			} `json:"request"`
			Response *struct {
				Status  any         `json:"status"`
				Headers []refHeader `json:"headers"`
				Content *refBody    `json:"content"`
			} `json:"response"`
		} `json:"entries"`
	} `json:"log"`
}

type refHeader struct{ Name, Value string }

// refBody is a postData or a content: its text, encoding, media type and
// size.
type refBody struct {
	MimeType string  `json:"mimeType"`
	Text     *string `json:"text"`
	Encoding string  `json:"encoding"`
	Size     any     `json:"size"`
}

// number reads a HAR number written as a number or a string ("" and null
// are 0); ok is false for anything else.
func number(v any) (f float64, ok bool) {
	switch n := v.(type) {
	case nil:
		return 0, true
	case float64:
		return n, true
	case string:
		if strings.TrimSpace(n) == "" {
			return 0, true
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

// harPairs decodes a HAR document with encoding/json and makes a pair of
// each entry that got a response (a status of 0 or none is no response):
// HTTP/2 pseudo-headers dropped, base64 text decoded, gzip decompressed,
// Content-Type from mimeType when the headers lack one, and a body whose
// size is given without its text marked missing. A status that is not a
// positive integer, or an entry without a request, method or URL, makes
// the file unreadable. One rule departs from encoding/json on purpose: a
// "log" or "entries" key given twice (matched ignoring case, as
// encoding/json matches them) is refused, where encoding/json keeps the
// last, since JSON decoders disagree on which one counts.
func harPairs(data []byte) refRead {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc refHAR
	if err := json.Unmarshal(data, &doc); err != nil {
		return refRead{err: err}
	}
	if log, twice := member(data, "log"); twice {
		return refRead{err: errors.New(`"log" given twice`)}
	} else if _, twice := member(log, "entries"); twice {
		return refRead{err: errors.New(`"entries" given twice`)}
	}
	var read refRead
	for i, e := range doc.Log.Entries {
		if e.Request == nil {
			return refRead{err: fmt.Errorf("entry %d: no request", i)}
		}
		if e.Response == nil {
			continue
		}
		status, ok := number(e.Response.Status)
		switch {
		case !ok || status != float64(int(status)) || status < 0:
			return refRead{err: fmt.Errorf("entry %d: status is not an HTTP status", i)}
		case status == 0:
			continue
		case e.Request.Method == "" || e.Request.URL == "":
			return refRead{err: fmt.Errorf("entry %d: no method or url", i)}
		}
		p := contract.Pair{Method: strings.ToUpper(e.Request.Method), URL: e.Request.URL, StatusCode: int(status),
			RequestHeader: harHeader(e.Request.Headers), ResponseHeader: harHeader(e.Response.Headers)}
		var err error
		reqBody := e.Request.PostData
		if reqBody == nil {
			reqBody = &refBody{}
		}
		reqBody.Size = e.Request.BodySize
		if p.RequestBody, p.RequestBodyMissing, err = harBody(p.RequestHeader, reqBody); err != nil {
			return refRead{err: err}
		}
		if c := e.Response.Content; c != nil {
			if p.ResponseBody, p.ResponseBodyMissing, err = harBody(p.ResponseHeader, c); err != nil {
				return refRead{err: err}
			}
		}
		read.pairs = append(read.pairs, p)
	}
	return read
}

// member returns the value of key in the JSON object obj (the last one, as
// encoding/json keeps it) and whether the key is given more than once;
// nothing when obj is not an object.
func member(obj []byte, key string) (value json.RawMessage, twice bool) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	n := 0
	for dec.More() {
		t, err := dec.Token()
		var v json.RawMessage
		if err != nil || dec.Decode(&v) != nil {
			return nil, false
		}
		if k, _ := t.(string); strings.EqualFold(k, key) {
			n++
			value = v
		}
	}
	return value, n > 1
}

func harHeader(hs []refHeader) http.Header {
	h := http.Header{}
	for _, kv := range hs {
		if kv.Name != "" && !strings.HasPrefix(kv.Name, ":") {
			h.Add(kv.Name, kv.Value)
		}
	}
	return h
}

// harBody reads a body's text, or says it is missing (a size above 0, no text).
func harBody(h http.Header, b *refBody) (body []byte, missing bool, err error) {
	if b.Text == nil {
		size, _ := number(b.Size)
		return nil, size > 0, nil
	}
	body = []byte(*b.Text)
	if strings.EqualFold(b.Encoding, "base64") && len(body) > 0 {
		if body, err = base64.StdEncoding.DecodeString(*b.Text); err != nil {
			return nil, false, err
		}
	}
	if len(body) > 0 && b.MimeType != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", b.MimeType)
	}
	body, err = gunzip(h, body)
	return body, false, err
}

// verdictCase is one capture of the corpus.
type verdictCase struct {
	name string
	har  bool
	data []byte
}

// fuzzSeed reads the document of a fuzz corpus file (go test fuzz v1): its
// first value, a []byte (FuzzFastHAR's other values are chunk sizes).
func fuzzSeed(t *testing.T, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	require.True(t, len(lines) > 1 && lines[0] == "go test fuzz v1", file)
	value := lines[1]
	require.True(t, strings.HasPrefix(value, "[]byte(") && strings.HasSuffix(value, ")"), file)
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(value, "[]byte("), ")"))
	require.NoError(t, err, file)
	return []byte(s)
}

// verdictCorpus gathers the recorded captures, the fuzz seeds and the
// crafted cases of issue 19 §1, built on recorded captures so that their
// pairs reach an operation.
func verdictCorpus(t *testing.T) []verdictCase {
	t.Helper()
	var cases []verdictCase
	for _, pattern := range []string{
		testdata + "/cassettes/*.yaml", testdata + "/har/*.har",
		"../../contracttests/testdata/cassettes/*/*.yaml",
		"testdata/*.har", "testdata/*.yaml",
	} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, files, pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			cases = append(cases, verdictCase{f, strings.HasSuffix(f, ".har"), data})
		}
	}
	for _, dir := range []string{"FuzzCassetteDifferential", "FuzzFastHAR"} {
		files, err := filepath.Glob(testdata + "/fuzz/" + dir + "/*")
		require.NoError(t, err)
		require.NotEmpty(t, files, dir)
		for _, f := range files {
			cases = append(cases, verdictCase{f, dir == "FuzzFastHAR", fuzzSeed(t, f)})
		}
	}
	return append(cases, craftedCases(t)...)
}

// craftedCases are issue 19 §1's cases, on the recorded violations.yaml,
// valid.yaml and violations.har.
func craftedCases(t *testing.T) []verdictCase {
	t.Helper()
	read := func(name string) string {
		data, err := os.ReadFile(testdata + name)
		require.NoError(t, err)
		return string(data)
	}
	valid, violations, har := read("/cassettes/valid.yaml"), read("/cassettes/violations.yaml"), read("/har/violations.har")
	var cases []verdictCase
	add := func(name string, isHAR bool, doc string) {
		cases = append(cases, verdictCase{"crafted: " + name, isHAR, []byte(doc)})
	}
	replace := func(doc, old, new string, n int) string {
		require.Contains(t, doc, old)
		return strings.Replace(doc, old, new, n)
	}

	// A comment line inside an interaction, between its response and a
	// later request whose body breaks the spec: in the first interaction
	// and in a later one.
	const url = "https://test.stytch.com/v1/b2b/sso/external/organization-test-00000000-0000-4000-8000-000000000001/connections/external-connection-test-00000000-0000-4000-8000-000000000003"
	for _, comment := range []string{"#\n", "# note\n", " #  x\n"} {
		commented := "- response:\n    code: 200\n    body: '{}'\n    headers:\n      Content-Type:\n      - application/json\n" + comment +
			"  request:\n    method: PUT\n    url: " + url + "\n    body: '{\"display_name\": 42}'\n    headers:\n      Content-Type:\n      - application/json\n"
		head, items, _ := strings.Cut(valid, "interactions:\n")
		add(fmt.Sprintf("comment %q first", comment), false, head+"interactions:\n"+commented+items)
		add(fmt.Sprintf("comment %q later", comment), false, head+"interactions:\n"+items+commented)
	}
	// Leading zeros: YAML 1.1 octal, as go-vcr reads them.
	for _, code := range []string{"0200", "0624", "0310"} {
		add("code "+code, false, replace(valid, "    code: 200\n", "    code: "+code+"\n", -1))
		add("code "+code+" in the last interaction", false, valid[:strings.LastIndex(valid, "    code: 200\n")]+"    code: "+code+"\n"+valid[strings.LastIndex(valid, "    code: 200\n")+len("    code: 200\n"):])
	}
	// Duplicate keys through an alias or a !!binary key: go-vcr refuses.
	add("duplicate code via alias", false, replace(violations, "    code: 200\n", "    code: 200\n    x: &k code\n    *k : 404\n", 1))
	add("duplicate code via !!binary", false, replace(violations, "    code: 200\n", "    code: 200\n    ? !!binary Y29kZQ==\n    : 404\n", 1))
	// Null items in a header list are dropped (before the value, so that
	// an empty value in their place would be the media type).
	for name, nulls := range map[string]string{"empty": "      -\n", "~": "      - ~\n", "both": "      -\n      - ~\n"} {
		add("null header items: "+name, false, replace(violations, "      Content-Type:\n      - application/json\n", "      Content-Type:\n"+nulls+"      - application/json\n", 1))
	}

	// HAR: nested deeper than encoding/json allows overall, and a negative
	// status.
	for _, n := range []int{9990, 9997, 9998, 10001} {
		deep := strings.Repeat("[", n) + strings.Repeat("]", n)
		add(fmt.Sprintf("HAR nested %d deep", n), true, replace(har, `"method": "PUT",`, `"_x": `+deep+`, "method": "PUT",`, 1))
	}
	for _, status := range []string{"-1", `"-200"`} {
		add("HAR status "+status, true, replace(har, `"status": 401,`, `"status": `+status+`,`, 1))
	}
	// Other spellings of a status: YAML 1.1 numbers, floats, strings.
	for _, code := range []string{"0x190", "0o620", "4_00", "+200", "200.0", "2e2", "'200'", "!!int 200", "!!str 200", "0b110010000", "00200", "-0200"} {
		add("code "+code, false, replace(valid, "    code: 200\n", "    code: "+code+"\n", 1))
	}
	// Other spellings of an interaction's parts.
	add("lower-case method", false, replace(violations, "    method: PUT\n", "    method: put\n", -1))
	add("lower-case header names", false, replace(violations, "      Content-Type:\n", "      content-type:\n", -1))
	add("header names alike in two cases", false, replace(violations, "      Content-Type:\n      - application/json\n", "      content-type:\n      - text/plain\n      Content-Type:\n      - application/json\n", -1))
	add("literal block body", false, replace(violations, "    body: '{\"display_name\": 42}'\n", "    body: |\n      {\"display_name\": 42}\n", 1))
	add("binary body", false, replace(violations, "    body: '{\"display_name\": 42}'\n", "    body: !!binary eyJkaXNwbGF5X25hbWUiOiA0Mn0=\n", 1))
	add("merge key", false, replace(replace(violations, "- id: 1\n", "- &b\n  id: 1\n", 1), "- id: 2\n", "- <<: *b\n  id: 2\n", 1))

	// Spellings of the same documents.
	add("cassette with a byte order mark", false, "\ufeff"+violations)
	add("cassette with CRLF", false, strings.ReplaceAll(violations, "\n", "\r\n"))
	head, items, _ := strings.Cut(violations, "interactions:\n")
	add("cassette indented interactions", false, head+"interactions:\n  "+strings.ReplaceAll(strings.TrimSuffix(items, "\n"), "\n", "\n  ")+"\n")
	add("cassette in JSON syntax", false, `{"version": 2, "interactions": [{"request": {"method": "PUT", "url": "`+url+`", "body": "{\"display_name\": 42}", "headers": {"Content-Type": ["application/json"]}}, "response": {"code": 200, "body": "{}"}}]}`)
	add("cassette with a second document", false, violations+"---\nversion: 2\ninteractions: []\n")
	add("cassette with an end marker", false, violations+"...\n")
	entries := strings.Index(har, `"entries": [`)
	add("HAR with a byte order mark", true, "\ufeff"+har)
	add("HAR entries given twice", true, har[:entries]+`"entries": [], `+har[entries:])
	add("HAR entries given twice, later empty", true, replace(har, `"pages": [],`, `"pages": [], "entries": [{"request": {"method": "PUT", "url": "`+url+`"}, "response": {"status": 200}}],`, 1)+"")
	add("HAR Entries in another case", true, replace(har, `"entries": [`, `"Entries": [`, 1))
	add("HAR log given twice", true, replace(har, `"log": {`, `"log": {"entries": []}, "log": {`, 1))
	return cases
}

// TestVerdictDifferential: see the comment at the top of this file.
func TestVerdictDifferential(t *testing.T) {
	t.Parallel()
	v, err := contract.New(contract.WithStrict(true))
	require.NoError(t, err)
	// The corpus must reach every verdict, else the test checks less than
	// it says: conforming, violating, unreadable and nothing checked.
	var mu sync.Mutex
	verdicts := map[int]int{}
	t.Cleanup(func() {
		for _, code := range []int{exitOK, exitFail, exitUsage, exitNothing} {
			assert.NotZero(t, verdicts[code], "no capture of the corpus ends with exit %d (%v)", code, verdicts)
		}
	})
	for _, c := range verdictCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ext := ".yaml"
			if c.har {
				ext = ".har"
			}
			file := filepath.Join(t.TempDir(), "capture"+ext)
			require.NoError(t, os.WriteFile(file, c.data, 0o600))
			byPath := runVerdict(t, file, nil)
			viaStdin := runVerdict(t, stdinPath, c.data)
			assert.Equal(t, byPath, viaStdin, "by path vs standard input")

			var ref refRead
			if c.har {
				ref = harPairs(c.data)
			} else {
				ref = goVCRPairs(t, c.data)
			}
			want := referenceVerdict(t, v, ref)
			mu.Lock()
			verdicts[want.exit]++
			mu.Unlock()
			if ref.err != nil {
				assert.Equal(t, exitUsage, byPath.exit, "the reference refuses the capture (%v); the CLI said %+v", ref.err, byPath)
				return
			}
			assert.Equal(t, want, byPath, "reference vs the CLI")
		})
	}
}
