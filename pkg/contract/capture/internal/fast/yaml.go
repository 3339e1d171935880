package fast

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// The YAML subset parser parses the block YAML that go-vcr writes (through the YAML
// library's encoder) into the same yaml.Node tree the library's parser
// builds, several times faster. It understands only that subset: block
// mappings and sequences indented with spaces, plain keys, plain, single-
// and double-quoted scalars (folded over lines or not), literal blocks, the
// !!binary tag and the empty flow collections {} and []. On anything else
// (anchors, aliases, comments, flow collections, other tags, tabs, carriage
// returns, unusual characters, multi-line plain scalars, ...) it gives up
// and the library parses the file instead, so it never decides what a file
// means on its own: FuzzFastYAMLSameTree holds its trees to the library's.

// errNotFast says the file is outside the subset fastyaml parses.
var errNotFast = errors.New("not in the fast YAML subset")

type fastParser struct {
	data      []byte
	pos       int // current offset
	line      int // 1-based line of pos
	lineStart int // offset where the current line starts
	arena     *nodeArena
	depth     int // collections open around pos
}

// maxFastDepth bounds how deeply collections nest in the subset, far
// below the library's limit (10,000 levels, beyond which it refuses the
// file): go-vcr's cassettes nest five levels deep.
const maxFastDepth = 64

// enter opens a collection, reporting false beyond maxFastDepth; leave
// closes it.
func (p *fastParser) enter() bool { p.depth++; return p.depth <= maxFastDepth }
func (p *fastParser) leave()      { p.depth-- }

// node allocates a node from the parser's arena.
func (p *fastParser) node(n yaml.Node) *yaml.Node {
	if p.arena == nil {
		p.arena = new(nodeArena)
	}
	return p.arena.alloc(n)
}

// nodeArena hands out nodes from chunks of 64: one allocation for many
// small nodes. When the nodes of one interaction are no longer referenced
// (it has been walked into a pair), reset lets the next reuse the same
// chunks, so that streaming a cassette allocates its nodes once rather than
// once per interaction, and the collector has no dead trees to sweep.
//
// The Content of mappings and sequences comes from it too: their items are
// gathered on stack as they are parsed (a nested collection takes its own
// off before its parent goes on), then copied into one exactly sized slice
// of a chunk of pointers, instead of each collection growing its own.
type nodeArena struct {
	chunks [][]yaml.Node
	ci, n  int // the chunk in use and how much of it is
	ptrs   [][]*yaml.Node
	pi, pn int // likewise for ptrs
	stack  []*yaml.Node
}

// ptrChunk is the least number of pointers a chunk of ptrs holds.
const ptrChunk = 256

// push adds a parsed item to the collection being parsed.
func (a *nodeArena) push(items ...*yaml.Node) { a.stack = append(a.stack, items...) }

// content takes the items pushed since stack held base items, as the
// Content of a collection (capped: an append to it copies).
func (a *nodeArena) content(base int) []*yaml.Node {
	items := a.stack[base:]
	a.stack = a.stack[:base]
	n := len(items)
	if n == 0 {
		return nil
	}
	for {
		if a.pi == len(a.ptrs) {
			a.ptrs = append(a.ptrs, make([]*yaml.Node, max(ptrChunk, n)))
		}
		if a.pn+n <= len(a.ptrs[a.pi]) {
			break
		}
		a.pi, a.pn = a.pi+1, 0
	}
	c := a.ptrs[a.pi][a.pn : a.pn+n : a.pn+n]
	copy(c, items)
	a.pn += n
	return c
}

func (a *nodeArena) alloc(v yaml.Node) *yaml.Node {
	if a.ci == len(a.chunks) {
		a.chunks = append(a.chunks, make([]yaml.Node, 64))
	}
	c := a.chunks[a.ci]
	c[a.n] = v
	node := &c[a.n]
	if a.n++; a.n == len(c) {
		a.ci, a.n = a.ci+1, 0
	}
	return node
}

// reset makes every node handed out so far free for reuse: none may be
// used after it.
func (a *nodeArena) reset() { a.ci, a.n, a.pi, a.pn, a.stack = 0, 0, 0, 0, a.stack[:0] }

