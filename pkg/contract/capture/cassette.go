package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/contract/capture/internal/fast"
)

// LoadCassette reads a go-vcr v4 cassette (format version 2, YAML) and
// returns one [contract.Pair] per interaction, in file order, Index being the
// interaction's position and Line the line where it starts. Gzip and deflate
// bodies are decompressed when the headers say so.
//
// A cassette means what go-vcr makes of it: the YAML library go-vcr uses
// decodes it into go-vcr's own types, so that a status, a body or a header
// is the one go-vcr would replay (a code written 0200 is 128, as YAML 1.1
// reads it), and a file go-vcr refuses (a key given twice, in any spelling)
// is refused. Header names are canonicalized, the values of names that
// canonicalize alike kept together (in the order of the names as written,
// sorted). One more bound: a mapping of more than 1,000 keys is refused, as
// the library's search for a key given twice takes time quadratic in it.
//
// source names the file in errors and in each pair's Source. YAML errors
// carry the line; they never quote values from the file.
func LoadCassette(r io.Reader, source string) ([]contract.Pair, error) {
	data, err := readAllLimited(r, source)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	pairs := []contract.Pair{}
	err = forEachCassetteFile(bytes.NewReader(data), source, func(p *contract.Pair) error {
		pairs = append(pairs, *p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pairs, nil
}

// forEachCassetteFile reads a cassette with the fast reader, and from where
// it stops (if it does) with the reference reader, from the start of the
// file, skipping the interactions already handed over.
func forEachCassetteFile(f io.ReadSeeker, source string, fn func(*contract.Pair) error) error {
	b := newBudget(MaxDecodedBytesPerFile)
	index := 0
	next, done, err := fast.Cassette(io.LimitReader(f, MaxFileBytes), func(line int, in *cassette.Interaction) error {
		p, err := interactionPair(in, source, index, line, b)
		if err != nil {
			return fmt.Errorf("capture: %s: interaction %d (line %d): %w", source, index, line, err)
		}
		index++
		return fn(&p)
	})
	if done || err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("capture: %s: %w", source, err)
	}
	data, err := readAllLimited(f, source)
	if err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	return readCassette(data, source, b, next, fn)
}

// readCassette is the reference reader: the YAML library decodes the
// document into go-vcr's own types, all of it at once with the options of
// yaml.Unmarshal, as go-vcr's cassette.Load does (so that its limits, on
// aliases for one, count over the whole document as go-vcr's do); each
// interaction from skip on becomes a pair.
func readCassette(data []byte, source string, b *budget, skip int, fn func(*contract.Pair) error) error {
	fail := func(err error) error { return fmt.Errorf("capture: %s: %w", source, err) }
	root, err := cassetteRoot(data)
	if err != nil {
		return fail(err)
	}
	// The interactions' nodes, for their lines and to locate an error.
	doc := struct {
		Version      int         `yaml:"version"`
		Interactions []yaml.Node `yaml:"interactions"`
	}{Version: cassette.CassetteFormatVersion} // as go-vcr's cassette.New presets it
	if err := root.Decode(&doc); err != nil {
		return fail(yamlError(err))
	}
	if doc.Version != cassette.CassetteFormatVersion {
		return fail(fmt.Errorf("format version %d, want %d (go-vcr v4)", doc.Version, cassette.CassetteFormatVersion))
	}
	vcr := struct {
		Version      int                     `yaml:"version"`
		Interactions []*cassette.Interaction `yaml:"interactions"`
	}{}
	if err := root.Load(&vcr, yaml.WithV3Defaults()); err != nil {
		return fail(locate(doc.Interactions, err))
	}
	for i := skip; i < len(vcr.Interactions); i++ {
		line := doc.Interactions[i].Line
		if vcr.Interactions[i] == nil {
			return fail(fmt.Errorf("interaction %d (line %d): empty interaction", i, line))
		}
		p, err := interactionPair(vcr.Interactions[i], source, i, line, b)
		if err != nil {
			return fail(fmt.Errorf("interaction %d (line %d): %w", i, line, err))
		}
		if err := fn(&p); err != nil {
			return err
		}
	}
	return nil
}

// locate names the first interaction that does not decode on its own,
// else it returns err, the whole document's decoding error, as it is.
func locate(interactions []yaml.Node, err error) error {
	for i := range interactions {
		var in cassette.Interaction
		if ierr := interactions[i].Decode(&in); ierr != nil {
			return fmt.Errorf("interaction %d: %w", i, yamlError(ierr))
		}
	}
	return yamlError(err)
}

// cassetteRoot parses a cassette's YAML, or says why it is not one (the
// YAML is broken, too large a mapping, or not a mapping with "version" or
// "interactions" at its top level).
func cassetteRoot(data []byte) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(err)
	}
	if err := checkMappingSizes(&root); err != nil {
		return nil, err
	}
	top := &root
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: the top level is not a mapping", ErrNotPairFile)
	}
	if !hasKey(top, "version") && !hasKey(top, "interactions") {
		return nil, fmt.Errorf("%w: no \"version\" or \"interactions\" at the top level", ErrNotPairFile)
	}
	return &root, nil
}

