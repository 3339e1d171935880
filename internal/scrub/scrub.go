// Package scrub removes known secrets, and every encoding of them a server
// or proxy could echo back, from text before it reaches an error, a log line
// or a file.
//
// A [Scrubber] is built from the secrets one knows (the project secret, the
// Basic credential from [BasicCredential], member session tokens and JWTs,
// private key PEMs). For each it registers the raw value, its base64 forms
// (standard and URL alphabets, padded and raw, and the stable core of the
// encoding at each of the three byte offsets, so that a secret inside a
// larger base64 text is caught too), its URL query and path escapes and its
// JSON escapes. Secrets shorter than [MinLen] bytes are skipped so that
// ordinary words are never scrubbed.
//
// No such list keeps up with a hostile server, so a Scrubber also matches
// on a folded form of the text (see fold.go): only ASCII letters, lower
// case, and digits are kept, after Unicode compatibility decomposition and
// with one or two layers of escapes undone. Hex, UTF-16, characters
// separated by spaces or zero-width characters, percent escapes of every
// byte, HTML entities, quoted-printable, base32 and fullwidth letters all
// fold to the secret, its hex form or its base64 or base32 core, and any
// [FragmentLen] folded characters in a row of those are removed, escapes
// and separators included. [ReplaceShapes] finds private keys, JWTs and
// session tokens that nobody registered, by their shape.
//
//	s := scrub.New(secret, scrub.BasicCredential(projectID, secret), sessionJWT)
//	msg = s.Scrub(msg) // every occurrence is now "[REDACTED]"
package scrub

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// Marker replaces every occurrence of a registered secret or of one of its
// encodings.
const Marker = "[REDACTED]"

// MinLen is the shortest secret New registers. Shorter values are skipped:
// scrubbing them would remove ordinary words and reveal nothing worth hiding.
const MinLen = 8

// maxPasses bounds how often Scrub rescans text whose replacement created a
// new occurrence across a marker's edge; past it, Scrub gives up on the text
// and returns only the marker.
const maxPasses = 8

// Scrubber replaces registered secrets and their encodings. The zero value
// and a nil *Scrubber scrub nothing. A Scrubber is immutable and safe for
// concurrent use.
type Scrubber struct {
	opts    Options
	secrets []string // the raw secrets registered, in order
	needles []string // registered encodings of at least prefixLen bytes, longest first
	short   []string // shorter ones (only with Options.MinLen below prefixLen), longest first
	// pats holds the needles, then every FragmentLen-byte window of every
	// encoding (see FragmentLen); folded holds the lower-cased raw secrets
	// (matched ignoring ASCII case). byPrefix maps the first prefixLen
	// bytes of each, ASCII lower-cased, to the ones that start with them
	// (index i < len(pats) is pats[i], matched exactly, larger ones are
	// folded[i-len(pats)]), and filter holds one bit per such prefix, so
	// that a scan costs one 8-byte load, a case fold and one bit test per
	// byte of text however many needles there are.
	pats     []string
	folded   []string
	byPrefix map[uint64][]int
	filter   *[filterBits / 64]uint64
	// foldIndex finds the secrets in folded text (see fold.go); nil when
	// no folded form is long enough.
	foldIndex *foldedIndex
}

// FragmentLen is the length of the shortest run of bytes taken from a
// registered encoding that Scrub removes: text holding any FragmentLen
// bytes in a row of the raw secret, of one of its base64 forms (the Basic
// credential's included) or of one of its URL or JSON escapes loses the
// whole run, however far it extends, so that a server echoing a cut-off
// copy ("Basic " + base64 minus its last characters, a secret minus its
// tail) leaks at most FragmentLen-1 bytes in a row. 16 bytes is 96 bits of
// a base64 text, 128 of raw bytes: no ordinary text matches by chance, and
// it is longer than the public prefixes of Stytch values ("secret-test-",
// "project-live-"), while what a run of 15 bytes leaves of a secret of 36
// or more is not guessable. Encodings shorter than FragmentLen are matched
// whole only.
const FragmentLen = 16

