package contract

import (
	"errors"
	"hash/maphash"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stytchsso/stytchsso/internal/jsonptr"
	"github.com/stytchsso/stytchsso/internal/jsonstr"
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
	path     string // the pattern's prefix that leads here ("/connection")
}

func newTrie(patterns []string) *trie {
	root := &trie{}
	for _, p := range patterns {
		t := root
		for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
			if part == "*" {
				if t.anyIndex == nil {
					t.anyIndex = &trie{path: t.path + "/*"}
				}
				t = t.anyIndex
				continue
			}
			if t.children == nil {
				t.children = map[string]*trie{}
			}
			next := t.children[part]
			if next == nil {
				next = &trie{path: t.path + "/" + part}
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
	// keys holds the keys of the objects being walked, innermost last,
	// for the duplicate-key check; seed hashes them in large objects.
	keys   [][]byte
	seed   maphash.Seed
	seeded bool
	// foldBuf holds the folded form of the key being looked up
	// case-insensitively (see appendFoldedName).
	foldBuf []byte
	// poisoned are the capture trie nodes under a key flagged as
	// duplicated: the invariants must not read a value that another
	// decoder would not, so run drops their captures.
	poisoned []*trie
}

func (w *walker) reset(data []byte, side Side, op string, validate, strict bool) {
	w.data, w.pos, w.depth = data, 0, 0
	w.side, w.op = side, op
	w.validate, w.strict = validate, strict
	w.segs = w.segs[:0]
	w.out = w.out[:0]
	w.keys = w.keys[:0]
	w.poisoned = w.poisoned[:0]
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
	if len(w.poisoned) > 0 {
		w.dropPoisoned()
	}
	return nil
}

// dropPoisoned removes the captures under a poisoned trie node: a value
// read from a key given more than once (exactly or ignoring case) is not
// the one every decoder keeps, and the duplicate-key violation already
// says so; an invariant reading it would add a misleading second line.
// The node is a pattern, so under an array ("*") the captures of every
// element are dropped, not only the one holding the duplicate.
func (w *walker) dropPoisoned() {
	j := 0
	for _, c := range w.caps {
		keep := true
		for _, p := range w.poisoned {
			if c.key == p.path || strings.HasPrefix(c.key, p.path+"/") {
				keep = false
				break
			}
		}
		if keep {
			w.caps[j] = c
			j++
		}
	}
	w.caps = w.caps[:j]
}

// poison marks t (when not nil) as under a duplicated key. Each node is
// listed once, so the list stays as small as the trie however many
// duplicates a hostile body holds.
func (w *walker) poison(t *trie) {
	if t == nil {
		return
	}
	for _, p := range w.poisoned {
		if p == t {
			return
		}
	}
	w.poisoned = append(w.poisoned, t)
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
			b.WriteString(jsonptr.Escape(s.name))
		}
	}
	if hasName {
		b.WriteByte('/')
		b.WriteString(jsonptr.Escape(name))
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
			w.report(KindSchema, w.pointer("", false), typeMessage(jsonKind(c), n.schema))
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
		w.report(KindSchema, w.pointer("", false), typeMessage("a number", n.schema))
		return
	}
	if n.types&tInteger != 0 && n.types&tNumber == 0 {
		if f != math.Trunc(f) {
			w.report(KindSchema, w.pointer("", false), typeMessage("a number", n.schema))
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
	if err := w.descend(); err != nil {
		return err
	}
	defer w.ascend()
	w.pos++ // '{'
	var seen uint64
	var seenMore map[string]bool
	// This object's keys are w.keys[mark:], until it ends (an error ends
	// the walk; reset clears them). No defer: a second one would stop the
	// compiler from open-coding the defers of this many-return function.
	mark := len(w.keys)
	var keyBits uint64             // a one-word filter of the keys seen
	var keySet map[uint64]struct{} // past dupScan keys
	// folds tracks the declared properties that a key matched only
	// ignoring case; nil (no cost) until one does.
	var folds []foldGroup
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
		dup := false
		if bit := keyBit(key); keyBits&bit == 0 && keySet == nil {
			// A new key, known without comparing (the common case).
			keyBits |= bit
			w.keys = append(w.keys, key)
			if len(w.keys)-mark > dupScan {
				w.growSet(mark, &keySet)
			}
		} else if w.duplicate(key, bit, mark, &keyBits, &keySet) {
			// Reported in every mode: decoders disagree on which value counts.
			dup = true
			w.out = append(w.out, Violation{Operation: w.op, Side: w.side, Kind: KindDuplicateKey, Location: w.pointer(string(key), true), Message: "the object holds this key more than once"})
			w.poison(childTrie)
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
			if folds != nil {
				folds = w.foldHit(folds, f, key, true, dup, t, mark)
			}
			w.segs = append(w.segs, seg{name: f.name, idx: -1})
			err = w.value(f.node, childTrie)
			w.segs = w.segs[:len(w.segs)-1]
		} else {
			// Not a declared name: Go's encoding/json still decodes the
			// value into a declared property's field when the key matches
			// its name ignoring case. For schemas the key stays undeclared
			// (as for kin-openapi); the walker reports it (foldHit, and
			// lone keys below), in every mode.
			var ff *field
			if n.folded != nil {
				w.foldBuf = appendFoldedName(w.foldBuf[:0], key)
				ff = n.folded[string(w.foldBuf)]
				if ff != nil {
					folds = w.foldHit(folds, ff, key, false, dup, t, mark)
				}
			}
			name := string(key)
			switch {
			case n.forbidExtra:
				if w.validate {
					w.report(KindSchema, w.pointer(name, true), schemaMessage("properties", n.schema))
				}
				w.segs = append(w.segs, seg{name: name, idx: -1})
				err = w.skipValue(childTrie)
				w.segs = w.segs[:len(w.segs)-1]
			case n.addl != nil:
				w.segs = append(w.segs, seg{name: name, idx: -1})
				err = w.value(n.addl, childTrie)
				w.segs = w.segs[:len(w.segs)-1]
			default:
				if w.strict && !n.freeForm && !n.opaque && ff == nil {
					w.report(KindUndocumentedField, w.pointer(name, true), "property is not declared in the spec")
				}
				w.segs = append(w.segs, seg{name: name, idx: -1})
				err = w.skipValue(childTrie)
				w.segs = w.segs[:len(w.segs)-1]
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
	for _, g := range folds {
		if g.n == 1 {
			// The only key for this property, under another case: the
			// generated client reads it although no schema check did.
			w.report(KindUndocumentedField, w.pointer(string(g.first), true), "property is not declared in the spec; it differs from the declared "+Escape(g.f.name)+" only in case, and Go's encoding/json, matching names case-insensitively, decodes it as "+Escape(g.f.name))
		}
	}
	if w.validate {
		for i, k := range n.required {
			if i < 64 && seen&(1<<i) != 0 || i >= 64 && seenMore[k] {
				continue
			}
			w.report(KindMissingRequired, w.pointer(k, true), "required property is missing")
		}
	}
	w.keys = w.keys[:mark]
	return nil
}

// foldGroup is what an object holds of one declared property once a key
// matched its name only ignoring case: how many of its keys match it
// (exactly or ignoring case), and the first of them.
type foldGroup struct {
	f          *field
	first      []byte // valid while the object is walked, like w.keys
	firstExact bool
	n          int
}

// foldHit records that key (of the object whose keys start at
// w.keys[mark]) matches the declared property f: exactly (exact), or only
// ignoring case. dup says the exact-duplicate check has already reported
// key. From the second key of a group on, each key is a duplicate-key
// violation, and so is the group's first key unless it is f's exact name
// (mirroring the exact check, which flags the repeats only). t is the
// object's capture trie: the exact member's values are dropped from what
// the invariants read. An exact key never starts a group: that is the
// normal path, with no cost.
func (w *walker) foldHit(folds []foldGroup, f *field, key []byte, exact, dup bool, t *trie, mark int) []foldGroup {
	i := 0
	for i < len(folds) && folds[i].f != f {
		i++
	}
	if i == len(folds) {
		if exact {
			return folds
		}
		folds = append(folds, foldGroup{f: f, first: key, n: 1})
		if !w.hasKey(f.name, mark) {
			return folds
		}
		// The exact name came first; key is the second of the group.
		folds[i].first, folds[i].firstExact, folds[i].n = nil, true, 2
		w.reportFold(key, f)
		w.poisonField(f, t)
		return folds
	}
	g := &folds[i]
	g.n++
	if !dup {
		w.reportFold(key, f)
	}
	if g.n == 2 && !g.firstExact && string(g.first) != string(key) {
		w.reportFold(g.first, f)
	}
	w.poisonField(f, t)
	return folds
}

// reportFold reports key as one of several keys matching the declared
// property f ignoring case.
func (w *walker) reportFold(key []byte, f *field) {
	w.out = append(w.out, Violation{Operation: w.op, Side: w.side, Kind: KindDuplicateKey, Location: w.pointer(string(key), true),
		Message: "the object holds this key and another that match the declared " + Escape(f.name) + " ignoring case; decoders disagree on which value counts (Go's encoding/json matches names case-insensitively and keeps the last)"})
}

// poisonField poisons the capture trie node of f's exact name under t.
func (w *walker) poisonField(f *field, t *trie) {
	if t != nil && t.children != nil {
		w.poison(t.children[f.name])
	}
}

// hasKey reports whether name is among w.keys[mark:]. It runs once per
// object and declared property met under another case, so a linear scan
// keeps the cost bounded.
func (w *walker) hasKey(name string, mark int) bool {
	for _, k := range w.keys[mark:] {
		if string(k) == name {
			return true
		}
	}
	return false
}

// appendFoldedName appends to out the folded form of in, as
// encoding/json's foldName computes it to match a JSON key with a struct
// field's name: two names match ignoring case exactly when their folded
// forms are equal (bytes.EqualFold). ASCII letters fold to upper case;
// any other rune to the smallest rune of its simple fold set, so that the
// Kelvin sign folds with "k" and the long s with "s". in is valid UTF-8
// (keys are unescaped by jsonstr.AppendUnescaped).
func appendFoldedName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += size
	}
	return out
}

// foldRune returns the smallest rune of r's simple fold set.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// dupScan is how many keys of one object the duplicate-key check compares
// one by one; past it, the check looks the key's hash up in a set first.
const dupScan = 32

// duplicate reports whether key was already seen in the object whose keys
// start at w.keys[mark], and records it. key must stay valid while the
// object is walked (a slice of the body, or of scratch, which only grows
// during a walk). bits is
// a one-word filter of the object's keys (by length and end bytes): a key
// whose bit is not set yet is new, without comparing. set is the object's
// set of key hashes, made once the object has more than dupScan keys; a
// hash hit is confirmed by comparing the keys themselves.
func (w *walker) duplicate(key []byte, bit uint64, mark int, bits *uint64, set *map[uint64]struct{}) bool {
	if *bits&bit == 0 {
		*bits |= bit
		if *set != nil {
			(*set)[maphash.Bytes(w.seed, key)] = struct{}{}
		}
		w.keys = append(w.keys, key)
		w.growSet(mark, set)
		return false
	}
	if *set != nil {
		h := maphash.Bytes(w.seed, key)
		if _, hit := (*set)[h]; hit && w.seenKey(key, mark) {
			return true
		}
		(*set)[h] = struct{}{}
		w.keys = append(w.keys, key)
		return false
	}
	if w.seenKey(key, mark) {
		return true
	}
	w.keys = append(w.keys, key)
	w.growSet(mark, set)
	return false
}

// keyBit is key's bit in an object's one-word key filter.
func keyBit(key []byte) uint64 {
	if n := len(key); n > 0 {
		return 1 << ((uint(n)*7 + uint(key[0])*3 + uint(key[n-1])) & 63)
	}
	return 1
}

// growSet makes the object's set of key hashes once it has more than
// dupScan keys.
func (w *walker) growSet(mark int, set *map[uint64]struct{}) {
	if *set == nil && len(w.keys)-mark > dupScan {
		if !w.seeded {
			w.seed, w.seeded = maphash.MakeSeed(), true
		}
		*set = make(map[uint64]struct{}, 4*dupScan)
		for _, k := range w.keys[mark:] {
			(*set)[maphash.Bytes(w.seed, k)] = struct{}{}
		}
	}
}

// descend enters one more level of nesting, or returns errTooDeep past
// maxDepth; a successful descend is paired with ascend.
func (w *walker) descend() error {
	w.depth++
	if w.depth > maxDepth {
		return errTooDeep
	}
	return nil
}

// ascend leaves the level of nesting descend entered.
func (w *walker) ascend() { w.depth-- }

// seenKey reports whether key is among w.keys[mark:].
func (w *walker) seenKey(key []byte, mark int) bool {
	for _, k := range w.keys[mark:] {
		if string(k) == string(key) {
			return true
		}
	}
	return false
}

func (w *walker) array(n *node, t *trie) error {
	if err := w.descend(); err != nil {
		return err
	}
	defer w.ascend()
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
	end, esc, st := jsonstr.Scan(w.data, w.pos)
	if st != jsonstr.OK {
		return nil, false, errSyntax
	}
	raw := w.data[w.pos+1 : end-1]
	w.pos = end
	return raw, esc, nil
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
	s, ok := jsonstr.AppendUnescaped(w.scratch, raw)
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

// bodyLocation names a body pointer, the root being "body".
func bodyLocation(ptr string) string {
	if ptr == "" {
		return "body"
	}
	return ptr
}