// hasKey reports whether a mapping has the key name as go-vcr's decoding
// would find it: in any spelling the library decodes as that string
// (quoted, !!binary, through an alias) or through a merge key ("<<").
func hasKey(m *yaml.Node, name string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == name {
			return true // plain or quoted, even given twice (an error for later)
		}
	}
	var keys map[string]yaml.Node
	_ = m.Decode(&keys) // the keys that decode, whatever the others do
	_, ok := keys[name]
	return ok
}

// maxMappingKeys bounds the keys of one mapping in a cassette.
const maxMappingKeys = 1000

// checkMappingSizes refuses a mapping of more than maxMappingKeys keys
// anywhere in the document (aliases are not followed: what they name is
// checked where it is written).
func checkMappingSizes(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode && len(n.Content)/2 > maxMappingKeys {
		return fmt.Errorf("line %d: a mapping of %d keys, more than %d", n.Line, len(n.Content)/2, maxMappingKeys)
	}
	for _, c := range n.Content {
		if err := checkMappingSizes(c); err != nil {
			return err
		}
	}
	return nil
}

// interactionPair makes a pair of an interaction as go-vcr holds it,
// whichever reader read it, charging its headers and bodies to b.
func interactionPair(in *cassette.Interaction, source string, index, line int, b *budget) (contract.Pair, error) {
	p := contract.Pair{
		Method:     strings.ToUpper(in.Request.Method),
		URL:        in.Request.URL,
		StatusCode: in.Response.Code,
		Source:     source,
		Index:      index,
		Line:       line,
	}
	switch {
	case p.Method == "":
		return contract.Pair{}, errors.New("request has no method")
	case p.URL == "":
		return contract.Pair{}, errors.New("request has no url")
	case p.StatusCode <= 0:
		return contract.Pair{}, errors.New("response has no code")
	}
	var err error
	if p.RequestHeader, err = canonicalHeader(in.Request.Headers, b); err != nil {
		return contract.Pair{}, fmt.Errorf("request headers: %w", err)
	}
	if p.ResponseHeader, err = canonicalHeader(in.Response.Headers, b); err != nil {
		return contract.Pair{}, fmt.Errorf("response headers: %w", err)
	}
	if in.Request.Body != "" {
		if p.RequestBody, err = decodeBody(p.RequestHeader, []byte(in.Request.Body), b); err != nil {
			return contract.Pair{}, fmt.Errorf("request: %w", err)
		}
	}
	if in.Response.Body != "" {
		if p.ResponseBody, err = decodeBody(p.ResponseHeader, []byte(in.Response.Body), b); err != nil {
			return contract.Pair{}, fmt.Errorf("response: %w", err)
		}
	}
	return p, nil
}

// canonicalHeader returns h with canonical names (never nil), charging its
// names and values to b. Values of names that canonicalize alike are kept
// together, in the order of the names as written, sorted.
func canonicalHeader(h http.Header, b *budget) (http.Header, error) {
	canonical := true
	for k, vs := range h {
		for _, v := range vs {
			if err := b.take(headerCost(k, v)); err != nil {
				return nil, err
			}
		}
		if err := b.take(len(k) + 16); err != nil {
			return nil, err
		}
		canonical = canonical && http.CanonicalHeaderKey(k) == k
	}
	if h == nil {
		return http.Header{}, nil
	}
	if canonical {
		return h, nil
	}
	out := make(http.Header, len(h))
	for _, k := range slices.Sorted(maps.Keys(h)) {
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], h[k]...)
	}
	return out, nil
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
