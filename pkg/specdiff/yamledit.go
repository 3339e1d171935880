package specdiff

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// yamlDoc edits a YAML file by inserting text, never by re-serializing it:
// the node tree (go.yaml.in/yaml/v4) says where things are, and every
// insertion is a block of new lines placed between existing ones, so every
// byte of the file that an edit does not add stays as it was, comments,
// quoting and line folding included.
type yamlDoc struct {
	lines [][]byte // the file split after each newline
	root  *yaml.Node
	ins   []insertion
	added map[string]bool // what was inserted, to make each insertion once
}

// insertion is new text placed before line (0-based; len(lines) is the end).
type insertion struct {
	line int
	text string
}

func parseYAMLDoc(src []byte) (*yamlDoc, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("specdiff: parse spec YAML: %w", err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("specdiff: spec YAML: not a mapping document")
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	return &yamlDoc{lines: lines, root: root.Content[0], added: map[string]bool{}}, nil
}

// bytes returns the file with every insertion applied.
func (d *yamlDoc) bytes() []byte {
	ins := slices.Clone(d.ins)
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].line < ins[j].line })
	// New lines end as the file's first line does (CRLF or LF).
	eol := "\n"
	if len(d.lines) > 0 && bytes.HasSuffix(d.lines[0], []byte("\r\n")) {
		eol = "\r\n"
	}
	var out bytes.Buffer
	k := 0
	for i := 0; i <= len(d.lines); i++ {
		for ; k < len(ins) && ins[k].line == i; k++ {
			if i == len(d.lines) && out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
				out.WriteString(eol)
			}
			out.WriteString(strings.ReplaceAll(ins[k].text, "\n", eol))
		}
		if i < len(d.lines) {
			out.Write(d.lines[i])
		}
	}
	return out.Bytes()
}

// value returns the value of key in mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// resolve follows a local $ref ("#/components/schemas/X") until a node
// without one.
func (d *yamlDoc) resolve(n *yaml.Node) (*yaml.Node, error) {
	for range 32 {
		ref := value(n, "$ref")
		if ref == nil {
			return n, nil
		}
		target, err := d.at(ref.Value)
		if err != nil {
			return nil, err
		}
		n = target
	}
	return nil, fmt.Errorf("specdiff: $ref chain too long")
}

// at returns the node at a local reference such as "#/components/schemas/X".
func (d *yamlDoc) at(ref string) (*yaml.Node, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("specdiff: $ref %q: only local references are edited", ref)
	}
	n := d.root
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if n = value(n, tok); n == nil {
			return nil, fmt.Errorf("specdiff: $ref %q: not found in the spec", ref)
		}
	}
	return n, nil
}

func indentOf(line []byte) int {
	return len(line) - len(bytes.TrimLeft(line, " "))
}

func blank(line []byte) bool {
	return len(bytes.TrimSpace(line)) == 0
}

// extentEnd returns the 0-based line after the block that starts on
// 1-based line start with indentation indent: the following lines that are
// blank or indented deeper, without trailing blank lines.
func (d *yamlDoc) extentEnd(start, indent int) int {
	i := start // 0-based index of the line after the start line
	for i < len(d.lines) && (blank(d.lines[i]) || indentOf(d.lines[i]) > indent) {
		i++
	}
	for i > start && blank(d.lines[i-1]) {
		i--
	}
	return i
}

// render serializes n as block YAML indented by indent spaces.
func render(n *yaml.Node, indent int) (string, error) {
	out, err := yaml.Dump(n, yaml.WithIndent(2), yaml.WithCompactSeqIndent(false), yaml.WithLineWidth(-1), yaml.WithQuotePreference(yaml.QuoteSingle))
	if err != nil {
		return "", fmt.Errorf("specdiff: render YAML: %w", err)
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(out), "\n") {
		if l == "" {
			continue
		}
		if strings.TrimSpace(l) != "" {
			b.WriteString(pad)
		}
		b.WriteString(l)
	}
	return b.String(), nil
}

// addKey inserts key: val into the block mapping m, in sorted position when
// m's three or more keys are sorted (as a responses map is), at the end
// otherwise. A key
// already present is left alone; addKey reports whether it inserted.
func (d *yamlDoc) addKey(m *yaml.Node, key string, val *yaml.Node) (bool, error) {
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return false, fmt.Errorf("specdiff: line %d: only a non-empty block mapping can take the new key %q", m.Line, key)
	}
	id := fmt.Sprintf("key %d:%d %s", m.Line, m.Column, key)
	if value(m, key) != nil || d.added[id] {
		return false, nil
	}
	d.added[id] = true
	indent := m.Content[0].Column - 1
	keys := make([]string, 0, len(m.Content)/2)
	for i := 0; i < len(m.Content); i += 2 {
		keys = append(keys, m.Content[i].Value)
	}
	line := -1
	if len(keys) >= 3 && sort.StringsAreSorted(keys) {
		for i, k := range keys {
			if k > key {
				// Above the comment lines that introduce the next key.
				line = m.Content[2*i].Line - 1
				for line > 0 && indentOf(d.lines[line-1]) == indent && bytes.HasPrefix(bytes.TrimSpace(d.lines[line-1]), []byte("#")) {
					line--
				}
				break
			}
		}
	}
	if line < 0 {
		last := m.Content[len(m.Content)-2]
		line = d.extentEnd(last.Line, indent)
	}
	snippet := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{scalar(key), val}}
	text, err := render(snippet, indent)
	if err != nil {
		return false, err
	}
	d.ins = append(d.ins, insertion{line, text})
	return true, nil
}

// appendItem appends val to the block sequence s.
func (d *yamlDoc) appendItem(s *yaml.Node, val *yaml.Node) error {
	if s.Kind != yaml.SequenceNode || s.Style&yaml.FlowStyle != 0 || len(s.Content) == 0 {
		return fmt.Errorf("specdiff: line %d: only a non-empty block sequence can take a new item", s.Line)
	}
	last := s.Content[len(s.Content)-1]
	dash := indentOf(d.lines[last.Line-1])
	line := d.extentEnd(last.Line, dash)
	text, err := render(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{val}}, dash)
	if err != nil {
		return err
	}
	d.ins = append(d.ins, insertion{line, text})
	return nil
}

// scalar returns a plain string scalar node; the emitter quotes it when
// YAML needs quotes ('409', '#/components/...').
func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
}

// mapping returns a block mapping of alternating keys and values.
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		var v *yaml.Node
		switch x := kv[i+1].(type) {
		case *yaml.Node:
			v = x
		case string:
			v = scalar(x)
		case bool:
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(x)}
		default:
			panic(fmt.Sprintf("specdiff: mapping value %T", x))
		}
		m.Content = append(m.Content, scalar(kv[i].(string)), v)
	}
	return m
}

// text returns a string scalar for a description: on one line, or literal
// (|) when it holds line breaks, so that it reads as upstream wrote it.
func text(v string) *yaml.Node {
	n := scalar(v)
	if strings.Contains(v, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}
