package scrub

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"html"
	"slices"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Matching on folded text.
//
// The exact encodings (see [Encodings]) are a list, and a hostile server has
// more ways to write a secret than any list: hex, UTF-16, characters
// separated by spaces or zero-width characters, percent escapes of every
// byte, HTML entities, quoted-printable, base32, fullwidth letters, and
// whatever comes next. So a Scrubber also matches on a folded form of the
// text, where all of these look alike:
//
//   - fold keeps only ASCII letters (lower-cased) and digits, after the
//     Unicode compatibility decomposition (NFKD) of every other character:
//     separators of any kind disappear (spaces, zero-width characters, the
//     NUL bytes of UTF-16, punctuation, line breaks), and fullwidth,
//     mathematical or circled letters become the ASCII letters they stand
//     for;
//   - the text is folded as it is, then once and twice more after undoing
//     one layer of escapes (percent, quoted-printable, HTML character
//     references, \u and \x escapes, and \r, \n and Go's other one-letter
//     escapes), so that an escape of every byte is read as the byte;
//   - the secrets are folded the same way, and with them their hex form,
//     and the stable cores of their base64 and base32 forms at every byte
//     offset (so a secret inside a larger hex, base64 or base32 text is
//     found too).
//
// Any FragmentLen characters in a row of a folded secret form found in a
// folded view of the text are removed from the text: every byte of the text
// they came from, escapes included. Folded secret forms shorter than
// FragmentLen are not matched this way: folding joins words, and short runs
// would match ordinary text.

// units is a text after undoing escapes: byte j of c stands for the bytes
// [lo(j), lo(j+1)) of the original text of n bytes (a byte decoded from an
// escape for the whole escape). For the original text itself lo is nil and
// lo(j) is j.
type units struct {
	c  []byte
	lo []int32
	n  int
}

// at returns the offset in the original text where byte j starts, or n.
func (u *units) at(j int) int {
	switch {
	case j >= len(u.c):
		return u.n
	case u.lo == nil:
		return j
	}
	return int(u.lo[j])
}

// runeEnd returns the index in u just past the character starting at j.
func (u *units) runeEnd(j int) int {
	if u.c[j] < utf8.RuneSelf {
		return j + 1
	}
	_, size := utf8.DecodeRune(u.c[j:])
	return j + size
}

// maxUnescapes is how many layers of escapes the folded views undo.
const maxUnescapes = 2

// views calls visit with each view of text in turn, until visit returns
// false: as it is, then after undoing each layer of escapes, as long as
// there is one to undo, then with the runs of hex or base64 in the last of
// these decoded, if there are any (a secret encoded twice, such as the hex
// or base32 of a Basic Authorization header), the same once line breaks
// inside base64 are dropped and with runs ending at '/', and with lists of
// numbers read as bytes.
func views[T ~string | ~[]byte](text T, visit func(*units) bool) {
	u := &units{c: []byte(text), n: len(text)}
	for i := 0; i < maxUnescapes && hasEscape(u.c); i++ {
		if !visit(u) {
			return
		}
		u = unescape(u)
	}
	if !visit(u) {
		return
	}
	// Base64 wrapped into lines (MIME, PEM, any width) is decoded once its
	// line breaks are dropped; base64 after a '/' (in a URL path) once runs
	// end at '/'; bytes written as numbers are read as bytes.
	bases := [2]*units{u, joinLines(u)}
	for _, b := range bases {
		for _, slash := range [...]bool{false, true} {
			if b == nil || slash && bytes.IndexByte(b.c, '/') < 0 {
				continue
			}
			if d := decodeRuns(b, slash); d != nil && !visit(d) {
				return
			}
		}
	}
	if d := decodeNumbers(u); d != nil {
		visit(d)
	}
}