// Options change which secrets a Scrubber registers. The zero value is what
// [New] does.
type Options struct {
	// MinLen is the length below which a secret is skipped; zero means
	// [MinLen]. One registers every non-empty secret, for a store where
	// removing an ordinary word costs less than a leak (a recording on
	// disk). Base64 cores and PEM lines shorter than [MinLen] are left out
	// whatever it says: they would match unrelated text.
	MinLen int
	// KeepMarkerParts registers encodings that occur inside [Marker] too.
	// [Scrubber.Scrub] cannot remove those; it is meant for callers that
	// write a placeholder of their own through [Scrubber.Replace] and pick
	// another when the first one completes a secret.
	KeepMarkerParts bool
}

// minLen returns the effective MinLen.
func (o Options) minLen() int {
	if o.MinLen <= 0 {
		return MinLen
	}
	return o.MinLen
}

// New returns a Scrubber for secrets, registered as o says.
func (o Options) New(secrets ...string) *Scrubber {
	return (&Scrubber{opts: o}).With(secrets...)
}

// prefixLen is how many leading bytes of a needle the prefix index keys on.
const prefixLen = 8

// filterBits is the size of the prefix filter: 16 KiB, mostly empty (a
// secret, its Basic credential and a PEM key index about 4,000 prefixes).
const filterBits = 1 << 17

// prefixKey is the first prefixLen bytes of s, which must have that many.
func prefixKey(s string) uint64 {
	return binary.LittleEndian.Uint64([]byte(s[:prefixLen]))
}

// filterBit spreads a prefix over the filter (Fibonacci hashing).
func filterBit(k uint64) uint64 {
	return (k * 0x9E3779B97F4A7C15) >> (64 - 17)
}

// fold lower-cases the ASCII letters among the 8 bytes of k.
func fold(k uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	low7 := k &^ high
	geA := low7 + (0x80-'A')*ones   // high bit set where byte >= 'A'
	gtZ := low7 + (0x80-'Z'-1)*ones // high bit set where byte > 'Z'
	upper := geA &^ gtZ &^ k & high
	return k | upper>>2
}

// lowerASCII returns s with ASCII letters lower-cased.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// BasicCredential returns the user-info form "projectID:secret" that HTTP
// Basic authentication base64-encodes into the Authorization header.
// Registering it with New makes the Scrubber catch an echoed
// "Basic base64(projectID:secret)" header, raw or in a larger base64 text.
func BasicCredential(projectID, secret string) string {
	return projectID + ":" + secret
}

// New returns a Scrubber for secrets. Empty values and values shorter than
// MinLen bytes are skipped, as are encodings that occur inside Marker itself
// (they could never be removed). [Options.New] changes both rules.
func New(secrets ...string) *Scrubber {
	return Options{}.New(secrets...)
}

// With returns a Scrubber that scrubs what s scrubs and secrets too,
// registered with the same [Options]. s is not changed; a nil s is treated
// as [New]'s. When secrets add nothing new, With returns s itself.
func (s *Scrubber) With(secrets ...string) *Scrubber {
	var opts Options
	if s != nil {
		opts = s.opts
	}
	minLen := opts.minLen()
	seen := map[string]bool{}
	var needles, raws []string
	add := func(n string) bool {
		if len(n) < minLen || seen[n] || !opts.KeepMarkerParts && strings.Contains(Marker, n) {
			return false
		}
		seen[n] = true
		needles = append(needles, n)
		return true
	}
	if s != nil {
		raws = append(raws, s.secrets...)
		for _, n := range s.needles {
			add(n)
		}
		for _, n := range s.short {
			add(n)
		}
	}
	added := false
	for _, secret := range secrets {
		enc := encodings(secret, minLen)
		if len(enc) > 0 && !slices.Contains(raws, secret) {
			raws = append(raws, secret)
			added = true
		}
		for _, n := range enc {
			added = add(n) || added
		}
	}
	if s != nil && s.filter != nil && !added {
		return s
	}
	slices.SortStableFunc(needles, func(a, b string) int { return len(b) - len(a) })
	out := &Scrubber{opts: opts, secrets: raws}
	for _, n := range needles {
		if len(n) < prefixLen {
			out.short = append(out.short, n)
			continue
		}
		out.needles = append(out.needles, n)
	}
	out.pats = append(slices.Clip(out.needles), fragments(raws, minLen)...)
	for _, r := range raws {
		if l := lowerASCII(r); len(l) >= prefixLen && !slices.Contains(out.folded, l) &&
			(opts.KeepMarkerParts || !strings.Contains(lowerASCII(Marker), l)) {
			out.folded = append(out.folded, l)
		}
	}
	out.foldIndex = newFoldedIndex(raws)
	out.filter = new([filterBits / 64]uint64)
	out.byPrefix = make(map[uint64][]int, len(out.pats)+len(out.folded))
	for i, n := range append(slices.Clip(out.pats), out.folded...) {
		k := fold(prefixKey(n))
		out.byPrefix[k] = append(out.byPrefix[k], i)
		b := filterBit(k)
		out.filter[b/64] |= 1 << (b % 64)
	}
	return out
}