// internKey returns the keys go-vcr writes as constants, sparing an
// allocation each.
func internKey(k []byte) string {
	switch string(k) {
	case "id":
		return "id"
	case "request":
		return "request"
	case "response":
		return "response"
	case "proto":
		return "proto"
	case "proto_major":
		return "proto_major"
	case "proto_minor":
		return "proto_minor"
	case "content_length":
		return "content_length"
	case "transfer_encoding":
		return "transfer_encoding"
	case "trailer":
		return "trailer"
	case "host":
		return "host"
	case "remote_addr":
		return "remote_addr"
	case "request_uri":
		return "request_uri"
	case "body":
		return "body"
	case "form":
		return "form"
	case "headers":
		return "headers"
	case "url":
		return "url"
	case "method":
		return "method"
	case "uncompressed":
		return "uncompressed"
	case "status":
		return "status"
	case "code":
		return "code"
	case "duration":
		return "duration"
	case "Content-Type":
		return "Content-Type"
	case "Content-Length":
		return "Content-Length"
	case "Content-Encoding":
		return "Content-Encoding"
	case "Authorization":
		return "Authorization"
	}
	return string(k)
}

// fastParse returns the document node, or errNotFast.
func fastParse(data []byte) (*yaml.Node, error) {
	if !fastClean(data) {
		return nil, errNotFast
	}
	p := &fastParser{data: data, line: 1}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Line: 1, Column: 1}
	if bytes.HasPrefix(data, []byte("---\n")) {
		p.nextLine(4)
	}
	ind, ok := p.indent()
	if !ok || ind != 0 || p.atSeqItem() {
		return nil, errNotFast
	}
	if p.pos == 0 {
		doc.Line, doc.Column = p.line, 1
	}
	root, err := p.mapping(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.data) {
		return nil, errNotFast
	}
	doc.Content = []*yaml.Node{root}
	return doc, nil
}

// fastClean reports whether data holds only what the parser is sure to
// read as the library does: valid UTF-8, printable, no tabs, no carriage
// returns, no byte order mark or Unicode line breaks, ending in a newline.
func fastClean(data []byte) bool {
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return false
	}
	for i := 0; i < len(data); {
		// Eight bytes at a time over printable ASCII; a word with anything
		// else in it (a newline, most often) is looked at byte by byte.
		for i+8 <= len(data) {
			x := binary.LittleEndian.Uint64(data[i:])
			if x&swarHigh != 0 || (x-swarOnes*0x20)&^x&swarHigh != 0 || hasByte(x, 0x7f) {
				break
			}
			i += 8
		}
		end := min(i+8, len(data))
		for i < end {
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
	}
	return true
}

// SWAR (SIMD within a register) tests on eight bytes at once.
const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// hasByte reports whether any byte of x (all below 0x80) is c.
func hasByte(x uint64, c byte) bool {
	y := x ^ (swarOnes * uint64(c))
	return (y-swarOnes)&^y&swarHigh != 0
}

// nextLine moves to the start of the next line, n bytes after the current
// position being the newline's successor.
func (p *fastParser) nextLine(to int) {
	p.pos = to
	p.line++
	p.lineStart = to
}

// restOfLine is the text from pos to the end of the current line.
func (p *fastParser) restOfLine() []byte {
	end := bytes.IndexByte(p.data[p.pos:], '\n')
	return p.data[p.pos : p.pos+end]
}

// indent counts the spaces at the start of the current line (pos must be
// at a line start) and moves past them; ok is false at the end of the
// data or on a blank line.
func (p *fastParser) indent() (int, bool) {
	if p.pos >= len(p.data) {
		return 0, false
	}
	n := 0
	for p.pos+n < len(p.data) && p.data[p.pos+n] == ' ' {
		n++
	}
	if p.pos+n >= len(p.data) || p.data[p.pos+n] == '\n' {
		return 0, false
	}
	return n, true
}

// lineIndent peeks at the indentation of the line at pos (a line start):
// -1 at the end of the data, -2 for a blank line.
func (p *fastParser) lineIndent() int {
	if p.pos >= len(p.data) {
		return -1
	}
	n, ok := p.indent()
	if !ok {
		return -2
	}
	return n
}

func (p *fastParser) atSeqItem() bool {
	i := p.pos
	for i < len(p.data) && p.data[i] == ' ' {
		i++
	}
	return i < len(p.data) && p.data[i] == '-' && i+1 < len(p.data) && (p.data[i+1] == ' ' || p.data[i+1] == '\n')
}

func (p *fastParser) col() int { return p.pos - p.lineStart + 1 }

