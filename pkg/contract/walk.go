package contract

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting, as encoding/json does, so a hostile body cannot
// exhaust the stack.
const maxDepth = 10000

var (
	errSyntax   = errors.New("body is not valid JSON")
	errTrailing = errors.New("body has data after its JSON value")
	errTooDeep  = errors.New("body is nested too deeply")
)

// seg is one step of the JSON pointer to the value being walked.
type seg struct {
	name string
	idx  int // >= 0 for an array index, -1 for a property name
}

// trie is the set of JSON pointers whose values the invariants read, so the
// walker can hand them over without decoding the body a second time.
type trie struct {
	children map[string]*trie
	anyIndex *trie
	key      string // the pattern, on nodes where one ends
}

func newTrie(patterns []string) *trie {
	root := &trie{}
	for _, p := range patterns {
		t := root
		for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
			if part == "*" {
				if t.anyIndex == nil {
					t.anyIndex = &trie{}
				}
				t = t.anyIndex
				continue
			}
			if t.children == nil {
				t.children = map[string]*trie{}
			}
			next := t.children[part]
			if next == nil {
				next = &trie{}
				t.children[part] = next
			}
			t = next
		}
		t.key = p
	}
	return root
}

// capture is a scalar value the walker found at a pointer an invariant reads.
type capture struct {
	key   string
	idx   int // the array index matched by "*", or -1
	str   string
	off   int // where str starts in the walker's capBuf, until run fills str
	num   float64
	isNum bool
	isStr bool
}

// walker checks one JSON body against a compiled schema in a single pass
// over its bytes, without building a tree of values. It reports what
// kin-openapi's schema validation would (when validate is set), undocumented
// fields (when strict is set), and captures the values invariants need.
type walker struct {
	data     []byte
	pos      int
	depth    int
	validate bool
	strict   bool
	side     Side
	op       string
	segs     []seg
	out      []Violation
	caps     []capture
	lastIdx  int
	scratch  []byte // the values of the escaped strings read since reset
	capBuf   []byte // the captured strings' values, one after another
}

func (w *walker) reset(data []byte, side Side, op string, validate, strict bool) {
	w.data, w.pos, w.depth = data, 0, 0
	w.side, w.op = side, op
	w.validate, w.strict = validate, strict
	w.segs = w.segs[:0]
	w.out = w.out[:0]
	w.capBuf = w.capBuf[:0]
	w.lastIdx = -1
	w.scratch = w.scratch[:0]
	if cap(w.scratch) > maxKeptScratch {
		w.scratch = nil // a pooled walker does not keep a huge string alive
	}
}

// maxKeptScratch bounds the scratch buffer a pooled walker keeps.
const maxKeptScratch = 64 << 10

// run walks the whole body. On a syntax error it returns the error and the
// caller discards what was reported, as kin-openapi reports only the
// decoding failure.
func (w *walker) run(n *node, t *trie) error {
	if err := w.value(n, t); err != nil {
		return err
	}
	w.skipWS()
	if w.pos != len(w.data) {
		return errTrailing
	}
	w.fillCaptures()
	return nil
}

// fillCaptures gives every captured string its value: all of them were
// appended to capBuf, which becomes one string here (one allocation per
// body rather than one per value).
func (w *walker) fillCaptures() {
	if len(w.capBuf) == 0 {
		return
	}
	all := string(w.capBuf)
	end := len(all)
	for i := len(w.caps) - 1; i >= 0; i-- {
		if c := &w.caps[i]; c.isStr {
			c.str = all[c.off:end]
			end = c.off
		}
	}
}

func (w *walker) skipWS() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\r', '\n':
			w.pos++
		default:
			return
		}
	}
}

// pointer renders the current path, plus name when not empty, as a JSON
// pointer ("" for the root).
func (w *walker) pointer(name string, hasName bool) string {
	var b strings.Builder
	for _, s := range w.segs {
		b.WriteByte('/')
		if s.idx >= 0 {
			b.WriteString(strconv.Itoa(s.idx))
		} else {
			b.WriteString(escapePointer(s.name))
		}
	}
	if hasName {
		b.WriteByte('/')
		b.WriteString(escapePointer(name))
	}
	return b.String()
}

func (w *walker) report(kind Kind, loc, msg string) {
	w.out = append(w.out, Violation{Operation: w.op, Side: w.side, Kind: kind, Location: bodyLocation(loc), Message: msg})
}

func (w *walker) schemaError(n *node, field string) {
	w.report(KindSchema, w.pointer("", false), schemaMessage(field, n.schema))
}

