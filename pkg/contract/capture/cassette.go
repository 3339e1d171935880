package capture

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// LoadCassette reads a go-vcr v4 cassette (format version 2, YAML) and
// returns one [contract.Pair] per interaction, in file order, Index being the
// interaction's position and Line the line where it starts. Gzip and deflate
// bodies are decompressed when the headers say so.
//
// The YAML is parsed into nodes and mapped onto go-vcr's fields by hand,
// accepting what go-vcr's own struct decoding accepts, with two differences:
// a key given twice in a mapping is found in linear time (the YAML library's
// check is quadratic in the size of the mapping), and merge keys ("<<"),
// which go-vcr never writes, are refused.
//
// source names the file in errors and in each pair's Source. YAML errors
// carry the line; they never quote values from the file.
func LoadCassette(r io.Reader, source string) ([]contract.Pair, error) {
	return collect(eachCassette, r, source, "cassette")
}

// eachCassette calls fn with the pair of every interaction of a cassette.
func eachCassette(data []byte, source string, b *budget, fn func(*contract.Pair) error) error {
	w := &cassetteWalker{source: source, b: b}
	emitted, fallback, err := fastEach(data, w, fn)
	if !fallback {
		return err
	}
	root := new(yaml.Node)
	if err := yaml.Unmarshal(data, root); err != nil {
		return fmt.Errorf("cassette: %s: %w", source, yamlError(err))
	}
	return w.cassette(root, fn, emitted)
}

// cassetteWalker maps YAML nodes onto a cassette's fields. Every scalar it
// keeps or checks is charged to the file's budget, so that aliases cannot
// make it do unbounded work.
type cassetteWalker struct {
	source string
	b      *budget
	seen   map[dupKey]int // reused by mapping, cleared for each
}

type dupKey struct {
	kind  yaml.Kind
	value string
}

func (w *cassetteWalker) errAt(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("line %d, column %d: "+format, append([]any{n.Line, n.Column}, args...)...)
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		return "a scalar (" + n.ShortTag() + ")"
	}
	return "not a value"
}

// mapping calls member for each key of the mapping n names (in order),
// with the key as a string and the value resolved. A key given twice is an
// error, as in the YAML library, but found with a map rather than by
// comparing every pair of keys.
func (w *cassetteWalker) mapping(n *yaml.Node, what string, member func(key string, k, v *yaml.Node) error) error {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return w.errAt(n, "%s is %s, want a mapping", what, kindName(n))
	}
	// Walking a mapping is charged one byte a key, so that a large mapping
	// reached through many aliases cannot make the walk unbounded.
	if err := w.b.take(len(n.Content) / 2); err != nil {
		return w.errAt(n, "%s: %w", what, err)
	}
	if line, k := w.duplicate(n.Content); k != nil {
		return w.errAt(k, "%s: mapping key %q already defined at line %d", what, k.Value, line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			return w.errAt(k, "%s: merge keys (<<) are not supported in cassettes", what)
		}
		rk := resolve(k)
		if rk == nil || rk.Kind != yaml.ScalarNode {
			return w.errAt(k, "%s: a mapping key is %s, want a string", what, kindName(k))
		}
		key, err := w.str(rk, what)
		if err != nil {
			return err
		}
		if err := member(key, k, resolve(v)); err != nil {
			return err
		}
	}
	return nil
}

// duplicate finds the first key of a mapping's content (keys and values in
// turn) given earlier too, and the line of that earlier key. A small
// mapping is searched pair by pair, which costs less than hashing; a large
// one with a map, so that the search stays linear.
func (w *cassetteWalker) duplicate(content []*yaml.Node) (line int, dup *yaml.Node) {
	if len(content) <= 2*smallMapping {
		for i := 2; i+1 < len(content); i += 2 {
			k := content[i]
			for j := 0; j < i; j += 2 {
				if e := content[j]; e.Value == k.Value && e.Kind == k.Kind {
					return e.Line, k
				}
			}
		}
		return 0, nil
	}
	if w.seen == nil {
		w.seen = make(map[dupKey]int)
	}
	seen := w.seen
	clear(seen)
	for i := 0; i+1 < len(content); i += 2 {
		k := content[i]
		key := dupKey{k.Kind, k.Value}
		if line, ok := seen[key]; ok {
			return line, k
		}
		seen[key] = k.Line
	}
	return 0, nil
}

