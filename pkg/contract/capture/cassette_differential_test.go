package capture

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/fast"
)

// The cassette differential: the pairs that reach the validator are the
// same whether the fast reader (with the reference taking over where it
// stops), the reference reader alone or go-vcr's own loading read the file.

type cassetteRun struct {
	pairs []contract.Pair
	err   error
}

func (r *cassetteRun) add(p *contract.Pair) error {
	r.pairs = append(r.pairs, *p)
	return nil
}

// viaFast reads as ForEach and LoadCassette do.
func viaFast(data []byte) cassetteRun {
	var r cassetteRun
	r.err = forEachCassetteFile(bytes.NewReader(data), "d.yaml", r.add)
	return r
}

// viaReference reads with the reference reader alone.
func viaReference(data []byte) cassetteRun {
	var r cassetteRun
	r.err = readCassette(data, "d.yaml", newBudget(MaxDecodedBytesPerFile), 0, r.add)
	return r
}

// viaGoVCR loads as go-vcr's cassette.Load does (the same decoding of the
// same bytes into a Cassette, and its version check), then makes pairs of
// its interactions: the status, headers and bodies go-vcr replays.
func viaGoVCR(data []byte) cassetteRun {
	var r cassetteRun
	c := cassette.New("d")
	if err := yaml.Unmarshal(data, c); err != nil {
		r.err = err
		return r
	}
	if c.Version != cassette.CassetteFormatVersion {
		r.err = cassette.ErrUnsupportedCassetteFormat
		return r
	}
	b := newBudget(MaxDecodedBytesPerFile)
	for i, in := range c.Interactions {
		if in == nil {
			r.err = errors.New("empty interaction") // go-vcr would crash replaying it
			return r
		}
		p, err := interactionPair(in, "d.yaml", i, 0, b)
		if err != nil {
			r.err = err
			return r
		}
		r.pairs = append(r.pairs, p)
	}
	return r
}

// samePairs describes the first difference between two runs in what
// reaches the validator: method, URL, headers, bodies, status, index, and
// the line when both know it.
func samePairs(a, b cassetteRun, lines bool) error {
	if (a.err == nil) != (b.err == nil) {
		return fmt.Errorf("errors differ: %v / %v", a.err, b.err)
	}
	if a.err != nil {
		return nil
	}
	if len(a.pairs) != len(b.pairs) {
		return fmt.Errorf("%d pairs / %d", len(a.pairs), len(b.pairs))
	}
	for i := range a.pairs {
		p, q := a.pairs[i], b.pairs[i]
		if p.Method != q.Method || p.URL != q.URL || p.StatusCode != q.StatusCode || p.Index != q.Index ||
			!bytes.Equal(p.RequestBody, q.RequestBody) || !bytes.Equal(p.ResponseBody, q.ResponseBody) ||
			!sameHeader(p.RequestHeader, q.RequestHeader) || !sameHeader(p.ResponseHeader, q.ResponseHeader) ||
			(lines && p.Line != q.Line) {
			return fmt.Errorf("pair %d differs:\n%+v\n%+v", i, p, q)
		}
	}
	return nil
}

// sameHeader compares headers, an empty list of values and none alike.
func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || len(va) != len(vb) || (len(va) > 0 && !reflect.DeepEqual(va, vb)) {
			return false
		}
	}
	return true
}

func checkCassetteDifferential(t *testing.T, data []byte) {
	t.Helper()
	fast, ref, vcr := viaFast(data), viaReference(data), viaGoVCR(data)
	if err := samePairs(fast, ref, true); err != nil {
		t.Fatalf("fast reader vs reference: %v\ninput:\n%s", err, data)
	}
	// The one bound the reference adds to go-vcr's reading; and a file
	// that is no cassette at all (go-vcr loads an empty file as an empty
	// cassette; a reader refuses to check nothing).
	if ref.err != nil && strings.Contains(ref.err.Error(), fmt.Sprintf("more than %d", maxMappingKeys)) {
		return
	}
	if errors.Is(ref.err, ErrNotPairFile) && vcr.err == nil && len(vcr.pairs) == 0 {
		return
	}
	if err := samePairs(ref, vcr, false); err != nil {
		t.Fatalf("reference vs go-vcr: %v\ninput:\n%s", err, data)
	}
}