// fragments returns every distinct FragmentLen-byte window of the
// encodings of the secrets raws, except the public ones: for a registered
// value of the form "user:secret" whose secret part is registered too (a
// Basic credential), the windows that are windows of an encoding of "user"
// or "user:" alone would remove a project ID wherever it appears, and
// reveal nothing. A PEM block contributes the windows of its body's
// encodings only (see pemParts), not of its public BEGIN and END lines.
func fragments(raws []string, minLen int) []string {
	var encs []string
	for _, r := range raws {
		parts := pemParts(r)
		if parts == nil {
			parts = []string{r}
		}
		for _, p := range parts {
			encs = append(encs, encodings(p, minLen)...)
		}
	}
	public := map[string]bool{}
	for _, r := range raws {
		for i := 0; i < len(r); i++ {
			if r[i] != ':' || i == 0 || !slices.Contains(raws, r[i+1:]) {
				continue
			}
			for _, p := range [...]string{r[:i], r[:i+1]} {
				for _, e := range encodings(p, 1) {
					for j := 0; j+FragmentLen <= len(e); j++ {
						public[e[j:j+FragmentLen]] = true
					}
				}
			}
			break
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range encs {
		for j := 0; j+FragmentLen <= len(e); j++ {
			if w := e[j : j+FragmentLen]; !seen[w] && !public[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// Len returns how many distinct encodings s scrubs.
func (s *Scrubber) Len() int {
	if s == nil {
		return 0
	}
	return len(s.needles) + len(s.short)
}

// empty reports whether s scrubs nothing.
func (s *Scrubber) empty() bool {
	return s.Len() == 0 || s.filter == nil
}

// Encodings returns every form of secret that Scrubber removes: the raw
// value; its base64 encodings in the standard and URL alphabets, padded and
// raw; the stable core of its base64 encoding at byte offsets 0, 1 and 2 of a
// larger text (the characters that depend on the secret's bytes only); for a
// PEM block, each body line of at least MinLen characters and the unwrapped
// body; and the URL query escape (upper- and lower-case hex), URL path
// escape and JSON escapes (json.Marshal's, without HTML escaping, with "\/",
// and all-\u) of each of these. It returns nil for a secret shorter than
// MinLen bytes.
func Encodings(secret string) []string {
	return encodings(secret, MinLen)
}

// encodings is Encodings for secrets of at least minLen bytes.
func encodings(secret string, minLen int) []string {
	if secret == "" || len(secret) < minLen {
		return nil
	}
	bases := []string{secret}
	bases = append(bases, base64Forms(secret)...)
	bases = append(bases, pemParts(secret)...)

	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if len(v) == 0 || seen[v] {
			return
		}
		seen[v] = true
		out = append(out, v)
	}
	for _, b := range bases {
		for _, u := range urlForms(b) {
			for _, j := range jsonForms(u) {
				add(j)
			}
		}
	}
	return out
}

// base64Forms returns the full encodings of v in both alphabets, padded and
// raw, and the stable cores at offsets 0, 1 and 2. Cores shorter than MinLen
// characters are left out: they would match too much unrelated text.
func base64Forms(v string) []string {
	encs := []*base64.Encoding{base64.StdEncoding, base64.URLEncoding}
	var out []string
	for _, enc := range encs {
		out = append(out, enc.EncodeToString([]byte(v)))
		raw := enc.WithPadding(base64.NoPadding)
		out = append(out, raw.EncodeToString([]byte(v)))
		for k := range 3 {
			if core := base64Core(raw, v, k); len(core) >= MinLen {
				out = append(out, core)
			}
		}
	}
	return out
}

// base64Core returns the characters of the encoding of v, placed k bytes
// into a larger text, that depend on v's bytes alone. Character i covers bits
// [6i, 6i+6); v covers bits [8k, 8(k+len(v))).
func base64Core(enc *base64.Encoding, v string, k int) string {
	return baseCore(enc, 6, v, k)
}

// pemParts returns, for a PEM-encoded value, each base64 body line of at
// least MinLen characters and the body with its line breaks removed, so that
// a partial or re-wrapped echo of a private key is still caught.
func pemParts(v string) []string {
	if !strings.Contains(v, "-----BEGIN ") {
		return nil
	}
	var lines, body []string
	for line := range strings.Lines(v) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "-----") || strings.Contains(line, ":") {
			continue
		}
		body = append(body, line)
		if len(line) >= MinLen {
			lines = append(lines, line)
		}
	}
	if joined := strings.Join(body, ""); len(joined) >= MinLen {
		lines = append(lines, joined)
	}
	return lines
}

// urlForms returns v, its query escape and its path escape, each also with
// lower-case percent-encoding hex digits as some servers write them.
func urlForms(v string) []string {
	out := []string{v}
	for _, e := range []string{url.QueryEscape(v), url.PathEscape(v)} {
		out = append(out, e)
		if strings.Contains(e, "%") {
			out = append(out, lowerPercentHex(e))
		}
	}
	return out
}

// lowerPercentHex lower-cases the two hex digits after each '%'.
func lowerPercentHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = lowerHex(b[i+1])
			b[i+2] = lowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + ('a' - 'A')
	}
	return c
}

// jsonForms returns v and the inside of each JSON string literal a server
// could write for it: json.Marshal's (HTML characters as \u003c and such),
// without HTML escaping, with "/" escaped as "\/", and with every character
// outside [A-Za-z0-9] as a \u escape (lower- and upper-case hex).
func jsonForms(v string) []string {
	out := []string{v}
	if m, err := json.Marshal(v); err == nil {
		out = append(out, string(m[1:len(m)-1]))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err == nil {
		m := bytes.TrimSpace(buf.Bytes())
		plain := string(m[1 : len(m)-1])
		out = append(out, plain, strings.ReplaceAll(plain, "/", `\/`))
	}
	out = append(out, unicodeEscape(v, "0123456789abcdef"), unicodeEscape(v, "0123456789ABCDEF"))
	return out
}

// unicodeEscape writes every byte of v outside [A-Za-z0-9] and below 0x80 as
// \u00XX, keeping other bytes as they are.
func unicodeEscape(v, digits string) string {
	var b strings.Builder
	b.Grow(len(v) * 6)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(digits[c>>4])
			b.WriteByte(digits[c&0xf])
		}
	}
	return b.String()
}