// joinLines returns u without the runs of line breaks (CR, LF) that have a
// base64 character on each side, or nil when there is none.
func joinLines(u *units) *units {
	c := u.c
	if !bytes.ContainsAny(c, "\r\n") {
		return nil
	}
	var out *units
	last := 0 // end of what was copied to out
	for j := 0; j < len(c); j++ {
		if c[j] != '\r' && c[j] != '\n' {
			continue
		}
		k := j + 1
		for k < len(c) && (c[k] == '\r' || c[k] == '\n') {
			k++
		}
		if j > 0 && k < len(c) && isBase64Char(c[j-1]) && isBase64Char(c[k]) {
			if out == nil {
				out = &units{c: make([]byte, 0, len(c)), lo: make([]int32, 0, len(c)), n: u.n}
			}
			for x := last; x < j; x++ {
				out.c, out.lo = append(out.c, c[x]), append(out.lo, int32(u.at(x)))
			}
			last = k
		}
		j = k - 1
	}
	if out == nil {
		return nil
	}
	for x := last; x < len(c); x++ {
		out.c, out.lo = append(out.c, c[x]), append(out.lo, int32(u.at(x)))
	}
	return out
}

// minNumbers is the length of the shortest list of numbers decodeNumbers
// reads as bytes.
const minNumbers = 12

// decodeNumbers returns u with every list of at least minNumbers decimal
// numbers from 0 to 255, separated by commas and spaces (Node's JSON of a
// Buffer, "[115, 101, ...]"), replaced by the bytes they stand for; nil
// when there is none.
func decodeNumbers(u *units) *units {
	c := u.c
	var out *units
	last := 0 // end of what was copied to out
	for i := 0; i < len(c); {
		if !isDigit(c[i]) || i > 0 && isAlnum(c[i-1]) {
			i++
			continue
		}
		end, count := numberList(c, i, nil)
		if count < minNumbers {
			i = max(end, i+1)
			continue
		}
		if out == nil {
			out = &units{c: make([]byte, 0, len(c)), lo: make([]int32, 0, len(c)), n: u.n}
		}
		for k := last; k < i; k++ {
			out.c, out.lo = append(out.c, c[k]), append(out.lo, int32(u.at(k)))
		}
		numberList(c, i, func(b byte, at int) {
			out.c, out.lo = append(out.c, b), append(out.lo, int32(u.at(at)))
		})
		last, i = end, end
	}
	if out == nil {
		return nil
	}
	for k := last; k < len(c); k++ {
		out.c, out.lo = append(out.c, c[k]), append(out.lo, int32(u.at(k)))
	}
	return out
}

// numberList reads the list of numbers from 0 to 255 that starts at c[i],
// calling emit (if not nil) with each and where it starts, and returns
// where the list ends and how many numbers it holds.
func numberList(c []byte, i int, emit func(b byte, at int)) (end, count int) {
	end = i
	for j := i; ; {
		k, v := j, 0
		for k < len(c) && isDigit(c[k]) && k-j < 3 {
			v = v*10 + int(c[k]-'0')
			k++
		}
		if k == j || v > 255 || k < len(c) && isAlnum(c[k]) {
			return end, count
		}
		if emit != nil {
			emit(byte(v), j)
		}
		end, count = k, count+1
		for k < len(c) && c[k] == ' ' {
			k++
		}
		if k >= len(c) || c[k] != ',' {
			return end, count
		}
		for k++; k < len(c) && c[k] == ' '; k++ {
		}
		j = k
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// minRun is the length of the shortest run of hex or base64 characters
// decodeRuns decodes: 12 bytes or more.
const minRun = 24

// decodeRuns returns u with every run of at least minRun hex digits decoded
// as hex, every other run of at least minRun upper-case base32 characters
// as base32, and every other run of at least minRun base64 characters as
// base64 (the URL alphabet if it holds '-' or '_'), from the start of the
// run; nil when there is none. A run that does not decode is kept. With
// slash, runs also end at '/'.
func decodeRuns(u *units, slash bool) *units {
	c := u.c
	var out *units
	last := 0 // end of what was copied to out
	for i := 0; i < len(c); {
		if !isBase64Char(c[i]) || slash && c[i] == '/' {
			i++
			continue
		}
		j, hexOnly, base32Only := i, true, true
		for j < len(c) && isBase64Char(c[j]) && !(slash && c[j] == '/') {
			_, isHex := hexDigit(c[j])
			hexOnly = hexOnly && isHex
			base32Only = base32Only && (c[j] >= 'A' && c[j] <= 'Z' || c[j] >= '2' && c[j] <= '7')
			j++
		}
		run := c[i:j]
		for j < len(c) && c[j] == '=' {
			j++
		}
		var dec []byte
		var group, per int // per group characters, bytes
		if len(run) >= minRun {
			var err error
			switch {
			case hexOnly:
				dec, err = hex.DecodeString(string(run[:len(run)/2*2]))
				group, per = 2, 1
			case base32Only:
				dec, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(run[:len(run)/8*8]))
				group, per = 8, 5
			default:
				enc := base64.RawStdEncoding
				if bytes.ContainsAny(run, "-_") {
					enc = base64.RawURLEncoding
				}
				dec, err = enc.DecodeString(string(run[:len(run)/4*4]))
				group, per = 4, 3
			}
			if err != nil {
				dec = nil
			}
		}
		if dec != nil {
			if out == nil {
				out = &units{c: make([]byte, 0, len(c)), lo: make([]int32, 0, len(c)), n: u.n}
			}
			for k := last; k < i; k++ {
				out.c, out.lo = append(out.c, c[k]), append(out.lo, int32(u.at(k)))
			}
			for k, x := range dec {
				out.c, out.lo = append(out.c, x), append(out.lo, int32(u.at(i+k/per*group)))
			}
			last = i + len(dec)/per*group
		}
		i = j
	}
	if out == nil {
		return nil
	}
	for k := last; k < len(c); k++ {
		out.c, out.lo = append(out.c, c[k]), append(out.lo, int32(u.at(k)))
	}
	return out
}

func isBase64Char(c byte) bool {
	return isAlnum(c) || c == '+' || c == '/' || c == '-' || c == '_'
}

// asciiFold maps each ASCII byte to the folded character it stands for, or
// 0 when folding drops it.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := range byte(utf8.RuneSelf) {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = c + 'a' - 'A'
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			t[c] = c
		}
	}
	return t
}()

