package capture

import (
	"bufio"
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// libraryCassette is the reference: the YAML library's tree, walked.
func libraryCassette(data []byte) loadRun {
	var r loadRun
	w := &cassetteWalker{source: "c.yaml", b: newBudget(MaxDecodedBytesPerFile)}
	root := new(yaml.Node)
	if err := yaml.Unmarshal(data, root); err != nil {
		return r.end(fmt.Errorf("cassette: %s: %w", w.source, yamlError(err)))
	}
	return r.end(w.cassette(root, r.add, 0))
}

// checkCassettePaths holds the whole-file fast path (eachCassette) and the
// streaming one (forEachCassetteFile) to the library's tree: same pairs,
// same error text.
func checkCassettePaths(t *testing.T, name string, data []byte) {
	t.Helper()
	want := libraryCassette(data)
	var a, b loadRun
	a.end(eachCassette(data, "c.yaml", newBudget(MaxDecodedBytesPerFile), a.add))
	b.end(forEachCassetteFile(bytes.NewReader(data), "c.yaml", b.add))
	for _, got := range []struct {
		path string
		run  loadRun
	}{{"eachCassette", a}, {"forEachCassetteFile", b}} {
		if got.run.err != want.err {
			t.Errorf("%s: %s: error %q, library %q", name, got.path, got.run.err, want.err)
			continue
		}
		if len(got.run.pairs) != len(want.pairs) {
			t.Errorf("%s: %s: %d pairs, library %d", name, got.path, len(got.run.pairs), len(want.pairs))
			continue
		}
		for i := range want.pairs {
			if !reflect.DeepEqual(got.run.pairs[i], want.pairs[i]) {
				t.Errorf("%s: %s: pair %d differs:\n got %+v\nwant %+v", name, got.path, i, got.run.pairs[i], want.pairs[i])
			}
		}
	}
}

// vcrHeaders writes a go-vcr headers mapping at indentation ind with the
// given names, each with one value.
func vcrHeaders(ind string, names ...string) string {
	var b strings.Builder
	b.WriteString(ind + "headers:\n")
	for i, n := range names {
		fmt.Fprintf(&b, "%s  %s:\n%s  - v%d\n", ind, n, ind, i)
	}
	return b.String()
}

func headerNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("X-H%02d", i)
	}
	return names
}

func vcrInteraction(id int, reqExtra, respExtra string) string {
	return fmt.Sprintf("- id: %d\n  request:\n    method: GET\n    url: https://a.test/%d\n%s  response:\n    code: 200\n%s", id, id, reqExtra, respExtra)
}

// TestHostileCassetteArenaNoLeak streams cassettes whose interactions reuse
// the node arena: a big interaction (many headers, bodies; more than one
// 64-node chunk) followed by small ones that lack those fields must not
// see any of the big one's values, in either fast path.
func TestHostileCassetteArenaNoLeak(t *testing.T) {
	t.Parallel()
	big := vcrInteraction(0, vcrHeaders("    ", headerNames(40)...)+"    body: '{\"a\": 1}'\n",
		vcrHeaders("    ", headerNames(30)...)+"    body: hello\n    duration: 5ms\n")
	small := vcrInteraction(1, "", "")
	mid := vcrInteraction(2, vcrHeaders("    ", "Content-Type"), "    body: x\n")
	for name, doc := range map[string]string{
		"big small":           "---\nversion: 2\ninteractions:\n" + big + small,
		"big small mid small": "---\nversion: 2\ninteractions:\n" + big + small + mid + small,
		"small big small":     "version: 2\ninteractions:\n" + small + big + small,
		"big big":             "version: 2\ninteractions:\n" + big + strings.Replace(big, "id: 0", "id: 1", 1),
	} {
		checkCassettePaths(t, name, []byte(doc))
		// Both fast paths must take the whole file, else the arena is
		// not what is tested.
		w := &cassetteWalker{source: "c.yaml", b: newBudget(MaxDecodedBytesPerFile)}
		if _, fallback, err := fastEach([]byte(doc), w, func(*contract.Pair) error { return nil }); fallback || err != nil {
			t.Fatalf("%s: fastEach fell back (%v) or failed: %v", name, fallback, err)
		}
		w = &cassetteWalker{source: "c.yaml", b: newBudget(MaxDecodedBytesPerFile)}
		if _, fallback, err := streamCassette(bufio.NewReader(strings.NewReader(doc)), w, func(*contract.Pair) error { return nil }); fallback || err != nil {
			t.Fatalf("%s: streamCassette fell back (%v) or failed: %v", name, fallback, err)
		}
		var r loadRun
		r.end(forEachCassetteFile(bytes.NewReader([]byte(doc)), "c.yaml", r.add))
		for _, p := range r.pairs {
			if strings.HasSuffix(p.URL, "/1") && (len(p.RequestHeader) != 0 || len(p.ResponseHeader) != 0 || p.RequestBody != nil || p.ResponseBody != nil) {
				t.Errorf("%s: the small interaction got %+v", name, p)
			}
		}
	}
}