// Contains reports whether text holds any registered secret or encoding.
func (s *Scrubber) Contains(text string) bool {
	return contains(s, text)
}

// ContainsBytes is Contains for a byte slice, without copying it.
func (s *Scrubber) ContainsBytes(b []byte) bool {
	return contains(s, b)
}

func contains[T ~string | ~[]byte](s *Scrubber, text T) bool {
	found := false
	scan(s, text, func(int, int) bool { found = true; return false })
	if found || s.empty() || s.foldIndex == nil || len(text) == 0 {
		return found
	}
	find(s.foldIndex, text, func(int, int) bool { found = true; return false })
	return found
}

// scan calls match(start, end) for every occurrence of every needle in text,
// overlapping ones included, in order of start, until match returns false.
func scan[T ~string | ~[]byte](s *Scrubber, text T, match func(start, end int) bool) {
	if s.empty() {
		return
	}
	if len(s.short) == 0 {
		scanIndexed(s, text, match)
		return
	}
	// Needles too short for the index are rare (Options.MinLen below
	// prefixLen): a plain scan for them, then every occurrence in order.
	var occ [][2]int
	scanIndexed(s, text, func(start, end int) bool {
		occ = append(occ, [2]int{start, end})
		return true
	})
	for i := range len(text) {
		for _, needle := range s.short {
			if hasPrefixAt(text, i, needle) {
				occ = append(occ, [2]int{i, i + len(needle)})
			}
		}
	}
	slices.SortStableFunc(occ, func(a, b [2]int) int { return a[0] - b[0] })
	for _, o := range occ {
		if !match(o[0], o[1]) {
			return
		}
	}
}

