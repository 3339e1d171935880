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
	needles []string // every registered encoding, longest first, each at least MinLen bytes
	// byPrefix maps the first 8 bytes of each needle to the needles that
	// start with them, and filter holds one bit per such prefix, so that a
	// scan costs one 8-byte load and one bit test per byte of text however
	// many needles there are.
	byPrefix map[uint64][]int
	filter   *[filterBits / 64]uint64
}

// filterBits is the size of the prefix filter: 8 KiB, mostly empty.
const filterBits = 1 << 16

// prefixKey is the first 8 bytes of s, which must have that many.
func prefixKey(s string) uint64 {
	return binary.LittleEndian.Uint64([]byte(s[:8]))
}

// filterBit spreads a prefix over the filter (Fibonacci hashing).
func filterBit(k uint64) uint64 {
	return (k * 0x9E3779B97F4A7C15) >> (64 - 16)
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
// (they could never be removed).
func New(secrets ...string) *Scrubber {
	return (*Scrubber)(nil).With(secrets...)
}

// With returns a new Scrubber that scrubs what s scrubs and secrets too. s is
// not changed; a nil s is treated as empty.
func (s *Scrubber) With(secrets ...string) *Scrubber {
	seen := map[string]bool{}
	var needles []string
	add := func(n string) {
		if len(n) < MinLen || seen[n] || strings.Contains(Marker, n) {
			return
		}
		seen[n] = true
		needles = append(needles, n)
	}
	if s != nil {
		for _, n := range s.needles {
			add(n)
		}
	}
	for _, secret := range secrets {
		for _, n := range Encodings(secret) {
			add(n)
		}
	}
	slices.SortStableFunc(needles, func(a, b string) int { return len(b) - len(a) })
	out := &Scrubber{needles: needles, byPrefix: make(map[uint64][]int, len(needles)), filter: new([filterBits / 64]uint64)}
	for i, n := range needles {
		k := prefixKey(n)
		out.byPrefix[k] = append(out.byPrefix[k], i)
		b := filterBit(k)
		out.filter[b/64] |= 1 << (b % 64)
	}
	return out
}

// Len returns how many distinct encodings s scrubs.
func (s *Scrubber) Len() int {
	if s == nil {
		return 0
	}
	return len(s.needles)
}

// Encodings returns every form of secret that Scrubber removes: the raw
// value; its base64 encodings in the standard and URL alphabets, padded and
// raw; the stable core of its base64 encoding at byte offsets 0, 1 and 2 of a
// larger text (the characters that depend on the secret's bytes only); for a
// PEM block, each body line of at least MinLen characters and the unwrapped
// body; and the URL query escape,
// URL path escape and JSON escapes of each of these. It returns nil for a
// secret shorter than MinLen bytes.
func Encodings(secret string) []string {
	if len(secret) < MinLen {
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
	buf := make([]byte, k+len(v))
	copy(buf[k:], v)
	full := enc.EncodeToString(buf)
	lo := (8*k + 5) / 6
	hi := (8*(k+len(v)))/6 - 1 // last i with 6i+6 <= 8(k+n)
	if hi < lo || hi >= len(full) {
		return ""
	}
	return full[lo : hi+1]
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
	found := false
	s.scan(text, func(int, int) bool { found = true; return false })
	return found
}

// scan calls match(start, end) for every occurrence of every needle in text,
// overlapping ones included, in order of start, until match returns false.
func (s *Scrubber) scan(text string, match func(start, end int) bool) {
	if s == nil || len(s.needles) == 0 {
		return
	}
	for i := 0; i+8 <= len(text); i++ {
		k := binary.LittleEndian.Uint64([]byte(text[i : i+8]))
		if b := filterBit(k); s.filter[b/64]&(1<<(b%64)) == 0 {
			continue
		}
		for _, n := range s.byPrefix[k] {
			if needle := s.needles[n]; strings.HasPrefix(text[i:], needle) {
				if !match(i, i+len(needle)) {
					return
				}
			}
		}
	}
}

// Scrub returns text with every occurrence of a registered secret or encoding
// replaced by Marker. Overlapping occurrences become one marker, so no part
// of a longer match survives a shorter one. Text holding no secret is
// returned unchanged. In the pathological case where replacing creates new
// occurrences across a marker's edge pass after pass, Scrub returns Marker
// alone rather than risk a leak.
func (s *Scrubber) Scrub(text string) string {
	if s == nil || len(s.needles) == 0 {
		return text
	}
	for range maxPasses {
		spans := s.spans(text)
		if len(spans) == 0 {
			return text
		}
		var b strings.Builder
		last := 0
		for _, sp := range spans {
			b.WriteString(text[last:sp[0]])
			b.WriteString(Marker)
			last = sp[1]
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	if s.Contains(text) {
		return Marker
	}
	return text
}

// ScrubBytes is Scrub for a byte slice. It returns b itself when b holds no
// secret, and a new slice otherwise; b is never modified.
func (s *Scrubber) ScrubBytes(b []byte) []byte {
	if s == nil || len(s.needles) == 0 {
		return b
	}
	text := string(b)
	out := s.Scrub(text)
	if out == text {
		return b
	}
	return []byte(out)
}

// spans returns the merged, sorted [start, end) ranges of text covered by any
// occurrence (overlapping ones included) of any needle; touching ranges are
// merged too.
func (s *Scrubber) spans(text string) [][2]int {
	var merged [][2]int
	s.scan(text, func(start, end int) bool {
		// Occurrences come in order of start, so only the last range can
		// overlap or touch this one.
		if l := len(merged); l > 0 && start <= merged[l-1][1] {
			merged[l-1][1] = max(merged[l-1][1], end)
			return true
		}
		merged = append(merged, [2]int{start, end})
		return true
	})
	return merged
}
