// Package jsonstr reads JSON string literals quickly and exactly as
// encoding/json does: it finds where a literal ends and decodes its
// contents, eight bytes at a time over the plain parts. The contract walker
// and the HAR loader share it; FuzzUnescape checks it against encoding/json.
package jsonstr

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// Status says how a scan ended.
type Status int

const (
	// OK: the literal is complete and well formed.
	OK Status = iota
	// Bad: the literal breaks JSON's rules (a bad escape, a control
	// character, no opening quote).
	Bad
	// Short: the data ends before the literal does; with more data it may
	// still be OK.
	Short
)

// Scan reads the string literal whose opening quote is at data[i] and
// returns the offset just after its closing quote, and whether it holds
// escapes (its contents, data[i+1:end-1], then need AppendUnescaped to be
// read). It checks what encoding/json checks of a literal's form: escapes
// and control characters; invalid UTF-8 is allowed (decoding replaces it).
func Scan(data []byte, i int) (end int, esc bool, st Status) {
	if i >= len(data) {
		return 0, false, Short
	}
	if data[i] != '"' {
		return 0, false, Bad
	}
	for i++; i < len(data); i++ {
		// Pass eight bytes at a time over what needs no attention, then
		// straight to the first byte that does.
		for i+8 <= len(data) {
			if m := Mask(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(data) {
			break
		}
		switch b := data[i]; {
		case b == '"':
			return i + 1, esc, OK
		case b == '\\':
			esc = true
			i++
			if i >= len(data) {
				return 0, false, Short
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				for k := 1; k <= 4; k++ {
					if i+k >= len(data) {
						return 0, false, Short
					}
					if !isHex(data[i+k]) {
						return 0, false, Bad
					}
				}
				i += 4
			default:
				return 0, false, Bad
			}
		case b < 0x20:
			return 0, false, Bad
		}
	}
	return 0, false, Short
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// SWAR (SIMD within a register) tests on eight bytes of a string at once.
const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
)

// Mask flags (with its high bit) every byte of x that is '"',
// '\\' or a control character (below 0x20). The lowest flagged byte is
// always the first such byte (x read little-endian); bytes above it may be
// flagged wrongly, so only the lowest counts. Zero means none.
func Mask(x uint64) uint64 {
	q := x ^ (ones * '"')
	e := x ^ (ones * '\\')
	return ((q-ones)&^q | (e-ones)&^e | (x-ones*0x20)&^x) & high
}

// AppendUnescaped appends to dst the value of the JSON string whose contents
// (between the quotes) are raw, exactly as encoding/json decodes it into a Go
// string: escapes resolved, a surrogate pair joined, a lone surrogate and
// every byte of invalid UTF-8 replaced by U+FFFD. ok is false when raw is
// not the contents of one valid JSON string: a bad escape, an unescaped
// quote or control character. FuzzUnescape checks it against encoding/json.
func AppendUnescaped(dst, raw []byte) ([]byte, bool) {
	for r := 0; r < len(raw); {
		// Copy a run of plain ASCII (no quote, backslash or control
		// character) as it is, eight bytes at a time where it can.
		start := r
		for r+8 <= len(raw) {
			x := binary.LittleEndian.Uint64(raw[r:])
			if m := x&high | Mask(x); m != 0 {
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