// cassetteDifferentialSeeds: real go-vcr output, issue 19's cases, and
// files that leave the fast reader midway.
func cassetteDifferentialSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, pattern := range []string{"testdata/cassettes/*.yaml", "../../../contracttests/testdata/cassettes/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				tb.Fatal(err)
			}
			seeds = append(seeds, data)
		}
	}
	if len(seeds) < 2 {
		tb.Fatal("no recorded cassettes found")
	}
	item := "- request:\n    method: PUT\n    url: https://x.test/\n    body: '{\"a\":1}'\n    headers:\n      Content-Type:\n      - application/json\n  response:\n    code: 200\n    body: '{}'\n"
	for _, s := range []string{
		"version: 2\ninteractions:\n- response:\n    code: 200\n# note\n  request:\n    method: PUT\n    url: u\n    body: x\n" + item,
		"version: 2\ninteractions:\n" + item + "- response:\n    code: 200\n #  x\n  request:\n    method: PUT\n    url: u\n    body: x\n" + item,
		"version: 2\ninteractions:\n" + item + "- request:\n    method: PUT\n    url: u\n  response:\n    code: 0200\n",
		"version: 2\ninteractions:\n- request:\n    method: PUT\n    url: u\n  response:\n    code: 0624\n",
		"version: 2\ninteractions:\n- request:\n    method: PUT\n    url: u\n  response:\n    code: 200\n    status: &k code\n    *k : 404\n",
		"version: 2\ninteractions:\n- request:\n    method: PUT\n    url: u\n  response:\n    code: 200\n    ? !!binary Y29kZQ==\n    : 404\n",
		"version: 2\ninteractions:\n- request:\n    method: PUT\n    url: u\n    headers:\n      X-A:\n      - a\n      -\n      - ~\n  response:\n    code: 200\n",
		"version: 2\ninteractions:\n- request:\n    method: PUT\n    url: u\n    headers:\n      X-A:\n      - a\n      -\n  response:\n    code: 200\n",
		"version: 2\ninteractions:\n" + item + item + "extra: 1\n",
		"version: 2\ninteractions:\n" + item + "- &a\n  request: {method: GET, url: u}\n  response: {code: 201}\n- *a\n",
		"version: 2\ninteractions:\n- request:\n    method: PUT\n    url: u\n    headers:\n      x-a: [a]\n      X-A: [b]\n  response:\n    code: 200\n",
		"version: 2\ninteractions: [null]\n",
		"interactions:\n" + item,
		"version: 2\nversion: 2\ninteractions: []\n",
		"",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func TestCassetteDifferential(t *testing.T) {
	t.Parallel()
	for _, data := range cassetteDifferentialSeeds(t) {
		checkCassetteDifferential(t, data)
	}
}

// FuzzCassetteDifferential holds the fast reader to the reference reader,
// and both to go-vcr's own loading, pair by pair.
func FuzzCassetteDifferential(f *testing.F) {
	for _, s := range cassetteDifferentialSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCassetteDifferential(t, data)
	})
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

