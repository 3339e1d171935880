package fast

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// sameTree describes the first difference between two node trees in what
// the cassette walker reads: kind, style, tag, value, position, children.
func sameTree(a, b *yaml.Node, path string) error {
	if a.Kind != b.Kind || a.Style != b.Style || a.ShortTag() != b.ShortTag() || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column {
		return fmt.Errorf("%s: fast {kind %d style %d tag %s value %q at %d:%d}, library {kind %d style %d tag %s value %q at %d:%d}",
			path, a.Kind, a.Style, a.ShortTag(), a.Value, a.Line, a.Column, b.Kind, b.Style, b.ShortTag(), b.Value, b.Line, b.Column)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: fast has %d children, library %d", path, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func checkFastTree(t *testing.T, data []byte) (fast bool) {
	t.Helper()
	got, err := fastParse(data)
	if err != nil {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		t.Fatalf("fast parser accepts what the library rejects (%v):\n%s", err, data)
	}
	if err := sameTree(got, &want, ""); err != nil {
		t.Fatalf("%v\ninput:\n%s", err, data)
	}
	return true
}

// cassetteSeeds are the real cassettes (go-vcr v4, written by its recorder)
// and some written by the YAML encoder with awkward values.
func cassetteSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, pattern := range []string{"../../testdata/cassettes/*.yaml", "../../../../../contracttests/testdata/cassettes/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, data)
		}
	}
	for _, v := range []string{
		"plain", "with 'quotes' and \"doubles\"", "trailing space ", " leading", "multi\nline\n", "multi\nline no end",
		"\n\nblank lines\n\n\nmany\n", "tab\there", "\x1f\x8b\x08binary\xff", "#not a comment", "- dash", "a: colon", "a #hash",
		strings.Repeat("long words to fold over lines ", 20), strings.Repeat("x", 300), "ünïcödé ✓", "\u2028 line sep", "\\ backslash",
		"123", "true", "~", "", "null", "0x10", "1e3", "2001-12-14", "[a]", "{a: b}", "*x", "&y", "!tag", "|", ">", "'", "\"",
		"ends with newline\n", "   \n  spaces", "a\u00a0b", "emoji 😀",
	} {
		doc := map[string]any{
			"version": 2,
			"interactions": []map[string]any{{
				"id":       0,
				"request":  map[string]any{"body": v, "headers": map[string][]string{"X-V": {v, v + v}}, "url": v, "method": "PUT", "form": map[string][]string{}},
				"response": map[string]any{"body": v, "code": 200, "headers": map[string][]string{}, "duration": "12ms", "transfer_encoding": []string{}},
			}},
		}
		out, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, out)
	}
	return seeds
}

// TestFastYAMLSameTree: on every seed, the fast parser either gives up or
// builds the library's tree; on the real cassettes it must not give up.
func TestFastYAMLSameTree(t *testing.T) {
	t.Parallel()
	fast := 0
	seeds := cassetteSeeds(t)
	for i, data := range seeds {
		if checkFastTree(t, data) {
			fast++
		} else if i < 2 {
			t.Errorf("seed %d (a recorded cassette) is not parsed by the fast path", i)
		}
	}
	t.Logf("%d of %d seeds parsed by the fast path", fast, len(seeds))
}

// FuzzFastYAMLSameTree holds the fast parser to the YAML library: whenever
// it accepts an input, it builds the library's node tree.
func FuzzFastYAMLSameTree(f *testing.F) {
	for _, s := range cassetteSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastTree(t, data)
	})
}

// fastCleanRef is fastClean byte by byte, as it was before it read eight
// bytes at a time: the reference FuzzFastClean holds it to.
func fastCleanRef(data []byte) bool {
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return false
	}
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError || r < 0xA0 || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

// FuzzFastClean checks the word-at-a-time fastClean against the byte-wise
// reference, from seeds with every kind of byte at every offset of a word.
func FuzzFastClean(f *testing.F) {
	for _, c := range []byte{0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0xc2, 0xe2, 0xef, 0xff} {
		for off := range 9 {
			b := []byte("abcdefghijklmnop")
			b[off] = c
			f.Add(append(b, '\n'))
		}
	}
	f.Add([]byte("\u00a0 \u2028 \ufeff x\n"))
	f.Add([]byte("caf\xc3\xa9\xc2\x85\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := fastClean(data), fastCleanRef(data); got != want {
			t.Fatalf("fastClean(%q) = %v, the byte-wise reference says %v", data, got, want)
		}
	})
}

// TestPlainTagMinusZero: "-0" is a float to the YAML library (negative
// zero), so the fast parser must not tag it !!int.
func TestPlainTagMinusZero(t *testing.T) {
	t.Parallel()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("k: -0\n"), &n); err != nil {
		t.Fatal(err)
	}
	lib := n.Content[0].Content[1].ShortTag()
	if tag, ok := plainTag([]byte("-0")); ok && tag != lib {
		t.Errorf("plainTag(-0) = %s, the library resolves %s", tag, lib)
	}
}
