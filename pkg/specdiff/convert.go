package specdiff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// schemaNode converts an upstream schema into ours: a component upstream
// names becomes a $ref to our component of the same shape (learned by
// walking both specs side by side), or a new component named without
// upstream's prefix (api_sso_v1_X becomes X); inline schemas keep type,
// format, nullable, description, enum, required, properties, items and
// additionalProperties.
func (s *syncer) schemaNode(ref *openapi3.SchemaRef) (*yaml.Node, error) {
	if ref == nil || ref.Value == nil {
		return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}, nil
	}
	if ref.Ref != "" {
		if mine, ok := s.refs[ref.Ref]; ok {
			return mapping("$ref", mine), nil
		}
		if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
			name = name[strings.LastIndex(name, "_")+1:]
			schemas := value(value(s.doc.root, "components"), "schemas")
			if schemas != nil && value(schemas, name) == nil && !s.newSchemas[name] {
				s.newSchemas[name] = true
				s.refs[ref.Ref] = "#/components/schemas/" + name
				node, err := s.inline(ref.Value)
				if err != nil {
					return nil, err
				}
				if _, err := s.doc.addKey(schemas, name, node); err != nil {
					return nil, err
				}
				return mapping("$ref", s.refs[ref.Ref]), nil
			}
		}
	}
	return s.inline(ref.Value)
}

func (s *syncer) inline(sc *openapi3.Schema) (*yaml.Node, error) {
	for _, c := range []struct {
		name string
		n    int
	}{{"allOf", len(sc.AllOf)}, {"oneOf", len(sc.OneOf)}, {"anyOf", len(sc.AnyOf)}} {
		if c.n > 0 {
			return nil, fmt.Errorf("upstream composes this schema (%s): not copied, adopt it by hand", c.name)
		}
	}
	if sc.Not != nil {
		return nil, fmt.Errorf("upstream's schema has not: not copied, adopt it by hand")
	}
	if sc.Type != nil && len(sc.Type.Slice()) > 1 {
		return nil, fmt.Errorf("upstream's schema has several types (%s): not copied, adopt it by hand", strings.Join(sc.Type.Slice(), ", "))
	}
	var kv []any
	if sc.Type != nil && len(sc.Type.Slice()) == 1 {
		kv = append(kv, "type", sc.Type.Slice()[0])
	}
	if sc.Format != "" {
		kv = append(kv, "format", sc.Format)
	}
	if sc.Nullable {
		kv = append(kv, "nullable", true)
	}
	if sc.Description != "" {
		kv = append(kv, "description", text(sc.Description))
	}
	kv = append(kv, constraintNodes(sc)...)
	if len(sc.Enum) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, v := range sc.Enum {
			str, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("only string enum values are copied (upstream has %T)", v)
			}
			seq.Content = append(seq.Content, scalar(str))
		}
		kv = append(kv, "enum", seq)
	}
	if len(sc.Required) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, r := range sc.Required {
			seq.Content = append(seq.Content, scalar(r))
		}
		kv = append(kv, "required", seq)
	}
	if len(sc.Properties) > 0 {
		props := &yaml.Node{Kind: yaml.MappingNode}
		for _, name := range sortedKeys(sc.Properties) {
			n, err := s.schemaNode(sc.Properties[name])
			if err != nil {
				return nil, err
			}
			props.Content = append(props.Content, scalar(name), n)
		}
		kv = append(kv, "properties", props)
	}
	if sc.Items != nil {
		n, err := s.schemaNode(sc.Items)
		if err != nil {
			return nil, err
		}
		kv = append(kv, "items", n)
	}
	switch {
	case sc.AdditionalProperties.Schema != nil:
		n, err := s.schemaNode(sc.AdditionalProperties.Schema)
		if err != nil {
			return nil, err
		}
		kv = append(kv, "additionalProperties", n)
	case sc.AdditionalProperties.Has != nil:
		kv = append(kv, "additionalProperties", *sc.AdditionalProperties.Has)
	}
	if len(kv) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}, nil
	}
	return mapping(kv...), nil
}

// mapRefs learns which upstream component is which of ours by walking the
// bodies of our operations in both specs side by side.
func (s *syncer) mapRefs(upstream *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	paths := s.ours.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := upstream.Paths.Value(path)
		if item == nil {
			continue
		}
		ops := s.ours.Paths.Value(path).Operations()
		for _, m := range sortedKeys(ops) {
			theirs := item.GetOperation(m)
			if theirs == nil {
				continue
			}
			ours := ops[m]
			if ours.RequestBody != nil && theirs.RequestBody != nil && ours.RequestBody.Value != nil && theirs.RequestBody.Value != nil {
				for mt, a := range ours.RequestBody.Value.Content {
					if b := theirs.RequestBody.Value.Content[mt]; b != nil {
						s.pairRefs(a.Schema, b.Schema, seen)
					}
				}
			}
			ourResp, theirResp := responses(ours), responses(theirs)
			for _, status := range sortedKeys(ourResp) {
				if b := theirResp[status]; b != nil {
					for _, mt := range sortedKeys(ourResp[status].Content) {
						if m := b.Content[mt]; m != nil {
							s.pairRefs(ourResp[status].Content[mt].Schema, m.Schema, seen)
						}
					}
				}
			}
		}
	}
}

func (s *syncer) pairRefs(a, b *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if a == nil || b == nil || a.Value == nil || b.Value == nil {
		return
	}
	if a.Ref != "" && b.Ref != "" {
		if _, ok := s.refs[b.Ref]; !ok {
			s.refs[b.Ref] = a.Ref
		}
	}
	if seen[b.Value] {
		return
	}
	seen[b.Value] = true
	for _, name := range sortedKeys(b.Value.Properties) {
		s.pairRefs(a.Value.Properties[name], b.Value.Properties[name], seen)
	}
	s.pairRefs(a.Value.Items, b.Value.Items, seen)
	s.pairRefs(a.Value.AdditionalProperties.Schema, b.Value.AdditionalProperties.Schema, seen)
}
