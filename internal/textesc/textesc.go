// Package textesc escapes text taken from captures and specs before it is
// printed: the one implementation behind contract.Escape, shared with
// package api (which cannot import the validator) for its load warnings.
package textesc

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every character that could change how a report
// reads escaped Go-style: control characters (newlines, ANSI escape
// sequences), other unprintable runes, Unicode bidirectional controls and
// invalid UTF-8. Printable ASCII, the common case, is returned unchanged and
// without allocating.
func Escape(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && (r < 0x20 || r == 0x7f), !unicode.IsPrint(r) && r != ' ', unicode.Is(unicode.Bidi_Control, r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