// TestCassetteArenaNoLeak streams cassettes whose interactions reuse the
// fast parser's node arena: a big interaction (many headers, bodies; more
// than one 64-node chunk) followed by small ones that lack those fields
// must not see any of the big one's values.
func TestCassetteArenaNoLeak(t *testing.T) {
	t.Parallel()
	big := vcrInteraction(0, vcrHeaders("    ", headerNames(40)...)+"    body: '{\"a\": 1}'\n",
		vcrHeaders("    ", headerNames(30)...)+"    body: hello\n    duration: 5ms\n")
	small := vcrInteraction(1, "", "")
	mid := vcrInteraction(2, vcrHeaders("    ", "Content-Type"), "    body: x\n")
	for name, doc := range map[string]string{
		"big small":           "---\nversion: 2\ninteractions:\n" + big + small,
		"big small mid small": "---\nversion: 2\ninteractions:\n" + big + small + mid + small,
		"small big small":     "version: 2\ninteractions:\n" + small + big + small,
	} {
		checkCassetteDifferential(t, []byte(doc))
		// The fast reader must take the whole file, else the arena is not
		// what is tested.
		if _, done, err := fast.Cassette(strings.NewReader(doc), func(int, *cassette.Interaction) error { return nil }); !done || err != nil {
			t.Fatalf("%s: the fast reader stopped (%v, %v)", name, done, err)
		}
		run := viaFast([]byte(doc))
		for _, p := range run.pairs {
			if strings.HasSuffix(p.URL, "/1") && (len(p.RequestHeader) != 0 || len(p.ResponseHeader) != 0 || p.RequestBody != nil || p.ResponseBody != nil) {
				t.Errorf("%s: the small interaction got %+v", name, p)
			}
		}
	}
}

// TestCassetteOutsideTheFastSubset: anchors, aliases, tabs, CRLF, comments,
// flow mappings, duplicates, nulls and a missing newline after interactions
// the fast reader handed over; every reader gives go-vcr's pairs.
func TestCassetteOutsideTheFastSubset(t *testing.T) {
	t.Parallel()
	a := vcrInteraction(0, vcrHeaders("    ", headerNames(20)...), "    body: a\n")
	b := vcrInteraction(1, "", "")
	for name, doc := range map[string]string{
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
		"minus zero":   "version: 2\ninteractions:\n" + vcrInteraction(0, "", "    status: -0\n"),
		"octal late":   "version: 2\ninteractions:\n" + a + vcrInteraction(1, "", "    proto_major: 010\n"),
		"bool":         "version: 2\ninteractions:\n" + a + vcrInteraction(1, "", "    uncompressed: true\n"),
		"not a bool":   "version: 2\ninteractions:\n" + a + vcrInteraction(1, "", "    uncompressed: maybe\n"),
		"binary body":  "version: 2\ninteractions:\n" + a + vcrInteraction(1, "", "    body: !!binary aGk=\n"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkCassetteDifferential(t, []byte(doc))
		})
	}
}

// TestCassetteEveryGoVCRField: for every field go-vcr decodes (read from
// the yaml tags of its Request and Response types), a value of the wrong
// type (a nested mapping, which go-vcr refuses for each of them) gives the
// same verdict through every reader. A field the fast reader does not know
// it would pass over, as go-vcr passes over keys it has no field for, and
// hand over an interaction go-vcr refuses.
func TestCassetteEveryGoVCRField(t *testing.T) {
	t.Parallel()
	wrong := func(ind, key string) string { return ind + key + ":\n" + ind + "  a:\n" + ind + "    b: c\n" }
	base := map[string]string{"method": "    method: GET\n", "url": "    url: https://a.test/\n", "code": "    code: 200\n"}
	for _, part := range []struct {
		name string
		typ  reflect.Type
		keys []string
	}{
		{"request", reflect.TypeFor[cassette.Request](), []string{"method", "url"}},
		{"response", reflect.TypeFor[cassette.Response](), []string{"code"}},
	} {
		for field := range part.typ.Fields() {
			key, _, _ := strings.Cut(field.Tag.Get("yaml"), ",")
			if key == "" || key == "-" {
				continue
			}
			t.Run(part.name+"."+key, func(t *testing.T) {
				t.Parallel()
				lines := map[string]string{"request": "", "response": ""}
				for _, k := range part.keys {
					if k != key {
						lines[part.name] += base[k]
					}
				}
				lines[part.name] += wrong("    ", key)
				if part.name == "request" {
					lines["response"] = base["code"]
				} else {
					lines["request"] = base["method"] + base["url"]
				}
				doc := "version: 2\ninteractions:\n- request:\n" + lines["request"] + "  response:\n" + lines["response"]
				if _, err := goVCRLoads([]byte(doc)); err == nil {
					t.Fatalf("go-vcr loads a mapping as %s.%s: the case tests nothing\n%s", part.name, key, doc)
				}
				checkCassetteDifferential(t, []byte(doc))
			})
		}
	}
}

