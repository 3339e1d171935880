package scrub

import (
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
//     references, \u and \x escapes), so that an escape of every byte is
//     read as the byte;
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

// unit is one byte of text after undoing escapes, with the range [lo, hi) of
// bytes of the original text it stands for.
type unit struct {
	c      byte
	lo, hi int32
}

// folded is a view of a text: ASCII lower-case letters and digits, each with
// the range of bytes of the original text it came from.
type folded struct {
	b      []byte
	lo, hi []int32
}

// maxUnescapes is how many layers of escapes the folded views undo.
const maxUnescapes = 2

// foldedViews returns the folded views of text: as it is, then after
// undoing each layer of escapes, as long as a layer changed something.
func foldedViews[T ~string | ~[]byte](text T) []folded {
	units := make([]unit, len(text))
	for i := range len(text) {
		units[i] = unit{c: text[i], lo: int32(i), hi: int32(i + 1)}
	}
	views := []folded{foldUnits(units)}
	for range maxUnescapes {
		var changed bool
		if units, changed = unescape(units); !changed {
			break
		}
		views = append(views, foldUnits(units))
	}
	return views
}

// foldUnits folds units (see the comment at the top of this file).
func foldUnits(units []unit) folded {
	f := folded{b: make([]byte, 0, len(units)), lo: make([]int32, 0, len(units)), hi: make([]int32, 0, len(units))}
	emit := func(c byte, lo, hi int32) {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		default:
			return
		}
		f.b = append(f.b, c)
		f.lo = append(f.lo, lo)
		f.hi = append(f.hi, hi)
	}
	for i := 0; i < len(units); {
		if units[i].c < utf8.RuneSelf {
			emit(units[i].c, units[i].lo, units[i].hi)
			i++
			continue
		}
		var buf [utf8.UTFMax]byte
		n := 0
		for ; n < len(buf) && i+n < len(units); n++ {
			buf[n] = units[i+n].c
		}
		r, size := utf8.DecodeRune(buf[:n])
		if r == utf8.RuneError && size <= 1 {
			i++
			continue
		}
		lo, hi := units[i].lo, units[i+size-1].hi
		// A compatibility decomposition keeps the ASCII letters and
		// digits a character stands for ("ｓ" is "s", "ﬁ" is "fi",
		// "é" is "e" and a combining accent); the bytes of any other
		// character are not ASCII, and emit drops them.
		for _, c := range norm.NFKD.Properties(buf[:size]).Decomposition() {
			emit(c, lo, hi)
		}
		i += size
	}
	return f
}

// unescape undoes one layer of escapes of a byte or a character: %XX,
// quoted-printable =XX and soft line breaks, HTML character references
// (&#DDD; &#xHH; &name;), \uXXXX and \xHH. Each decoded byte stands for
// the whole escape.
func unescape(in []unit) ([]unit, bool) {
	out := make([]unit, 0, len(in))
	changed := false
	emit := func(b []byte, from, to int) {
		for _, c := range b {
			out = append(out, unit{c: c, lo: in[from].lo, hi: in[to-1].hi})
		}
		changed = true
	}
	hexAt := func(i, n int) (int, bool) {
		if i+n > len(in) {
			return 0, false
		}
		v := 0
		for j := i; j < i+n; j++ {
			d, ok := hexDigit(in[j].c)
			if !ok {
				return 0, false
			}
			v = v<<4 | d
		}
		return v, true
	}
	for i := 0; i < len(in); {
		c := in[i].c
		switch {
		case c == '%' || c == '=':
			if v, ok := hexAt(i+1, 2); ok {
				emit([]byte{byte(v)}, i, i+3)
				i += 3
				continue
			}
			if c == '=' && i+1 < len(in) && (in[i+1].c == '\n' || in[i+1].c == '\r') {
				n := 2
				if in[i+1].c == '\r' && i+2 < len(in) && in[i+2].c == '\n' {
					n = 3
				}
				emit(nil, i, i+n) // a soft line break stands for nothing
				i += n
				continue
			}
		case c == '\\' && i+1 < len(in) && (in[i+1].c == 'u' || in[i+1].c == 'x'):
			n := 4
			if in[i+1].c == 'x' {
				n = 2
			}
			if v, ok := hexAt(i+2, n); ok {
				if n == 2 {
					emit([]byte{byte(v)}, i, i+4)
				} else {
					emit(utf8.AppendRune(nil, rune(v)), i, i+6)
				}
				i += 2 + n
				continue
			}
		case c == '&':
			if r, n := charRef(in[i:]); n > 0 {
				emit([]byte(r), i, i+n)
				i += n
				continue
			}
		}
		out = append(out, in[i])
		i++
	}
	return out, changed
}

// maxCharRef bounds the length of an HTML character reference.
const maxCharRef = 34

// charRef decodes the HTML character reference at the start of in (which
// starts with '&'): numeric ones with or without their ';', named ones with
// it. n is 0 when there is none.
func charRef(in []unit) (s string, n int) {
	end := 1
	for end < len(in) && end < maxCharRef && in[end].c != ';' && in[end].c != '&' &&
		(isAlnum(in[end].c) || end == 1 && in[end].c == '#') {
		end++
	}
	if end < 3 {
		return "", 0
	}
	if end < len(in) && in[end].c == ';' {
		end++
	}
	raw := make([]byte, end)
	for i := range raw {
		raw[i] = in[i].c
	}
	if raw[1] != '#' && raw[end-1] != ';' {
		return "", 0
	}
	if s = html.UnescapeString(string(raw)); s == string(raw) {
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
	units := make([]unit, len(s))
	for i := range len(s) {
		units[i] = unit{c: s[i]}
	}
	return string(foldUnits(units).b)
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
// folded secret form, until match returns false; it reports whether it was
// stopped.
func (idx *foldedIndex) find(views []folded, match func(start, end int) bool) bool {
	for _, v := range views {
		for i := 0; i+FragmentLen <= len(v.b); i++ {
			b := filterBit(binary.LittleEndian.Uint64(v.b[i:]))
			if idx.filter[b/64]&(1<<(b%64)) == 0 {
				continue
			}
			if _, ok := idx.windows[window(v.b[i:i+FragmentLen])]; ok && !match(int(v.lo[i]), int(v.hi[i+FragmentLen-1])) {
				return true
			}
		}
	}
	return false
}