// folder walks the folded form of u (see the comment at the top of this
// file) one character at a time, without a call per character for ASCII
// text.
type folder struct {
	u    *units
	i    int    // the next byte of u
	dec  []byte // what is left of the decomposition of a non-ASCII character
	from int    // where the character dec comes from starts in u
}

// next returns the next folded character and the index in u of the first
// byte of the character it came from; ok is false at the end.
func (f *folder) next() (c byte, from int, ok bool) {
	for {
		for len(f.dec) > 0 {
			c, f.dec = asciiFold[f.dec[0]], f.dec[1:]
			if c != 0 {
				return c, f.from, true
			}
		}
		if f.i >= len(f.u.c) {
			return 0, 0, false
		}
		if b := f.u.c[f.i]; b < utf8.RuneSelf {
			f.i++
			if c = asciiFold[b]; c != 0 {
				return c, f.i - 1, true
			}
			continue
		}
		r, size := utf8.DecodeRune(f.u.c[f.i:])
		if r == utf8.RuneError && size <= 1 {
			f.i++
			continue
		}
		// A compatibility decomposition keeps the ASCII letters and
		// digits a character stands for ("ｓ" is "s", "ﬁ" is "fi",
		// "é" is "e" and a combining accent); the bytes of any other
		// character are not ASCII, and are dropped.
		f.from = f.i
		f.dec = nonASCIIDropped(norm.NFKD.Properties(f.u.c[f.i : f.i+size]).Decomposition())
		f.i += size
	}
}

// nonASCIIDropped returns the ASCII bytes of d.
func nonASCIIDropped(d []byte) []byte {
	var out []byte
	for _, c := range d {
		if c < utf8.RuneSelf {
			out = append(out, c)
		}
	}
	return out
}