// mapping parses a block mapping whose keys sit at column ind+1; pos is at
// the first key (possibly mid-line, after "- ").
func (p *fastParser) mapping(ind int) (*yaml.Node, error) {
	defer p.leave()
	if !p.enter() {
		return nil, errNotFast
	}
	m := p.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.line, Column: p.col()})
	a := p.arena
	base := len(a.stack)
	first := true
	for {
		if !first {
			n := p.lineIndent()
			if n == -1 || (n >= 0 && n < ind) {
				m.Content = a.content(base)
				return m, nil
			}
			if n != ind || p.atSeqItem() {
				a.stack = a.stack[:base]
				return nil, errNotFast
			}
			p.pos += n
		}
		first = false
		key, err := p.key()
		if err != nil {
			a.stack = a.stack[:base]
			return nil, err
		}
		val, err := p.value(ind, true)
		if err != nil {
			a.stack = a.stack[:base]
			return nil, err
		}
		a.push(key, val)
	}
}

// key parses a plain key and the ": " or ":\n" after it.
func (p *fastParser) key() (*yaml.Node, error) {
	rest := p.restOfLine()
	colon := bytes.IndexByte(rest, ':')
	if colon <= 0 || (colon+1 < len(rest) && rest[colon+1] != ' ') {
		return nil, errNotFast
	}
	k := rest[:colon]
	if !plainSafe(k) {
		return nil, errNotFast
	}
	node := p.node(yaml.Node{Kind: yaml.ScalarNode, Value: internKey(k), Line: p.line, Column: p.col()})
	var ok bool
	if node.Tag, ok = plainTag(k); !ok {
		return nil, errNotFast
	}
	p.pos += colon + 1
	return node, nil
}

// plainSafe reports whether s reads as a one-line plain scalar of printable
// ASCII without any character that could start or end something else.
func plainSafe(s []byte) bool {
	if len(s) == 0 || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	switch s[0] {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		if s[0] != '-' || len(s) == 1 || s[1] == ' ' {
			return false
		}
	}
	for i, c := range s {
		if c < 0x20 || c >= 0x7f {
			return false
		}
		if c == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return false
		}
		if c == '#' && i > 0 && s[i-1] == ' ' {
			return false
		}
	}
	return !(len(s) >= 3 && (string(s[:3]) == "---" || string(s[:3]) == "..."))
}

// plainTag gives the tag the YAML library resolves a plain scalar to, for
// the values where that is certain: decimal integers (!!int) and text that
// no other type could claim (!!str). For anything else (null, booleans,
// floats, timestamps, merge keys, other integer forms) ok is false.
func plainTag(v []byte) (tag string, ok bool) {
	c := v[0]
	switch {
	case c == '-' || (c >= '0' && c <= '9'):
		digits := v
		if c == '-' {
			digits = v[1:]
		}
		// "-0" the library resolves as a float (negative zero).
		if len(digits) > 0 && len(digits) <= 18 && (digits[0] != '0' || (len(digits) == 1 && c != '-')) && allDigits(digits) {
			return "!!int", true
		}
		if c == '-' || bytes.ContainsAny(v, "-:") {
			return "", false
		}
		for _, c := range v {
			if !strings.ContainsRune("0123456789abcdefABCDEFxXoObB.+_", rune(c)) {
				return "!!str", true // a letter no number or date holds, a blank
			}
		}
		return "", false
	case c == '/' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		if len(v) <= 5 {
			switch strings.ToLower(string(v)) {
			case "true", "false", "null", "yes", "no", "on", "off", "y", "n":
				return "", false
			}
		}
		return "!!str", true
	}
	return "", false
}

func allDigits(s []byte) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// value parses what follows "key:" or "-" (pos just after the indicator),
// for a node owned by a collection at indentation ind. inMapping allows a
// compact sequence (at the key's own indentation) as the value.
func (p *fastParser) value(ind int, inMapping bool) (*yaml.Node, error) {
	if p.data[p.pos] == '\n' {
		nullLine, nullCol := p.line, p.col()
		p.nextLine(p.pos + 1)
		n := p.lineIndent()
		switch {
		case n > ind:
			p.pos += n
			if p.atSeqItem() {
				return p.sequence(n)
			}
			return p.mapping(n)
		case n == ind && inMapping && p.atSeqItem():
			p.pos += n
			return p.sequence(n)
		case n == -1 || (n >= 0 && n <= ind):
			return p.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: nullLine, Column: nullCol}), nil
		}
		return nil, errNotFast
	}
	// One space, then the value.
	if p.data[p.pos] != ' ' || p.pos+1 >= len(p.data) || p.data[p.pos+1] == ' ' || p.data[p.pos+1] == '\n' {
		return nil, errNotFast
	}
	p.pos++
	return p.scalar(ind)
}