// goVCRLoads decodes data as go-vcr's cassette.Load does.
func goVCRLoads(data []byte) (*cassette.Cassette, error) {
	c := cassette.New("d")
	return c, yaml.Unmarshal(data, c)
}

// TestCassetteAliasLimit: go-vcr decodes a whole cassette at once with
// yaml.Unmarshal, whose alias limit counts over the whole document; the
// reference reader must refuse what that refuses (interactions that are
// almost all an alias's expansion) and accept what it accepts (one alias
// to a large interaction).
func TestCassetteAliasLimit(t *testing.T) {
	t.Parallel()
	list := "x: &l\n" + strings.Repeat("- request:\n    method: PUT\n    url: https://x.test/\n  response:\n    code: 200\n", 300)
	refused := list + "version: 2\ninteractions: *l\n"
	if _, err := goVCRLoads([]byte(refused)); err == nil || !strings.Contains(err.Error(), "aliasing") {
		t.Fatalf("go-vcr loads the aliased list (%v): the case tests nothing", err)
	}
	checkCassetteDifferential(t, []byte(refused))

	big := "version: 2\ninteractions:\n" + vcrInteraction(0, vcrHeaders("    ", headerNames(99)...), "")
	big = strings.Replace(big, "- id: 0\n", "- &a\n  id: 0\n", 1) + strings.Repeat("- *a\n", 3)
	if _, err := goVCRLoads([]byte(big)); err != nil {
		t.Fatalf("go-vcr refuses the large aliased interaction: %v", err)
	}
	checkCassetteDifferential(t, []byte(big))
}

// TestCassetteReadError: a cassette whose reads fail (not io.EOF) in the
// middle, or once the whole document has been read: the error is
// reported. The fast reader took any read error for the end of the input
// and, on a whole document, handed over every interaction and said done.
func TestCassetteReadError(t *testing.T) {
	t.Parallel()
	doc := []byte("version: 2\ninteractions:\n" + vcrInteraction(0, "", "") + vcrInteraction(1, "", ""))
	for _, at := range []int{len(doc) / 2, len(doc)} {
		var r cassetteRun
		err := forEachCassetteFile(&readErrAt{bytes.NewReader(doc), int64(at)}, "f.yaml", r.add)
		if !errors.Is(err, errDevice) {
			t.Errorf("read error at byte %d of %d: got %v (%d pairs)", at, len(doc), err, len(r.pairs))
		}
	}
}

// TestCassetteKeysInOtherSpellings: "version" and "interactions" written
// as a !!binary key or through an alias are what go-vcr decodes them as:
// the file is a cassette, not something else to pass over.
func TestCassetteKeysInOtherSpellings(t *testing.T) {
	t.Parallel()
	items := vcrInteraction(0, "", "") + vcrInteraction(1, "", "")
	for name, doc := range map[string]string{
		"binary":       "? !!binary aW50ZXJhY3Rpb25z\n:\n" + items,
		"alias":        "x: &i interactions\n*i :\n" + items,
		"binary both":  "? !!binary dmVyc2lvbg==\n: 2\n? !!binary aW50ZXJhY3Rpb25z\n:\n" + items,
		"quoted":       "\"vers\\x69on\": 2\n'interactions':\n" + items,
		"binary wrong": "? !!binary dmVyc2lvbg==\n: 1\ninteractions:\n" + items,
		"merge":        "<<:\n  interactions:\n  - request: {method: GET, url: u}\n    response: {code: 200}\n",
		"merge alias":  "x: &v {version: 2, interactions: [{request: {method: GET, url: u}, response: {code: 201}}]}\n<<: *v\n",
		"complex key":  "? [a]\n: 1\ninteractions:\n" + items,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkCassetteDifferential(t, []byte(doc))
		})
	}
}