// value walks one JSON value at w.pos against n (nil: no schema).
func (w *walker) value(n *node, t *trie) error {
	w.skipWS()
	if w.pos >= len(w.data) {
		return errSyntax
	}
	c := w.data[w.pos]
	if n == nil || (!w.validate && n.opaque) {
		return w.skipValue(t)
	}
	if w.validate {
		if c == 'n' {
			if err := w.literal("null"); err != nil {
				return err
			}
			switch {
			case n.nullable:
			case n.hasEnum:
				w.schemaError(n, "enum")
			default:
				w.schemaError(n, "nullable")
			}
			return nil
		}
		if n.empty {
			return w.skipValue(t)
		}
		if n.hasEnum && c != '"' {
			w.schemaError(n, "enum")
			return w.skipValue(nil)
		}
		if !w.typeOK(n, c) {
			w.schemaError(n, "type")
			return w.skipValue(t)
		}
	}
	switch c {
	case '{':
		if n.types != 0 && n.types&tObject == 0 {
			return w.skipValue(t)
		}
		return w.object(n, t)
	case '[':
		if n.types != 0 && n.types&tArray == 0 {
			return w.skipValue(t)
		}
		return w.array(n, t)
	case '"':
		raw, esc, err := w.readString()
		if err != nil {
			return err
		}
		check, keep := w.validate && n.checksString, t != nil && t.key != ""
		if !check && !keep {
			// readString has checked the syntax; the value is not needed.
			return nil
		}
		s, err := w.unescape(raw, esc)
		if err != nil {
			return err
		}
		if check {
			w.checkString(n, s)
		}
		if keep {
			w.caps = append(w.caps, capture{key: t.key, idx: w.lastIdx, off: len(w.capBuf), isStr: true})
			w.capBuf = append(w.capBuf, s...)
		}
		return nil
	case 't':
		return w.literal("true")
	case 'f':
		return w.literal("false")
	case 'n':
		return w.literal("null")
	default:
		raw, err := w.readNumber()
		if err != nil {
			return err
		}
		f, perr := strconv.ParseFloat(string(raw), 64)
		if w.validate {
			w.checkNumber(n, f, perr)
		}
		if t != nil && t.key != "" && perr == nil {
			w.caps = append(w.caps, capture{key: t.key, idx: w.lastIdx, num: f, isNum: true})
		}
		return nil
	}
}

// typeOK mirrors kin-openapi's Types.Permits for a JSON value starting with c.
func (w *walker) typeOK(n *node, c byte) bool {
	if n.types == 0 {
		return true
	}
	switch c {
	case '{':
		return n.types&tObject != 0
	case '[':
		return n.types&tArray != 0
	case '"':
		return n.types&tString != 0
	case 't', 'f':
		return n.types&tBoolean != 0
	default:
		return n.types&(tNumber|tInteger) != 0
	}
}

func (w *walker) checkString(n *node, s []byte) {
	if n.hasEnum {
		if _, ok := n.enum[string(s)]; !ok {
			w.schemaError(n, "enum")
			return
		}
	}
	if n.minLength != 0 || n.maxLength != nil {
		var length uint64
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRune(s[i:])
			i += size
			if utf16.IsSurrogate(r) {
				length += 2
			} else {
				length++
			}
		}
		if n.minLength != 0 && length < n.minLength {
			w.schemaError(n, "minLength")
		}
		if n.maxLength != nil && length > *n.maxLength {
			w.schemaError(n, "maxLength")
		}
	}
	if n.strFormat != nil {
		if err := n.strFormat.Validate(string(s)); err != nil {
			w.schemaError(n, "format")
		}
	}
}

func (w *walker) checkNumber(n *node, f float64, perr error) {
	if perr != nil {
		// kin-openapi reports a number it cannot convert against "type".
		w.schemaError(n, "type")
		return
	}
	if n.types&tInteger != 0 && n.types&tNumber == 0 {
		if f != math.Trunc(f) {
			w.schemaError(n, "type")
			return
		}
		if n.intFormat != nil {
			if f < math.MinInt64 || f >= math.MaxInt64 || n.intFormat.Validate(int64(f)) != nil {
				w.schemaError(n, "format")
			}
		}
		return
	}
	if n.numFormat != nil && n.numFormat.Validate(f) != nil {
		w.schemaError(n, "format")
	}
}