// scalar parses an inline value starting at pos and ending its line (or,
// for quoted and literal scalars, a later one), then moves to the next line.
func (p *fastParser) scalar(ind int) (*yaml.Node, error) {
	line, col := p.line, p.col()
	node := p.node(yaml.Node{Kind: yaml.ScalarNode, Line: line, Column: col})
	if bytes.HasPrefix(p.data[p.pos:], []byte("!!binary ")) {
		node.Tag = "!!binary"
		node.Style = yaml.TaggedStyle
		p.pos += len("!!binary ")
	}
	var err error
	switch p.data[p.pos] {
	case '\'':
		node.Style |= yaml.SingleQuotedStyle
		node.Value, err = p.quoted(ind, false)
	case '"':
		node.Style |= yaml.DoubleQuotedStyle
		node.Value, err = p.quoted(ind, true)
	case '|':
		node.Style |= yaml.LiteralStyle
		node.Value, err = p.literal(ind)
		if node.Tag == "" {
			node.Tag = "!!str"
		}
		return node, err
	case '{', '[':
		rest := p.restOfLine()
		if node.Tag != "" || len(rest) != 2 || (string(rest) != "{}" && string(rest) != "[]") {
			return nil, errNotFast
		}
		node.Kind, node.Tag, node.Style = yaml.MappingNode, "!!map", yaml.FlowStyle
		if rest[0] == '[' {
			node.Kind, node.Tag = yaml.SequenceNode, "!!seq"
		}
		p.nextLine(p.pos + 3)
		return node, nil
	default:
		rest := p.restOfLine()
		if !plainSafe(rest) {
			return nil, errNotFast
		}
		node.Value = string(rest)
		p.nextLine(p.pos + len(rest) + 1)
		if node.Tag == "" {
			var ok bool
			if node.Tag, ok = plainTag(rest); !ok {
				return nil, errNotFast
			}
		}
		return node, p.noContinuation(ind)
	}
	if err != nil {
		return nil, err
	}
	if node.Tag == "" {
		node.Tag = "!!str"
	}
	// Nothing may follow the closing quote on its line.
	if p.pos >= len(p.data) || p.data[p.pos] != '\n' {
		return nil, errNotFast
	}
	p.nextLine(p.pos + 1)
	return node, p.noContinuation(ind)
}

// noContinuation gives up when the next line is indented beyond ind: a
// multi-line plain scalar, or something the parser does not expect.
func (p *fastParser) noContinuation(ind int) error {
	if n := p.lineIndent(); n > ind || n == -2 {
		return errNotFast
	}
	return nil
}

// quoted parses a single- or double-quoted scalar at pos, folding line
// breaks as YAML does, and leaves pos after the closing quote.
func (p *fastParser) quoted(ind int, double bool) (string, error) {
	quote := p.data[p.pos]
	p.pos++
	// The common case: no escape, no doubled quote, no line break.
	if end := bytes.IndexByte(p.data[p.pos:], quote); end >= 0 {
		text := p.data[p.pos : p.pos+end]
		next := p.pos + end + 1
		if bytes.IndexByte(text, '\n') < 0 && (double && bytes.IndexByte(text, '\\') < 0 || !double && (next >= len(p.data) || p.data[next] != '\'')) {
			p.pos = next
			return string(text), nil
		}
	}
	var b strings.Builder
	protect := 0 // bytes written by escapes, which folding must not trim
	for {
		// Copy a run of ordinary characters.
		start := p.pos
		for p.pos < len(p.data) {
			c := p.data[p.pos]
			if c == quote || c == '\n' || (double && c == '\\') {
				break
			}
			p.pos++
		}
		b.Write(p.data[start:p.pos])
		if p.pos >= len(p.data) {
			return "", errNotFast
		}
		switch c := p.data[p.pos]; {
		case c == quote:
			if !double && p.pos+1 < len(p.data) && p.data[p.pos+1] == '\'' {
				b.WriteByte('\'')
				p.pos += 2
				continue
			}
			p.pos++
			return b.String(), nil
		case c == '\\':
			if err := p.escape(&b, ind); err != nil {
				return "", err
			}
			protect = b.Len()
		default: // a line break: fold
			// Trailing blanks before a break are dropped.
			s := b.String()
			t := s[:protect] + strings.TrimRight(s[protect:], " ")
			if len(t) != len(s) {
				b.Reset()
				b.WriteString(t)
			}
			p.nextLine(p.pos + 1)
			breaks := 0
			for {
				n := p.lineIndent()
				if n == -1 {
					return "", errNotFast
				}
				if n == -2 {
					// A blank line: only a bare newline is in the subset.
					if p.data[p.pos] != '\n' {
						return "", errNotFast
					}
					breaks++
					p.nextLine(p.pos + 1)
					continue
				}
				if n <= ind {
					return "", errNotFast
				}
				p.pos += n
				break
			}
			if breaks == 0 {
				b.WriteByte(' ')
			}
			for range breaks {
				b.WriteByte('\n')
			}
		}
	}
}