// smallMapping is the most keys duplicate compares pair by pair.
const smallMapping = 16

// decode hands one scalar to the YAML library, for the forms the fast
// paths below do not cover (hex or octal integers, !!binary, ...).
func (w *cassetteWalker) decode(n *yaml.Node, what string, out any) error {
	if err := n.Decode(out); err != nil {
		return w.errAt(n, "%s: %w", what, yamlError(err))
	}
	return nil
}

// str decodes a scalar into a string as go-vcr's struct decoding would.
func (w *cassetteWalker) str(n *yaml.Node, what string) (string, error) {
	n = resolve(n)
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", w.errAt(n, "%s is %s, want a string", what, kindName(n))
	}
	if n.ShortTag() == "!!str" {
		return n.Value, nil
	}
	var s string
	err := w.decode(n, what, &s)
	return s, err
}

// integer decodes a scalar into an int as go-vcr's struct decoding would.
func (w *cassetteWalker) integer(n *yaml.Node, what string) (int, error) {
	n = resolve(n)
	if isNull(n) {
		return 0, nil
	}
	if n.Kind != yaml.ScalarNode {
		return 0, w.errAt(n, "%s is %s, want an integer", what, kindName(n))
	}
	if n.ShortTag() == "!!int" {
		if i, err := strconv.Atoi(n.Value); err == nil {
			return i, nil
		}
	}
	var i int
	err := w.decode(n, what, &i)
	return i, err
}

// scalarKind names the Go type a cassette field not kept decodes into.
type scalarKind uint8

const (
	kindString scalarKind = iota
	kindInt
	kindInt64
	kindBool
	kindDuration
)

// field names a cassette field in errors: "section.key", or "key" at the
// top. It is turned into a string only when there is an error.
type field struct{ section, key string }

func (f field) String() string {
	if f.section == "" {
		return `"` + f.key + `"`
	}
	return `"` + f.section + "." + f.key + `"`
}

// check decodes a scalar only to find type errors, as go-vcr's struct
// decoding would for the fields the loader does not keep. The common forms
// are checked here, without the allocations of the library's decoding.
func (w *cassetteWalker) check(n *yaml.Node, f field, kind scalarKind) error {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return w.errAt(n, "%s is %s, want a scalar", f, kindName(n))
	}
	if err := w.b.take(len(n.Value) + 16); err != nil {
		return w.errAt(n, "%w", err)
	}
	var out any
	switch tag := n.ShortTag(); kind {
	case kindString:
		if tag == "!!str" {
			return nil
		}
		out = new(string)
	case kindInt, kindInt64:
		if tag == "!!int" {
			if _, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				return nil
			}
		}
		out = new(int64)
		if kind == kindInt {
			out = new(int)
		}
	case kindBool:
		if tag == "!!bool" && (n.Value == "true" || n.Value == "false") {
			return nil
		}
		out = new(bool)
	case kindDuration:
		if tag == "!!str" {
			if _, err := time.ParseDuration(n.Value); err == nil {
				return nil
			}
		}
		out = new(time.Duration)
	}
	return w.decode(n, f.String(), out)
}