// scanIndexed is scan for the needles in the prefix index.
func scanIndexed[T ~string | ~[]byte](s *Scrubber, text T, match func(start, end int) bool) {
	for i := 0; i+prefixLen <= len(text); i++ {
		k := fold(binary.LittleEndian.Uint64([]byte(text[i : i+prefixLen])))
		if b := filterBit(k); s.filter[b/64]&(1<<(b%64)) == 0 {
			continue
		}
		for _, n := range s.byPrefix[k] {
			if n < len(s.pats) {
				if needle := s.pats[n]; hasPrefixAt(text, i, needle) && !match(i, i+len(needle)) {
					return
				}
			} else if needle := s.folded[n-len(s.pats)]; hasFoldedPrefixAt(text, i, needle) && !match(i, i+len(needle)) {
				return
			}
		}
	}
}

// hasFoldedPrefixAt reports whether text[i:] starts with needle, a
// lower-case string, ignoring ASCII case.
func hasFoldedPrefixAt[T ~string | ~[]byte](text T, i int, needle string) bool {
	if len(text)-i < len(needle) {
		return false
	}
	for j := 0; j < len(needle); j++ {
		c := text[i+j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != needle[j] {
			return false
		}
	}
	return true
}

// hasPrefixAt reports whether text[i:] starts with needle.
func hasPrefixAt[T ~string | ~[]byte](text T, i int, needle string) bool {
	return len(text)-i >= len(needle) && string(text[i:i+len(needle)]) == needle
}

// Replace returns text with every occurrence of a registered secret or
// encoding replaced by repl, in one pass: overlapping and touching
// occurrences become one repl, so no part of a longer match survives a
// shorter one. Text holding no secret is returned unchanged. The result can
// still hold a secret when repl completes one with its neighbours; [Scrub]
// deals with that, a caller with a placeholder of its own checks
// [Scrubber.Contains] and tries another.
func (s *Scrubber) Replace(text, repl string) string {
	out, _ := s.replace(text, repl)
	return out
}

// replace is Replace that also reports whether it found anything.
func (s *Scrubber) replace(text, repl string) (string, bool) {
	spans := s.spans(text)
	if len(spans) == 0 {
		return text, false
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp[0]])
		b.WriteString(repl)
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String(), true
}

// Scrub returns text with every occurrence of a registered secret or encoding
// replaced by Marker. Overlapping occurrences become one marker, so no part
// of a longer match survives a shorter one. Text holding no secret is
// returned unchanged. In the pathological case where replacing creates new
// occurrences across a marker's edge pass after pass, Scrub returns Marker
// alone rather than risk a leak (the empty string if Marker itself holds a
// secret, see [Options.KeepMarkerParts]).
func (s *Scrubber) Scrub(text string) string {
	if s.empty() {
		return text
	}
	for range maxPasses {
		out, found := s.replace(text, Marker)
		if !found {
			return text
		}
		text = out
	}
	switch {
	case !s.Contains(text):
		return text
	case s.Contains(Marker):
		return ""
	}
	return Marker
}

// ScrubBytes is Scrub for a byte slice. It returns b itself when b holds no
// secret, and a new slice otherwise; b is never modified.
func (s *Scrubber) ScrubBytes(b []byte) []byte {
	if !s.ContainsBytes(b) {
		return b
	}
	return []byte(s.Scrub(string(b)))
}

// spans returns the merged, sorted [start, end) ranges of text covered by any
// occurrence (overlapping ones included) of any needle; touching ranges are
// merged too.
func (s *Scrubber) spans(text string) [][2]int {
	var occ [][2]int
	scan(s, text, func(start, end int) bool {
		occ = append(occ, [2]int{start, end})
		return true
	})
	if !s.empty() && s.foldIndex != nil && len(text) > 0 {
		n := len(occ)
		find(s.foldIndex, text, func(start, end int) bool {
			occ = append(occ, [2]int{start, end})
			return true
		})
		if len(occ) > n {
			slices.SortStableFunc(occ, func(a, b [2]int) int { return a[0] - b[0] })
		}
	}
	var merged [][2]int
	for _, o := range occ {
		// Occurrences are in order of start, so only the last range can
		// overlap or touch this one.
		if l := len(merged); l > 0 && o[0] <= merged[l-1][1] {
			merged[l-1][1] = max(merged[l-1][1], o[1])
			continue
		}
		merged = append(merged, o)
	}
	return merged
}
