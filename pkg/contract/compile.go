package contract

import (
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

// Type bits of a compiled schema node.
const (
	tString uint8 = 1 << iota
	tNumber
	tInteger
	tBoolean
	tObject
	tArray
)

// node is a body schema of the spec compiled into the shape the body walker
// needs. It is built once per validator from the document and never changed
// afterwards, so validators can share nothing mutable between calls.
type node struct {
	schema *openapi3.Schema // for messages and kin-openapi parity

	// full is false when the schema uses a keyword the walker does not
	// implement (oneOf, pattern, minimum, ...): kin-openapi then validates the
	// body and the walker only looks for undocumented fields.
	full bool
	// empty mirrors kin-openapi's Schema.IsEmpty: anything but null passes.
	empty bool

	types    uint8 // 0: any type
	nullable bool

	props    map[string]*node
	required []string
	// fields answers, in one lookup per key, what the walker needs to know
	// of a property name: declared, required, or both.
	fields map[string]*field
	// folded maps the folded form of each declared property's name
	// (appendFoldedName) to its field: Go's encoding/json decodes a key
	// into a struct field whose name it matches ignoring case. nil when
	// no property is declared (a free-form map decodes case-sensitively).
	folded map[string]*field
	// addl validates properties not in props (additionalProperties: schema).
	addl *node
	// forbidExtra is additionalProperties: false.
	forbidExtra bool
	// freeForm: strict mode accepts undeclared properties here
	// (additionalProperties true or a schema, or an object that declares no
	// properties at all).
	freeForm bool
	// opaque: strict mode cannot look inside (oneOf, allOf, ...).
	opaque bool

	items *node

	enum    map[string]struct{} // string enums only
	hasEnum bool
	nEnum   int

	strFormat openapi3.StringFormatValidator
	intFormat openapi3.IntegerFormatValidator
	numFormat openapi3.NumberFormatValidator

	minLength uint64
	maxLength *uint64
	// checksString: validating a string needs its value (enum, length or
	// format); otherwise the walker checks its syntax only.
	checksString bool
}

// field is what a node says about one property name.
type field struct {
	name     string // the map's own copy of the name, so paths never allocate
	node     *node  // its schema, when declared is set
	declared bool   // in properties
	req      int    // its index in required, or -1
}

// fieldOf returns the field named name, adding it.
func (n *node) fieldOf(name string) *field {
	if n.fields == nil {
		n.fields = map[string]*field{}
	}
	f := n.fields[name]
	if f == nil {
		f = &field{name: name, req: -1}
		n.fields[name] = f
	}
	return f
}

// compiler turns schemas into nodes, once per schema (cycles included).
type compiler struct {
	formats *formatSet
	memo    map[*openapi3.Schema]*node
}

// compile returns the node for ref, or nil for a nil schema.
func (c *compiler) compile(ref *openapi3.SchemaRef) *node {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if n, ok := c.memo[s]; ok {
		return n
	}
	n := &node{schema: s, full: true}
	c.memo[s] = n

	n.empty = s.IsEmpty()
	n.nullable = s.Nullable
	if s.Type != nil {
		for _, t := range *s.Type {
			switch t {
			case openapi3.TypeString:
				n.types |= tString
			case openapi3.TypeNumber:
				n.types |= tNumber
			case openapi3.TypeInteger:
				n.types |= tInteger
			case openapi3.TypeBoolean:
				n.types |= tBoolean
			case openapi3.TypeObject:
				n.types |= tObject
			case openapi3.TypeArray:
				n.types |= tArray
			case openapi3.TypeNull:
				n.nullable = true
				n.full = false
			default:
				n.full = false
			}
		}
		if len(*s.Type) != 1 {
			n.full = false
		}
	}
	if !supportedKeywords(s) {
		n.full = false
	}
	if len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) > 0 || s.Not != nil {
		n.opaque = true
	}

	if len(s.Enum) > 0 {
		n.hasEnum = true
		n.nEnum = len(s.Enum)
		n.enum = make(map[string]struct{}, len(s.Enum))
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				n.full = false
				continue
			}
			n.enum[str] = struct{}{}
		}
	}
	if s.Format != "" {
		n.strFormat = c.formats.str[s.Format]
		n.intFormat = c.formats.integer[s.Format]
		n.numFormat = c.formats.number[s.Format]
	}
	n.minLength, n.maxLength = s.MinLength, s.MaxLength
	n.checksString = n.hasEnum || n.minLength != 0 || n.maxLength != nil || n.strFormat != nil

	if len(s.Properties) > 0 {
		n.props = make(map[string]*node, len(s.Properties))
		for name, p := range s.Properties {
			if p == nil || p.Value == nil {
				n.full = false
				continue
			}
			child := c.compile(p)
			if p.Value.ReadOnly || p.Value.WriteOnly || p.Value.Default != nil {
				n.full = false
			}
			n.props[name] = child
			f := n.fieldOf(name)
			f.node, f.declared = child, true
		}
		// Where two names fold alike, encoding/json gives a key matching
		// neither exactly to the first field; the generated structs list
		// properties by name.
		names := make([]string, 0, len(n.props))
		for name := range n.props {
			names = append(names, name)
		}
		sort.Strings(names)
		n.folded = make(map[string]*field, len(names))
		for _, name := range names {
			k := string(appendFoldedName(nil, []byte(name)))
			if _, ok := n.folded[k]; !ok {
				n.folded[k] = n.fields[name]
			}
		}
	}
	n.required = s.Required
	for i, k := range s.Required {
		n.fieldOf(k).req = i
	}
	ap := s.AdditionalProperties
	switch {
	case ap.Has != nil && !*ap.Has:
		n.forbidExtra = true
	case ap.Schema != nil:
		n.addl = c.compile(ap.Schema)
		n.freeForm = true
	case ap.Has != nil && *ap.Has:
		n.freeForm = true
	case len(s.Properties) == 0:
		n.freeForm = true
	}
	if s.Items != nil {
		n.items = c.compile(s.Items)
	}
	return n
}

