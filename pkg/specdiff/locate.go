package specdiff

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/stytchsso/stytchsso/internal/jsonptr"
)

// The places a Difference names (an operation, a body, a JSON pointer in
// it), found in our YAML node tree and in a parsed document.

// yamlOperation returns our operation's node for "METHOD path".
func (s *syncer) yamlOperation(op string) (*yaml.Node, error) {
	method, path, _ := strings.Cut(op, " ")
	n := value(value(value(s.doc.root, "paths"), path), strings.ToLower(method))
	if n == nil {
		return nil, fmt.Errorf("our spec has no %s", op)
	}
	return n, nil
}

// yamlSchema returns our schema node (its $refs followed) at ptr inside
// the body that where names ("request body", "response 200", with a media
// type after it when the body has several).
func (s *syncer) yamlSchema(op, where, ptr string) (*yaml.Node, error) {
	opNode, err := s.yamlOperation(op)
	if err != nil {
		return nil, err
	}
	var body *yaml.Node
	words := strings.Fields(where)
	var mt string
	switch {
	case strings.HasPrefix(where, "request body"):
		body = value(opNode, "requestBody")
		if len(words) > 2 {
			mt = words[2]
		}
	case strings.HasPrefix(where, "response ") && len(words) >= 2:
		body = value(value(opNode, "responses"), words[1])
		if len(words) > 2 {
			mt = words[2]
		}
	}
	if body == nil {
		return nil, fmt.Errorf("our %s has no %s", op, where)
	}
	if body, err = s.doc.resolve(body); err != nil {
		return nil, err
	}
	content := value(body, "content")
	var media *yaml.Node
	switch {
	case mt != "":
		media = value(content, mt)
	case content != nil && len(content.Content) == 2:
		media = content.Content[1]
	}
	n := value(media, "schema")
	if n == nil {
		return nil, fmt.Errorf("our %s %s has no single schema", op, where)
	}
	for _, tok := range pointerTokens(ptr) {
		if n, err = s.doc.resolve(n); err != nil {
			return nil, err
		}
		switch {
		case tok == "*":
			n = value(n, "items")
		case tok == "{key}":
			n = value(n, "additionalProperties")
		case strings.Contains(tok, "("):
			return nil, fmt.Errorf("a schema composition (%s) is not edited", tok)
		default:
			n = value(value(n, "properties"), tok)
		}
		if n == nil {
			return nil, fmt.Errorf("our schema at %s: %q not found", orRoot(ptr), tok)
		}
	}
	return s.doc.resolve(n)
}

// kinOperation returns "METHOD path" of doc.
func kinOperation(doc *openapi3.T, op string) (*openapi3.Operation, error) {
	method, path, _ := strings.Cut(op, " ")
	if doc.Paths != nil {
		if item := doc.Paths.Value(path); item != nil {
			if o := item.GetOperation(method); o != nil {
				return o, nil
			}
		}
	}
	return nil, fmt.Errorf("no %s", op)
}

// kinBodySchema returns the schema of the body that where names.
func kinBodySchema(doc *openapi3.T, op, where string) (*openapi3.SchemaRef, error) {
	o, err := kinOperation(doc, op)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(where)
	var content openapi3.Content
	switch {
	case strings.HasPrefix(where, "request body") && o.RequestBody != nil && o.RequestBody.Value != nil:
		content = o.RequestBody.Value.Content
	case strings.HasPrefix(where, "response ") && len(words) >= 2:
		if r := responses(o)[words[1]]; r != nil {
			content = r.Content
		}
	}
	var m *openapi3.MediaType
	switch {
	case len(words) > 2:
		m = content[words[2]]
	case len(content) == 1:
		for _, v := range content {
			m = v
		}
	}
	if m == nil || m.Schema == nil {
		return nil, fmt.Errorf("%s %s has no single schema", op, where)
	}
	return m.Schema, nil
}

// kinSchemaAt follows ptr from ref, or returns nil.
func kinSchemaAt(ref *openapi3.SchemaRef, ptr string) *openapi3.SchemaRef {
	for _, tok := range pointerTokens(ptr) {
		if ref == nil || ref.Value == nil {
			return nil
		}
		switch {
		case tok == "*":
			ref = ref.Value.Items
		case tok == "{key}":
			ref = ref.Value.AdditionalProperties.Schema
		case strings.Contains(tok, "("):
			return nil
		default:
			ref = ref.Value.Properties[tok]
		}
	}
	return ref
}

func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// splitPointer splits "/a/b" into "/a" and "b".
func splitPointer(ptr string) (parent, name string) {
	toks := pointerTokens(ptr)
	if len(toks) == 0 {
		return "", ""
	}
	name = toks[len(toks)-1]
	i := strings.LastIndex(ptr, "/")
	return ptr[:i], name
}

func joinPointer(parent, name string) string {
	return parent + "/" + jsonptr.Escape(name)
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "the body"
	}
	return ptr
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