// escape handles a backslash escape in a double-quoted scalar.
func (p *fastParser) escape(b *strings.Builder, ind int) error {
	if p.pos+1 >= len(p.data) {
		return errNotFast
	}
	c := p.data[p.pos+1]
	p.pos += 2
	simple := map[byte]string{'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r",
		'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029"}
	if s, ok := simple[c]; ok {
		b.WriteString(s)
		return nil
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if width > 0 {
		if p.pos+width > len(p.data) {
			return errNotFast
		}
		v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+width]), 16, 32)
		if err != nil || (width > 2 && (v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF))) {
			return errNotFast
		}
		p.pos += width
		b.WriteRune(rune(v))
		return nil
	}
	if c == '\n' {
		// An escaped line break: joined without a space, the next line's
		// indentation dropped.
		p.nextLine(p.pos)
		n := p.lineIndent()
		if n <= ind {
			return errNotFast
		}
		p.pos += n
		return nil
	}
	return errNotFast
}

// literal parses a literal block scalar ("|" or "|-") whose header is at
// pos, for a node owned by a collection at indentation ind, and moves to
// the line after it.
func (p *fastParser) literal(ind int) (string, error) {
	header := p.restOfLine()
	strip := false
	switch string(header) {
	case "|":
	case "|-":
		strip = true
	default:
		return "", errNotFast
	}
	p.nextLine(p.pos + len(header) + 1)
	content := p.lineIndent()
	if content <= ind {
		return "", errNotFast
	}
	var b strings.Builder
	for {
		n := p.lineIndent()
		if n == -1 || (n >= 0 && n < content) {
			break
		}
		if n == -2 {
			if p.data[p.pos] != '\n' {
				return "", errNotFast
			}
			b.WriteByte('\n')
			p.nextLine(p.pos + 1)
			continue
		}
		rest := p.data[p.pos+content:]
		end := bytes.IndexByte(rest, '\n')
		b.Write(rest[:end+1])
		p.nextLine(p.pos + content + end + 1)
	}
	s := b.String()
	if n := p.lineIndent(); n > ind || n == -2 {
		return "", errNotFast
	}
	body := strings.TrimRight(s, "\n")
	if strip {
		return body, nil
	}
	if body == "" {
		return "", nil
	}
	return body + "\n", nil
}

// sequence parses a block sequence whose dashes sit at column ind+1; pos is
// at the first dash.
func (p *fastParser) sequence(ind int) (*yaml.Node, error) {
	defer p.leave()
	if !p.enter() {
		return nil, errNotFast
	}
	s := p.node(yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: p.line, Column: p.col()})
	a := p.arena
	base := len(a.stack)
	err := p.items(ind, func(item *yaml.Node) error {
		a.push(item)
		return nil
	})
	s.Content = a.content(base)
	return s, err
}

// items parses the items of a block sequence whose dashes sit at column
// ind+1 (pos at the first dash), handing each to fn as soon as it is read.
func (p *fastParser) items(ind int, fn func(*yaml.Node) error) error {
	first := true
	for {
		if !first {
			n := p.lineIndent()
			if n == -1 || (n >= 0 && n < ind) || (n == ind && !p.atSeqItem()) {
				return nil
			}
			if n != ind {
				return errNotFast
			}
			p.pos += n
		}
		first = false
		p.pos++ // the dash
		var item *yaml.Node
		var err error
		if p.data[p.pos] == '\n' {
			item, err = p.value(ind, false)
		} else {
			p.pos++ // the space
			rest := p.restOfLine()
			if looksLikeKey(rest) {
				item, err = p.mapping(ind + 2)
			} else {
				p.pos--
				item, err = p.value(ind, false)
			}
		}
		if err != nil {
			return err
		}
		if err := fn(item); err != nil {
			return err
		}
	}
}

// looksLikeKey reports whether a line starts with a plain key and a colon.
func looksLikeKey(rest []byte) bool {
	if len(rest) == 0 {
		return false
	}
	switch rest[0] {
	case '\'', '"', '|', '!', '{', '[', '&', '*', '>', '-', '?', '#':
		return false
	}
	i := bytes.IndexByte(rest, ':')
	return i > 0 && (i+1 == len(rest) || rest[i+1] == ' ')
}