// supportedKeywords reports whether the walker implements every keyword s
// uses. Anything else is left to kin-openapi.
func supportedKeywords(s *openapi3.Schema) bool {
	switch {
	case len(s.OneOf) > 0, len(s.AnyOf) > 0, len(s.AllOf) > 0, s.Not != nil,
		s.Always != nil, s.Discriminator != nil,
		s.UniqueItems, s.ExclusiveMin.IsSet(), s.ExclusiveMax.IsSet(),
		s.Min != nil, s.Max != nil, s.MultipleOf != nil, s.Pattern != "",
		s.MinItems != 0, s.MaxItems != nil, s.MinProps != 0, s.MaxProps != nil,
		s.ReadOnly, s.WriteOnly, s.Const != nil, len(s.PrefixItems) > 0,
		s.Contains != nil, len(s.PatternProperties) > 0, len(s.DependentSchemas) > 0,
		s.PropertyNames != nil, s.UnevaluatedItems.Schema != nil || s.UnevaluatedItems.Has != nil,
		s.UnevaluatedProperties.Schema != nil || s.UnevaluatedProperties.Has != nil,
		s.If != nil, s.Then != nil, s.Else != nil, len(s.DependentRequired) > 0:
		return false
	}
	return true
}

// fullyCompiled reports whether every node reachable from n is full.
func fullyCompiled(n *node) bool {
	seen := map[*node]bool{}
	var walk func(*node) bool
	walk = func(n *node) bool {
		if n == nil || seen[n] {
			return true
		}
		seen[n] = true
		if !n.full {
			return false
		}
		for _, p := range n.props {
			if !walk(p) {
				return false
			}
		}
		return walk(n.addl) && walk(n.items)
	}
	return walk(n)
}
