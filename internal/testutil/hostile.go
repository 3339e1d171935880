package testutil

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/width"
)

// HostileEncoding is one way a hostile server or proxy can echo a secret
// back in a form that no list of exact encodings anticipates.
type HostileEncoding struct {
	Name string
	// Encode returns the echo of secret.
	Encode func(secret string) string
	// HeaderSafe is false when the echo holds bytes an HTTP header value
	// cannot carry (NUL), so that channel cannot be tried.
	HeaderSafe bool
}

// HostileEncodings returns the encodings of issue 21 section 5, each of a
// whole secret: hex in both cases, UTF-16 in both byte orders, characters
// separated by spaces or by zero-width characters, every byte
// percent-encoded, HTML entities (decimal and hex), quoted-printable (every
// byte encoded, and plain with soft line breaks), base32 (alone and inside a
// longer text), fullwidth letters; and two that servers and log pipelines
// write around an echoed request: the base64 of a Basic header wrapped into
// short lines, and the bytes as a list of numbers (Node's JSON of a Buffer).
func HostileEncodings() []HostileEncoding {
	each := func(f func(b byte) string) func(string) string {
		return func(s string) string {
			var b strings.Builder
			for i := 0; i < len(s); i++ {
				b.WriteString(f(s[i]))
			}
			return b.String()
		}
	}
	utf16Bytes := func(bigEndian bool) func(string) string {
		return func(s string) string {
			var b strings.Builder
			for _, u := range utf16.Encode([]rune(s)) {
				hi, lo := byte(u>>8), byte(u)
				if bigEndian {
					b.WriteByte(hi)
					b.WriteByte(lo)
				} else {
					b.WriteByte(lo)
					b.WriteByte(hi)
				}
			}
			return b.String()
		}
	}
	separated := func(sep string) func(string) string {
		return func(s string) string { return strings.Join(strings.Split(s, ""), sep) }
	}
	return []HostileEncoding{
		{Name: "hex", Encode: func(s string) string { return hex.EncodeToString([]byte(s)) }, HeaderSafe: true},
		{Name: "HEX", Encode: func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }, HeaderSafe: true},
		{Name: "UTF-16LE", Encode: utf16Bytes(false)},
		{Name: "UTF-16BE", Encode: utf16Bytes(true)},
		{Name: "spaces between characters", Encode: separated(" "), HeaderSafe: true},
		{Name: "zero-width spaces between characters", Encode: separated("\u200b"), HeaderSafe: true},
		{Name: "zero-width joiners between characters", Encode: separated("\u200d"), HeaderSafe: true},
		{Name: "every byte percent-encoded", Encode: each(func(b byte) string { return fmt.Sprintf("%%%02X", b) }), HeaderSafe: true},
		{Name: "every byte percent-encoded, lower-case hex", Encode: each(func(b byte) string { return fmt.Sprintf("%%%02x", b) }), HeaderSafe: true},
		{Name: "HTML decimal entities", Encode: each(func(b byte) string { return fmt.Sprintf("&#%d;", b) }), HeaderSafe: true},
		{Name: "HTML hex entities", Encode: each(func(b byte) string { return fmt.Sprintf("&#x%x;", b) }), HeaderSafe: true},
		{Name: "quoted-printable, every byte", Encode: each(func(b byte) string { return fmt.Sprintf("=%02X", b) }), HeaderSafe: true},
		{Name: "quoted-printable, soft line breaks", Encode: func(s string) string {
			var b strings.Builder
			for i := 0; i < len(s); i++ {
				if i > 0 && i%5 == 0 {
					b.WriteString("=\r\n")
				}
				if c := s[i]; c == '=' {
					b.WriteString("=3D")
				} else {
					b.WriteByte(c)
				}
			}
			return b.String()
		}},
		{Name: "base32", Encode: func(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }, HeaderSafe: true},
		{Name: "base32 inside longer text", Encode: func(s string) string {
			return base32.StdEncoding.EncodeToString([]byte("echo: " + s + " end"))
		}, HeaderSafe: true},
		{Name: "base64 of a Basic header, wrapped at 20 characters", Encode: func(s string) string {
			b64 := base64.StdEncoding.EncodeToString([]byte("Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(s))))
			var lines []string
			for len(b64) > 20 {
				lines, b64 = append(lines, b64[:20]), b64[20:]
			}
			return strings.Join(append(lines, b64), "\r\n")
		}},
		{Name: "bytes as numbers (Node's JSON of a Buffer)", Encode: func(s string) string {
			return `{"type":"Buffer","data":[` + strings.Trim(each(func(b byte) string { return fmt.Sprintf("%d,", b) })(s), ",") + "]}"
		}, HeaderSafe: true},
		{Name: "fullwidth letters", Encode: func(s string) string {
			return strings.Map(func(r rune) rune {
				if r > ' ' && r < 0x7f {
					return r + 0xFEE0
				}
				return r
			}, s)
		}, HeaderSafe: true},
	}
}

var (
	hexRun    = regexp.MustCompile(`[0-9A-Fa-f]{8,}`)
	base32Run = regexp.MustCompile(`[A-Z2-7]{8,}`)
	base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{8,}`)
	pctEscape = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)
	qpEscape  = regexp.MustCompile(`=[0-9A-Fa-f]{2}`)
	qpSoft    = regexp.MustCompile(`=\r?\n`)
	goEscape  = regexp.MustCompile(`\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})`)
	numbers   = regexp.MustCompile(`\d{1,3}(?:\s*,\s*\d{1,3}){7,}`)
)

// Reveals returns how marker (a distinctive part of a secret, such as
// "CANARY") can be read from text, ignoring case and every character other
// than ASCII letters and digits: in text as it is, or after up to two
// decodings, each one of: HTML entities, percent escapes, quoted-printable
// or \x and \u escapes (as Go quotes a string) undone, width folding,
// lists of numbers read as bytes, and
// every run of hex, base32 or base64 characters decoded at every alignment
// (base64 across line breaks too).
// It is a test oracle written apart from internal/scrub, on the standard
// library and golang.org/x/text/width, so that the two do not share a
// mistake.
func Reveals(text, marker string) []string {
	want := alnumLower(marker)
	type candidate struct{ how, text string }
	level := []candidate{{"as is", text}}
	seen := map[string]bool{text: true}
	var found []string
	for depth := 0; depth <= 2 && len(level) > 0; depth++ {
		var next []candidate
		for _, c := range level {
			if strings.Contains(alnumLower(c.text), want) {
				found = append(found, c.how)
			}
			if depth == 2 {
				continue
			}
			for _, d := range decodings(c.text) {
				if !seen[d[1]] {
					seen[d[1]] = true
					next = append(next, candidate{c.how + ", " + d[0], d[1]})
				}
			}
		}
		level = next
	}
	return found
}

// decodings returns each decoding of text Reveals tries, with its name.
func decodings(text string) [][2]string {
	var out [][2]string
	add := func(name, s string) {
		if s != text && s != "" {
			out = append(out, [2]string{name, s})
		}
	}
	hexByte := func(m string) string {
		b, _ := hex.DecodeString(m[1:])
		return string(b)
	}
	add("HTML entities", html.UnescapeString(text))
	add("percent escapes", pctEscape.ReplaceAllStringFunc(text, hexByte))
	add("quoted-printable", qpEscape.ReplaceAllStringFunc(qpSoft.ReplaceAllString(text, ""), hexByte))
	add("backslash escapes", goEscape.ReplaceAllStringFunc(text, func(m string) string {
		v, _ := strconv.ParseUint(m[2:], 16, 32)
		return string(rune(v))
	}))
	add("width-folded", width.Fold.String(text))
	add("numbers as bytes", numbers.ReplaceAllStringFunc(text, func(m string) string {
		var b []byte
		for _, f := range strings.FieldsFunc(m, func(r rune) bool { return r < '0' || r > '9' }) {
			n, _ := strconv.Atoi(f)
			b = append(b, byte(n))
		}
		return string(b)
	}))
	for _, run := range hexRun.FindAllString(text, -1) {
		for skip := range 2 {
			s := run[skip:]
			b, _ := hex.DecodeString(s[:len(s)/2*2])
			add("hex", string(b))
		}
	}
	for _, run := range base32Run.FindAllString(text, -1) {
		for skip := 0; skip < 8 && skip < len(run); skip++ {
			s := run[skip:]
			b, _ := base32.StdEncoding.DecodeString(s[:len(s)/8*8])
			add("base32", string(b))
		}
	}
	// Base64 is read across line breaks too (wrapped into lines).
	unwrapped := strings.NewReplacer("\r", "", "\n", "", `\r`, "", `\n`, "").Replace(text)
	for _, run := range append(base64Run.FindAllString(text, -1), base64Run.FindAllString(unwrapped, -1)...) {
		for skip := 0; skip < 4 && skip < len(run); skip++ {
			s := run[skip:]
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				b, _ := enc.DecodeString(s[:len(s)/4*4])
				add("base64", string(b))
			}
		}
	}
	return out
}

// alnumLower keeps the ASCII letters, lower-cased, and digits of s.
func alnumLower(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		}
	}
	return b.String()
}