func (w *walker) object(n *node, t *trie) error {
	w.depth++
	if w.depth > maxDepth {
		return errTooDeep
	}
	defer func() { w.depth-- }()
	w.pos++ // '{'
	var seen uint64
	var seenMore map[string]bool
	first := true
	for {
		w.skipWS()
		if w.pos >= len(w.data) {
			return errSyntax
		}
		if w.data[w.pos] == '}' {
			if !first {
				return errSyntax
			}
			w.pos++
			break
		}
		raw, esc, err := w.readString()
		if err != nil {
			return err
		}
		key, err := w.unescape(raw, esc)
		if err != nil {
			return err
		}
		w.skipWS()
		if w.pos >= len(w.data) || w.data[w.pos] != ':' {
			return errSyntax
		}
		w.pos++
		var childTrie *trie
		if t != nil && t.children != nil {
			childTrie = t.children[string(key)]
		}
		f := n.fields[string(key)]
		if f != nil && f.req >= 0 {
			if i := f.req; i < 64 {
				seen |= 1 << i
			} else {
				if seenMore == nil {
					seenMore = map[string]bool{}
				}
				seenMore[string(key)] = true
			}
		}
		if f != nil && f.declared {
			w.segs = append(w.segs, seg{name: f.name, idx: -1})
			err = w.value(f.node, childTrie)
			w.segs = w.segs[:len(w.segs)-1]
		} else {
			name := string(key)
			switch {
			case n.forbidExtra:
				if w.validate {
					w.report(KindSchema, w.pointer(name, true), schemaMessage("properties", n.schema))
				}
				err = w.skipValue(nil)
			case n.addl != nil:
				w.segs = append(w.segs, seg{name: name, idx: -1})
				err = w.value(n.addl, childTrie)
				w.segs = w.segs[:len(w.segs)-1]
			default:
				if w.strict && !n.freeForm && !n.opaque {
					w.report(KindUndocumentedField, w.pointer(name, true), "property is not declared in the spec")
				}
				err = w.skipValue(nil)
			}
		}
		if err != nil {
			return err
		}
		first = false
		w.skipWS()
		if w.pos >= len(w.data) {
			return errSyntax
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
			continue
		case '}':
			w.pos++
		default:
			return errSyntax
		}
		break
	}
	if w.validate {
		for i, k := range n.required {
			if i < 64 && seen&(1<<i) != 0 || i >= 64 && seenMore[k] {
				continue
			}
			w.report(KindMissingRequired, w.pointer(k, true), "required property is missing")
		}
	}
	return nil
}

func (w *walker) array(n *node, t *trie) error {
	w.depth++
	if w.depth > maxDepth {
		return errTooDeep
	}
	defer func() { w.depth-- }()
	w.pos++ // '['
	var items *node
	if n != nil {
		items = n.items
	}
	var itemTrie *trie
	if t != nil {
		itemTrie = t.anyIndex
	}
	w.skipWS()
	if w.pos < len(w.data) && w.data[w.pos] == ']' {
		w.pos++
		return nil
	}
	saved := w.lastIdx
	defer func() { w.lastIdx = saved }()
	for i := 0; ; i++ {
		w.segs = append(w.segs, seg{idx: i})
		w.lastIdx = i
		err := w.value(items, itemTrie)
		w.segs = w.segs[:len(w.segs)-1]
		if err != nil {
			return err
		}
		w.skipWS()
		if w.pos >= len(w.data) {
			return errSyntax
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
		case ']':
			w.pos++
			return nil
		default:
			return errSyntax
		}
	}
}

// skipValue checks the syntax of one value and passes over it, still
// capturing what t asks for.
func (w *walker) skipValue(t *trie) error {
	saveValidate, saveStrict := w.validate, w.strict
	w.validate, w.strict = false, false
	defer func() { w.validate, w.strict = saveValidate, saveStrict }()
	return w.value(anyNode, t)
}

// anyNode is a schema that accepts anything and declares nothing: walking
// with it checks syntax only.
var anyNode = &node{full: true, freeForm: true}

func (w *walker) literal(lit string) error {
	if len(w.data)-w.pos < len(lit) || string(w.data[w.pos:w.pos+len(lit)]) != lit {
		return errSyntax
	}
	w.pos += len(lit)
	return nil
}