// hasEscape reports whether c holds an escape unescape would undo.
func hasEscape(c []byte) bool {
	for i := 0; i < len(c); i++ {
		j := bytes.IndexAny(c[i:], `%=&\`)
		if j < 0 {
			return false
		}
		i += j
		if n, _ := escapeAt(c, i); n > 0 {
			return true
		}
	}
	return false
}

// unescape undoes one layer of escapes of a byte or a character (see
// escapeAt). Each decoded byte stands for the whole escape.
func unescape(in *units) *units {
	c := in.c
	out := &units{c: make([]byte, 0, len(c)), lo: make([]int32, 0, len(c)), n: in.n}
	for i := 0; i < len(c); {
		n, dec := escapeAt(c, i)
		if n == 0 {
			n, dec = 1, c[i:i+1]
		}
		for _, x := range dec {
			out.c = append(out.c, x)
			out.lo = append(out.lo, int32(in.at(i)))
		}
		i += n
	}
	return out
}

// goEscape returns the control character a one-letter escape of Go (and C,
// and JSON for some) stands for, or 0: a report that quotes a name
// Go-style writes a quoted-printable soft line break as "=\r\n".
func goEscape(letter byte) byte {
	switch letter {
	case 'a':
		return '\a'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'v':
		return '\v'
	}
	return 0
}

// escapeAt returns the length of the escape at c[i:] and what it decodes
// to, or 0: %XX, quoted-printable =XX and soft line breaks, HTML character
// references (&#DDD; &#xHH; &name;), \uXXXX, \xHH, JSON's \n, \r, \t,
// \b, \f, \/, \" and \\, and Go's other one-letter escapes (\a, \v).
func escapeAt(c []byte, i int) (n int, dec []byte) {
	hexAt := func(i, n int) (int, bool) {
		if i+n > len(c) {
			return 0, false
		}
		v := 0
		for j := i; j < i+n; j++ {
			d, ok := hexDigit(c[j])
			if !ok {
				return 0, false
			}
			v = v<<4 | d
		}
		return v, true
	}
	switch {
	case c[i] == '%' || c[i] == '=':
		if v, ok := hexAt(i+1, 2); ok {
			return 3, []byte{byte(v)}
		}
		if c[i] == '=' && bytes.HasPrefix(c[i+1:], []byte("\r\n")) {
			return 3, nil // a soft line break stands for nothing
		}
		if c[i] == '=' && bytes.HasPrefix(c[i+1:], []byte("\n")) {
			return 2, nil
		}
	case c[i] == '\\' && i+1 < len(c) && c[i+1] == 'x':
		if v, ok := hexAt(i+2, 2); ok {
			return 4, []byte{byte(v)}
		}
	case c[i] == '\\' && i+1 < len(c) && c[i+1] == 'u':
		if v, ok := hexAt(i+2, 4); ok {
			return 6, utf8.AppendRune(nil, rune(v))
		}
	case c[i] == '\\' && i+1 < len(c) && (jsonEscapes[c[i+1]] != 0 || goEscape(c[i+1]) != 0):
		// JSON's escapes of one character (\n in a JSON string that wraps
		// base64 into lines is a line break, as in the text it came from),
		// and Go's, as a report quoting a name writes them ("=\r\n").
		if d := jsonEscapes[c[i+1]]; d != 0 {
			return 2, []byte{d}
		}
		return 2, []byte{goEscape(c[i+1])}
	case c[i] == '&':
		r, n := charRef(c[i:])
		return n, []byte(r)
	}
	return 0, nil
}

// jsonEscapes maps the character after a backslash in JSON's escapes of
// one character to the character it stands for.
var jsonEscapes = [256]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f', '/': '/', '"': '"', '\\': '\\'}

// maxCharRef bounds the length of an HTML character reference.
const maxCharRef = 34

// charRef decodes the HTML character reference at the start of in (which
// starts with '&'): numeric ones with or without their ';', named ones with
// it. n is 0 when there is none.
func charRef(in []byte) (s string, n int) {
	end := 1
	for end < len(in) && end < maxCharRef && (isAlnum(in[end]) || end == 1 && in[end] == '#') {
		end++
	}
	if end < 3 {
		return "", 0
	}
	if end < len(in) && in[end] == ';' {
		end++
	}
	raw := string(in[:end])
	if raw[1] != '#' && raw[end-1] != ';' {
		return "", 0
	}
	if s = html.UnescapeString(raw); s == raw {
		return "", 0
	}
	return s, end
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// foldString folds s as it is (no escapes undone).
func foldString(s string) string {
	var b []byte
	f := folder{u: &units{c: []byte(s), n: len(s)}}
	for c, _, ok := f.next(); ok; c, _, ok = f.next() {
		b = append(b, c)
	}
	return string(b)
}

// foldedForms returns the folded forms of secret that a Scrubber matches in
// folded text: the secret, its hex form, and the stable cores of its base64
// form at byte offsets 0 to 2 and of its base32 form at offsets 0 to 4.
// Both base64 alphabets fold to the same form.
func foldedForms(secret string) []string {
	forms := []string{foldString(secret), hex.EncodeToString([]byte(secret))}
	for k := range 3 {
		forms = append(forms, foldString(baseCore(base64.RawStdEncoding, 6, secret, k)))
	}
	for k := range 5 {
		forms = append(forms, foldString(baseCore(base32.StdEncoding.WithPadding(base32.NoPadding), 5, secret, k)))
	}
	return forms
}

// encoder is a base64 or base32 encoding.
type encoder interface{ EncodeToString([]byte) string }

// baseCore returns the characters of the encoding of v (bits bits a
// character), placed k bytes into a larger text, that depend on v's bytes
// alone. Character i covers bits [bits*i, bits*(i+1)); v covers bits
// [8k, 8(k+len(v))).
func baseCore(enc encoder, bits int, v string, k int) string {
	buf := make([]byte, k+len(v))
	copy(buf[k:], v)
	full := enc.EncodeToString(buf)
	lo := (8*k + bits - 1) / bits
	hi := (8*(k+len(v)))/bits - 1 // last i with bits*(i+1) <= 8(k+n)
	if hi < lo || hi >= len(full) {
		return ""
	}
	return full[lo : hi+1]
}

// window is FragmentLen characters of a folded secret form.
type window [FragmentLen]byte

// foldedIndex holds every window of the folded forms of a set of secrets,
// and a filter of their first prefixLen bytes, so that a scan costs one bit
// test for most positions of a folded text.
type foldedIndex struct {
	windows map[window]struct{}
	filter  *[filterBits / 64]uint64
}

// newFoldedIndex indexes the folded forms of raws. A value of the form
// "user:secret" whose secret part is registered too (a Basic credential)
// adds nothing: its secret part is folded on its own, and the base64 and
// base32 cores at every offset find it inside the encoded pair. A PEM block
// contributes its body only: its BEGIN and END lines are public.
func newFoldedIndex(raws []string) *foldedIndex {
	idx := &foldedIndex{windows: map[window]struct{}{}, filter: new([filterBits / 64]uint64)}
	for _, r := range raws {
		if isComposite(r, raws) {
			continue
		}
		if parts := pemParts(r); parts != nil {
			r = parts[len(parts)-1] // the whole body, unwrapped
		}
		for _, f := range foldedForms(r) {
			for j := 0; j+FragmentLen <= len(f); j++ {
				idx.windows[window([]byte(f[j:j+FragmentLen]))] = struct{}{}
				b := filterBit(prefixKey(f[j:]))
				idx.filter[b/64] |= 1 << (b % 64)
			}
		}
	}
	if len(idx.windows) == 0 {
		return nil
	}
	return idx
}

// isComposite reports whether r is "user:secret" with secret in raws.
func isComposite(r string, raws []string) bool {
	for i := 1; i < len(r); i++ {
		if r[i] == ':' && slices.Contains(raws, r[i+1:]) {
			return true
		}
	}
	return false
}

// find calls match(start, end) with the range of original text of each run
// of FragmentLen characters of a folded view of text that is a window of a
// folded secret form, until match returns false. The folded characters go
// through a ring of the last FragmentLen, written twice so that the last
// FragmentLen are always one slice: a scan allocates nothing per character.
func find[T ~string | ~[]byte](idx *foldedIndex, text T, match func(start, end int) bool) {
	views(text, func(u *units) bool {
		var ring [2 * FragmentLen]byte
		var from [FragmentLen]int32
		n, p := 0, 0 // characters seen; where the next goes in the ring
		f := folder{u: u}
		for c, at, ok := f.next(); ok; c, at, ok = f.next() {
			ring[p], ring[p+FragmentLen], from[p] = c, c, int32(at)
			if p++; p == FragmentLen {
				p = 0
			}
			if n++; n < FragmentLen {
				continue
			}
			w := ring[p : p+FragmentLen] // p is now the oldest
			b := filterBit(binary.LittleEndian.Uint64(w))
			if idx.filter[b/64]&(1<<(b%64)) == 0 {
				continue
			}
			if _, hit := idx.windows[window(w)]; hit && !match(u.at(int(from[p])), u.at(u.runeEnd(at))) {
				return false
			}
		}
		return true
	})
}