// TestHostileCassetteDuplicateKeys puts a duplicate key at the edges of the
// pair-by-pair search (16 keys) and of the map search (17 keys and more),
// first against last, in the middle, and twice, in header mappings and in
// the interaction's own mapping: every path gives the same error, naming
// the same key and lines.
func TestHostileCassetteDuplicateKeys(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 15, 16, 17, 18, 40} {
		for _, dup := range [][2]int{{0, n - 1}, {n / 2, n/2 + 1}, {n - 2, n - 1}, {0, 1}} {
			if dup[1] >= n || dup[0] >= dup[1] {
				continue
			}
			names := headerNames(n)
			names[dup[1]] = names[dup[0]]
			doc := "version: 2\ninteractions:\n" + vcrInteraction(0, "", "") +
				vcrInteraction(1, vcrHeaders("    ", names...), "")
			checkCassettePaths(t, fmt.Sprintf("%d keys, %v", n, dup), []byte(doc))
			want := libraryCassette([]byte(doc))
			if !strings.Contains(want.err, "already defined") {
				t.Errorf("%d keys, %v: no duplicate found: %q", n, dup, want.err)
			}
		}
		// Names that canonicalise alike are not duplicates in YAML.
		names := headerNames(n)
		names[n-1] = strings.ToLower(names[0])
		doc := "version: 2\ninteractions:\n" + vcrInteraction(0, vcrHeaders("    ", names...), "")
		checkCassettePaths(t, fmt.Sprintf("%d keys, case", n), []byte(doc))
		if want := libraryCassette([]byte(doc)); want.err != "" {
			t.Errorf("%d keys, case: %q", n, want.err)
		}
	}
	// An interaction with 16 and 17 keys of its own, the last a duplicate.
	for _, n := range []int{16, 17} {
		var extra strings.Builder
		for i := range n - 3 {
			fmt.Fprintf(&extra, "  x%02d: 1\n", i)
		}
		doc := "version: 2\ninteractions:\n" + vcrInteraction(0, "", "") + extra.String() + "  id: 3\n"
		checkCassettePaths(t, fmt.Sprintf("interaction of %d keys", n), []byte(doc))
		if want := libraryCassette([]byte(doc)); !strings.Contains(want.err, `mapping key "id" already defined at line`) {
			t.Errorf("interaction of %d keys: %q", n, want.err)
		}
	}
}

// TestHostileCassetteOutsideSubset: anchors, aliases, tabs, CRLF, comments
// and flow mappings after streamed interactions; each path the library's.
func TestHostileCassetteOutsideSubset(t *testing.T) {
	t.Parallel()
	a := vcrInteraction(0, vcrHeaders("    ", headerNames(20)...), "    body: a\n")
	b := vcrInteraction(1, "", "")
	docs := map[string]string{
		"alias":        "version: 2\ninteractions:\n" + a + "- &x\n  request: {method: GET, url: u}\n  response: {code: 201}\n- *x\n" + b,
		"alias header": "version: 2\ninteractions:\n" + a + "- request:\n    method: GET\n    url: u\n    headers: &h\n      A:\n      - b\n  response:\n    code: 201\n    headers: *h\n" + b,
		"tab":          "version: 2\ninteractions:\n" + a + b + "- request:\n    method: GET\n    url: \"u\tv\"\n  response:\n    code: 201\n",
		"crlf":         "version: 2\r\ninteractions:\r\n" + strings.ReplaceAll(a+b, "\n", "\r\n"),
		"crlf late":    "version: 2\ninteractions:\n" + a + strings.ReplaceAll(b, "\n", "\r\n"),
		"comment":      "version: 2\ninteractions:\n" + a + "# c\n" + b,
		"dup late":     "version: 2\ninteractions:\n" + a + b + "- request:\n    method: GET\n    method: PUT\n    url: u\n  response:\n    code: 201\n",
		"dup flow":     "version: 2\ninteractions:\n" + a + b + "- request: {method: GET, url: u, url: v}\n  response: {code: 201}\n",
		"no newline":   "version: 2\ninteractions:\n" + a + strings.TrimSuffix(b, "\n"),
		"bad late":     "version: 2\ninteractions:\n" + a + b + "- request:\n    method: GET\n  response:\n    code: 201\n",
		"null late":    "version: 2\ninteractions:\n" + a + b + "-\n" + b,
	}
	for name, doc := range docs {
		checkCassettePaths(t, name, []byte(doc))
	}
}

// TestHostileCassetteMinusZero: the plain scalar -0 was an integer to the
// fast YAML parser (plainTag: "-" and one digit) but a float (!!float) to
// the YAML library. A cassette with "status: -0" or "duration: -0" (fields
// the loader checks but does not keep) loads through the library's tree,
// but the fast paths handed the library a node tagged !!int with the value
// -0, which it refused ("cannot construct !!float a value as a !!int"),
// and the whole file failed. FuzzFastYAMLSameTree found the tree difference
// within seconds (input "0:\n-\n    0000000000Y: 0\n00000000000000000Y: -0\n").
//
// Wanted: the library's pairs and errors; plainTag leaves "-0" to the
// library.
func TestHostileCassetteMinusZero(t *testing.T) {
	t.Parallel()
	for _, field := range []string{"    status: -0\n", "    duration: -0\n", "    uncompressed: -0\n", "    proto_major: -0\n"} {
		doc := "version: 2\ninteractions:\n" + vcrInteraction(0, "", field)
		checkCassettePaths(t, strings.TrimSpace(field), []byte(doc))
	}
	tag, ok := plainTag([]byte("-0"))
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("k: -0\n"), &n); err != nil {
		t.Fatal(err)
	}
	if lib := n.Content[0].Content[1].ShortTag(); ok && tag != lib {
		t.Errorf("plainTag(-0) = %s, the library resolves %s", tag, lib)
	}
}
