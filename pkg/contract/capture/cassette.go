package capture

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// cassetteFile mirrors cassette.Cassette's YAML form. The library type holds
// a mutex and recorder state; decoding into this keeps the loader free of it
// while reusing the library's Interaction, Request and Response types.
type cassetteFile struct {
	Version      int                     `yaml:"version"`
	Interactions []*cassette.Interaction `yaml:"interactions"`
}

// LoadCassette reads a go-vcr v4 cassette (format version 2, YAML) and
// returns one [contract.Pair] per interaction, in file order, Index being the
// interaction's position. Gzip and deflate bodies are decompressed when the
// headers say so.
//
// source names the file in errors and in each pair's Source. YAML errors
// carry the line; they never quote values from the file.
func LoadCassette(r io.Reader, source string) ([]contract.Pair, error) {
	data, err := readAllLimited(r, source)
	if err != nil {
		return nil, fmt.Errorf("cassette: %w", err)
	}
	var c cassetteFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("cassette: %s: %w", source, yamlError(err))
	}
	if c.Version == 0 && c.Interactions == nil {
		return nil, fmt.Errorf("cassette: %s: %w: no \"version\" or \"interactions\" at the top level", source, ErrNotPairFile)
	}
	if c.Version != cassette.CassetteFormatVersion {
		return nil, fmt.Errorf("cassette: %s: format version %d, want %d (go-vcr v4)", source, c.Version, cassette.CassetteFormatVersion)
	}
	pairs := make([]contract.Pair, 0, len(c.Interactions))
	for i, in := range c.Interactions {
		p, err := cassettePair(in, source, i)
		if err != nil {
			return nil, fmt.Errorf("cassette: %s: interaction %d: %w", source, i, err)
		}
		pairs = append(pairs, p)
	}
	return pairs, nil
}

func cassettePair(in *cassette.Interaction, source string, index int) (contract.Pair, error) {
	if in == nil {
		return contract.Pair{}, errors.New("empty interaction")
	}
	if in.Request.Method == "" {
		return contract.Pair{}, errors.New("request has no method")
	}
	if in.Request.URL == "" {
		return contract.Pair{}, errors.New("request has no url")
	}
	if in.Response.Code <= 0 {
		return contract.Pair{}, errors.New("response has no code")
	}
	p := contract.Pair{
		Method:         strings.ToUpper(in.Request.Method),
		URL:            in.Request.URL,
		RequestHeader:  cloneHeader(in.Request.Headers),
		StatusCode:     in.Response.Code,
		ResponseHeader: cloneHeader(in.Response.Headers),
		Source:         source,
		Index:          index,
	}
	var err error
	if in.Request.Body != "" {
		if p.RequestBody, err = decodeBody(p.RequestHeader, []byte(in.Request.Body)); err != nil {
			return contract.Pair{}, fmt.Errorf("request: %w", err)
		}
	}
	if in.Response.Body != "" {
		if p.ResponseBody, err = decodeBody(p.ResponseHeader, []byte(in.Response.Body)); err != nil {
			return contract.Pair{}, fmt.Errorf("response: %w", err)
		}
	}
	return p, nil
}

func cloneHeader(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		out[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	return out
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