// readString reads a JSON string at w.pos and returns its raw contents
// (between the quotes) and whether it holds escapes.
func (w *walker) readString() ([]byte, bool, error) {
	if w.pos >= len(w.data) || w.data[w.pos] != '"' {
		return nil, false, errSyntax
	}
	start := w.pos + 1
	esc := false
	for i := start; i < len(w.data); i++ {
		// Pass eight bytes at a time over what needs no attention, then
		// straight to the first byte that does.
		for i+8 <= len(w.data) {
			if m := quoteEscCtlMask(binary.LittleEndian.Uint64(w.data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(w.data) {
			break
		}
		switch b := w.data[i]; {
		case b == '"':
			w.pos = i + 1
			return w.data[start:i], esc, nil
		case b == '\\':
			esc = true
			i++
			if i >= len(w.data) {
				return nil, false, errSyntax
			}
			switch w.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(w.data) {
					return nil, false, errSyntax
				}
				for _, h := range w.data[i+1 : i+5] {
					if !isHex(h) {
						return nil, false, errSyntax
					}
				}
				i += 4
			default:
				return nil, false, errSyntax
			}
		case b < 0x20:
			return nil, false, errSyntax
		}
	}
	return nil, false, errSyntax
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// unescape returns the string's value: raw itself when it holds no escapes,
// else its decoding, appended to the walker's scratch buffer. Values stay
// valid, and are never overwritten, until the walker is reset: the walk may
// keep a key while it reads others.
func (w *walker) unescape(raw []byte, esc bool) ([]byte, error) {
	if !esc {
		return raw, nil
	}
	start := len(w.scratch)
	s, ok := appendUnescaped(w.scratch, raw)
	if !ok {
		return nil, errSyntax
	}
	w.scratch = s
	return s[start:len(s):len(s)], nil
}

func (w *walker) readNumber() ([]byte, error) {
	d, i := w.data, w.pos
	start := i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		return nil, errSyntax
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, errSyntax
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return nil, errSyntax
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	w.pos = i
	return d[start:i], nil
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// bodyLocation names a body pointer, the root being "body".
func bodyLocation(ptr string) string {
	if ptr == "" {
		return "body"
	}
	return ptr
}

// SWAR (SIMD within a register) tests on eight bytes of a string at once.
const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// quoteEscCtlMask flags (with its high bit) every byte of x that is '"',
// '\\' or a control character (below 0x20). The lowest flagged byte is
// always the first such byte (x read little-endian); bytes above it may be
// flagged wrongly, so only the lowest counts. Zero means none.
func quoteEscCtlMask(x uint64) uint64 {
	q := x ^ (swarOnes * '"')
	e := x ^ (swarOnes * '\\')
	return ((q-swarOnes)&^q | (e-swarOnes)&^e | (x-swarOnes*0x20)&^x) & swarHigh
}

// appendUnescaped appends to dst the value of the JSON string whose contents
// (between the quotes) are raw, exactly as encoding/json decodes it into a Go
// string: escapes resolved, a surrogate pair joined, a lone surrogate and
// every byte of invalid UTF-8 replaced by U+FFFD. ok is false when raw is
// not the contents of one valid JSON string: a bad escape, an unescaped
// quote or control character. FuzzUnescape checks it against encoding/json.
func appendUnescaped(dst, raw []byte) ([]byte, bool) {
	for r := 0; r < len(raw); {
		// Copy a run of plain ASCII (no quote, backslash or control
		// character) as it is, eight bytes at a time where it can.
		start := r
		for r+8 <= len(raw) {
			x := binary.LittleEndian.Uint64(raw[r:])
			if m := x&swarHigh | quoteEscCtlMask(x); m != 0 {
				r += bits.TrailingZeros64(m) >> 3
				break
			}
			r += 8
		}
		for r < len(raw) {
			if c := raw[r]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
				break
			}
			r++
		}
		dst = append(dst, raw[start:r]...)
		if r == len(raw) {
			break
		}
		switch c := raw[r]; {
		case c == '\\':
			if r+1 >= len(raw) {
				return dst, false
			}
			switch e := raw[r+1]; e {
			case '"', '\\', '/':
				dst = append(dst, e)
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := hex4(raw[r+2:])
				if rr < 0 {
					return dst, false
				}
				if utf16.IsSurrogate(rr) {
					// A pair joins; anything else leaves U+FFFD, and what
					// follows is read on its own.
					var rr1 rune = -1
					if r+12 <= len(raw) && raw[r+6] == '\\' && raw[r+7] == 'u' {
						rr1 = hex4(raw[r+8:])
					}
					if dec := utf16.DecodeRune(rr, rr1); dec != utf8.RuneError {
						dst = utf8.AppendRune(dst, dec)
						r += 12
						continue
					}
					rr = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, rr)
				r += 6
				continue
			default:
				return dst, false
			}
			r += 2
		case c == '"' || c < 0x20:
			return dst, false
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			if rr == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, raw[r:r+size]...)
			}
			r += size
		}
	}
	return dst, true
}

// hex4 decodes four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
