package specdiff

import (
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// constraint is one validation keyword a schema sets (a length, a bound, a
// pattern) or deprecated: compared as differences, copied into a new
// property. Value is its YAML text, Tag its YAML tag.
type constraint struct {
	name, value, tag string
}

// constraints returns the keywords s sets, in the order our spec writes
// them: deprecated, then the bounds.
func constraints(s *openapi3.Schema) []constraint {
	var out []constraint
	str := func(name, v string) {
		if v != "" {
			out = append(out, constraint{name, v, "!!str"})
		}
	}
	boolean := func(name string, v bool) {
		if v {
			out = append(out, constraint{name, "true", "!!bool"})
		}
	}
	count := func(name string, v uint64) {
		if v != 0 {
			out = append(out, constraint{name, strconv.FormatUint(v, 10), "!!int"})
		}
	}
	countPtr := func(name string, v *uint64) {
		if v != nil {
			out = append(out, constraint{name, strconv.FormatUint(*v, 10), "!!int"})
		}
	}
	number := func(name string, v *float64) {
		if v != nil {
			text := strconv.FormatFloat(*v, 'g', -1, 64)
			tag := "!!float"
			if _, err := strconv.ParseInt(text, 10, 64); err == nil {
				tag = "!!int"
			}
			out = append(out, constraint{name, text, tag})
		}
	}
	exclusive := func(name string, b openapi3.ExclusiveBound) {
		switch {
		case b.Value != nil:
			number(name, b.Value)
		case b.Bool != nil:
			boolean(name, *b.Bool)
		}
	}
	boolean("deprecated", s.Deprecated)
	count("minLength", s.MinLength)
	countPtr("maxLength", s.MaxLength)
	str("pattern", s.Pattern)
	number("minimum", s.Min)
	exclusive("exclusiveMinimum", s.ExclusiveMin)
	number("maximum", s.Max)
	exclusive("exclusiveMaximum", s.ExclusiveMax)
	number("multipleOf", s.MultipleOf)
	count("minItems", s.MinItems)
	countPtr("maxItems", s.MaxItems)
	boolean("uniqueItems", s.UniqueItems)
	count("minProperties", s.MinProps)
	countPtr("maxProperties", s.MaxProps)
	return out
}

// constraintDiffs calls d with each keyword's value on both sides
// ("none", or false for deprecated and uniqueItems, when unset).
func constraintDiffs(a, b *openapi3.Schema, d func(aspect, ours, upstream string)) {
	values := func(s *openapi3.Schema) map[string]string {
		m := map[string]string{}
		for _, c := range constraints(s) {
			m[c.name] = c.value
		}
		return m
	}
	va, vb := values(a), values(b)
	for _, name := range []string{"deprecated", "minLength", "maxLength", "pattern", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties"} {
		unset := "none"
		if name == "deprecated" || name == "uniqueItems" {
			unset = "false"
		}
		x, y := va[name], vb[name]
		if x == "" {
			x = unset
		}
		if y == "" {
			y = unset
		}
		d(name, x, y)
	}
}

// constraintNodes returns the keywords of s as alternating key, value
// arguments of [mapping].
func constraintNodes(s *openapi3.Schema) []any {
	var kv []any
	for _, c := range constraints(s) {
		kv = append(kv, c.name, &yaml.Node{Kind: yaml.ScalarNode, Tag: c.tag, Value: c.value})
	}
	return kv
}