// strings decodes a sequence of scalars ([]string).
func (w *cassetteWalker) strings(n *yaml.Node, what string) ([]string, error) {
	n = resolve(n)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, w.errAt(n, "%s is %s, want a sequence", what, kindName(n))
	}
	if err := w.b.take(16 * len(n.Content)); err != nil {
		return nil, w.errAt(n, "%s: %w", what, err)
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		s, err := w.str(e, what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// header decodes a mapping of names to sequences of values (http.Header,
// url.Values), canonicalising names; values of names that canonicalise
// alike are kept together in file order.
func (w *cassetteWalker) header(n *yaml.Node, what string) (http.Header, error) {
	h := http.Header{}
	err := w.mapping(n, what, func(key string, _, v *yaml.Node) error {
		vs, err := w.strings(v, what)
		if err != nil {
			return err
		}
		cost := 0
		for _, s := range vs {
			cost += headerCost(key, s)
		}
		if err := w.b.take(cost + len(key) + 16); err != nil {
			return w.errAt(v, "%w", err)
		}
		ck := http.CanonicalHeaderKey(key)
		if old, ok := h[ck]; ok {
			h[ck] = append(old, vs...)
		} else {
			h[ck] = vs
		}
		return nil
	})
	return h, err
}

// cassette walks a whole document, handing fn the pairs from interaction
// skip on (the earlier ones were handed over by fastEach).
func (w *cassetteWalker) cassette(root *yaml.Node, fn func(*contract.Pair) error, skip int) error {
	doc := root
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			doc = nil
		} else {
			doc = doc.Content[0]
		}
	}
	doc = resolve(doc)
	if !isNull(doc) && doc.Kind != yaml.MappingNode {
		return fmt.Errorf("cassette: %s: %w", w.source, w.errAt(doc, "the top level is %s, want a mapping", kindName(doc)))
	}
	version := 0
	var interactions *yaml.Node
	err := w.mapping(doc, "top level", func(key string, _, v *yaml.Node) error {
		var err error
		switch key {
		case "version":
			version, err = w.integer(v, `"version"`)
		case "interactions":
			interactions = v
			if !isNull(v) && v.Kind != yaml.SequenceNode {
				err = w.errAt(v, `"interactions" is %s, want a sequence`, kindName(v))
			}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("cassette: %s: %w", w.source, err)
	}
	if version == 0 && isNull(interactions) {
		return fmt.Errorf("cassette: %s: %w: no \"version\" or \"interactions\" at the top level", w.source, ErrNotPairFile)
	}
	if version != cassette.CassetteFormatVersion {
		return fmt.Errorf("cassette: %s: format version %d, want %d (go-vcr v4)", w.source, version, cassette.CassetteFormatVersion)
	}
	if isNull(interactions) {
		return nil
	}
	for i, in := range interactions.Content {
		if i < skip {
			continue
		}
		p, err := w.interaction(in, i)
		if err != nil {
			return fmt.Errorf("cassette: %s: interaction %d: %w", w.source, i, err)
		}
		if err := fn(&p); err != nil {
			return err
		}
	}
	return nil
}

// aliasedPairCost is charged for an interaction reached through an alias,
// whose pair is not bounded by the file's size.
const aliasedPairCost = 256

// interaction maps one interaction node onto a pair, checking the fields
// the loader does not keep as go-vcr's struct decoding would.
func (w *cassetteWalker) interaction(in *yaml.Node, index int) (contract.Pair, error) {
	p := contract.Pair{Source: w.source, Index: index, Line: in.Line}
	if in.Kind == yaml.AliasNode {
		if err := w.b.take(aliasedPairCost); err != nil {
			return contract.Pair{}, err
		}
	}
	rin := resolve(in)
	if isNull(rin) {
		return contract.Pair{}, errors.New("empty interaction")
	}
	if rin.Kind != yaml.MappingNode {
		return contract.Pair{}, w.errAt(rin, "interaction is %s, want a mapping", kindName(rin))
	}
	var reqBody, respBody string
	err := w.mapping(rin, "interaction", func(key string, _, v *yaml.Node) error {
		switch key {
		case "id":
			return w.check(v, field{"", "id"}, kindInt)
		case "request":
			return w.mapping(v, `"request"`, func(key string, _, v *yaml.Node) error {
				var err error
				switch key {
				case "method":
					p.Method, err = w.str(v, `"request.method"`)
				case "url":
					p.URL, err = w.str(v, `"request.url"`)
				case "body":
					reqBody, err = w.str(v, `"request.body"`)
				case "headers":
					p.RequestHeader, err = w.header(v, `"request.headers"`)
				case "proto", "host", "remote_addr", "request_uri":
					err = w.check(v, field{"request", key}, kindString)
				case "proto_major", "proto_minor":
					err = w.check(v, field{"request", key}, kindInt)
				case "content_length":
					err = w.check(v, field{"request", key}, kindInt64)
				case "transfer_encoding":
					_, err = w.strings(v, `"request.transfer_encoding"`)
				case "trailer":
					_, err = w.header(v, `"request.trailer"`)
				case "form":
					_, err = w.header(v, `"request.form"`)
				}
				return err
			})
		case "response":
			return w.mapping(v, `"response"`, func(key string, _, v *yaml.Node) error {
				var err error
				switch key {
				case "code":
					p.StatusCode, err = w.integer(v, `"response.code"`)
				case "body":
					respBody, err = w.str(v, `"response.body"`)
				case "headers":
					p.ResponseHeader, err = w.header(v, `"response.headers"`)
				case "proto", "status":
					err = w.check(v, field{"response", key}, kindString)
				case "proto_major", "proto_minor":
					err = w.check(v, field{"response", key}, kindInt)
				case "content_length":
					err = w.check(v, field{"response", key}, kindInt64)
				case "uncompressed":
					err = w.check(v, field{"response", key}, kindBool)
				case "duration":
					err = w.check(v, field{"response", key}, kindDuration)
				case "transfer_encoding":
					_, err = w.strings(v, `"response.transfer_encoding"`)
				case "trailer":
					_, err = w.header(v, `"response.trailer"`)
				}
				return err
			})
		}
		return nil
	})
	if err != nil {
		return contract.Pair{}, err
	}
	return finishCassettePair(p, reqBody, respBody, w.b)
}

// finishCassettePair checks the kept fields and decodes the bodies.
func finishCassettePair(p contract.Pair, reqBody, respBody string, b *budget) (contract.Pair, error) {
	if p.Method == "" {
		return contract.Pair{}, errors.New("request has no method")
	}
	if p.URL == "" {
		return contract.Pair{}, errors.New("request has no url")
	}
	if p.StatusCode <= 0 {
		return contract.Pair{}, errors.New("response has no code")
	}
	p.Method = strings.ToUpper(p.Method)
	if p.RequestHeader == nil {
		p.RequestHeader = http.Header{}
	}
	if p.ResponseHeader == nil {
		p.ResponseHeader = http.Header{}
	}
	var err error
	if reqBody != "" {
		if p.RequestBody, err = decodeBody(p.RequestHeader, []byte(reqBody), b); err != nil {
			return contract.Pair{}, fmt.Errorf("request: %w", err)
		}
	}
	if respBody != "" {
		if p.ResponseBody, err = decodeBody(p.ResponseHeader, []byte(respBody), b); err != nil {
			return contract.Pair{}, fmt.Errorf("response: %w", err)
		}
	}
	return p, nil
}

// quoted matches the excerpts of values YAML type errors quote (`...`).
var quoted = regexp.MustCompile("`[^`]*`")

// yamlError rewrites YAML decoding errors so that they keep line numbers but
// never quote a value (a cassette body may hold a private key).
func yamlError(err error) error {
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		msgs := make([]string, 0, len(les.Errors))
		for _, e := range les.Errors {
			msgs = append(msgs, loadErrorText(e))
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	var le *yaml.LoadError
	if errors.As(err, &le) {
		return errors.New(loadErrorText(le))
	}
	return errors.New(quoted.ReplaceAllString(err.Error(), "a value"))
}

func loadErrorText(e *yaml.LoadError) string {
	msg := quoted.ReplaceAllString(e.Message, "a value")
	if e.Mark.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Mark.Line, e.Mark.Column, msg)
	}
	return msg
}
