package scrub

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
)

// Shape is a kind of secret recognised by its form alone, whoever it
// belongs to: a server may echo a key or a token nobody registered.
type Shape int

// The shapes [ReplaceShapes] finds.
const (
	// PrivateKeyPEM is a PEM private key block of any type, with real line
	// breaks, JSON \n escapes or form encoding between its lines; a block
	// without its END line runs to the end of the text.
	PrivateKeyPEM Shape = iota + 1
	// JWT is a compact JWS whose header decodes to JSON with "alg".
	JWT
	// SessionToken is a run of exactly 44 base64url characters mixing
	// upper case, lower case and digits (Stytch's opaque session tokens),
	// outside PEM certificates.
	SessionToken
)

var (
	pemPrivateKeyPattern = regexp.MustCompile(`(?s)(?:-|%2[dD]){5}BEGIN(?:[ +]|%20)(?:[A-Z0-9]+(?:[ +]|%20))*?PRIVATE(?:[ +]|%20)KEY(?:-|%2[dD]){5}.*?(?:(?:-|%2[dD]){5}END(?:[ +]|%20)(?:[A-Z0-9]+(?:[ +]|%20))*?PRIVATE(?:[ +]|%20)KEY(?:-|%2[dD]){5}|$)`)
	jwtPattern           = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
)

// ReplaceShapes returns text with every private key, JWT and session token
// found by its shape replaced by repl(shape, match). Text holding none is
// returned unchanged.
func ReplaceShapes(text string, repl func(Shape, string) string) string {
	if strings.Contains(text, "BEGIN") && strings.Contains(text, "PRIVATE") {
		text = pemPrivateKeyPattern.ReplaceAllStringFunc(text, func(m string) string { return repl(PrivateKeyPEM, m) })
	}
	if strings.Contains(text, "eyJ") {
		text = jwtPattern.ReplaceAllStringFunc(text, func(m string) string {
			if isJWT(m) {
				return repl(JWT, m)
			}
			return m
		})
	}
	if len(text) >= 44 {
		text = replaceSessionTokens(text, repl)
	}
	return text
}

// RemoveShapes is ReplaceShapes with Marker for every shape.
func RemoveShapes(text string) string {
	return ReplaceShapes(text, func(Shape, string) string { return Marker })
}

// HasShape reports whether text holds a private key, JWT or session token
// found by its shape.
func HasShape(text string) bool {
	found := false
	ReplaceShapes(text, func(_ Shape, m string) string { found = true; return m })
	return found
}

// isJWT reports whether m's first segment decodes to a JSON object with an
// "alg" member.
func isJWT(m string) bool {
	head, _, _ := strings.Cut(m, ".")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	_, ok := h["alg"]
	return ok
}

// sessionTokenLen is the length of Stytch's opaque session tokens.
const sessionTokenLen = 44

// replaceSessionTokens replaces the SessionToken shapes of s: runs of
// exactly sessionTokenLen base64url characters. It is one pass over s, and
// one to find the certificates it holds (regular expressions, or a look-up
// of every certificate for every run, cost seconds on a body of a few
// megabytes).
func replaceSessionTokens(s string, repl func(Shape, string) string) string {
	var b strings.Builder
	var certs [][2]int // found on the first candidate, in order
	certsFound := false
	last, k := 0, 0
	for i := 0; i < len(s); {
		if !isBase64URLByte(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isBase64URLByte(s[j]) {
			j++
		}
		// A run inside a longer base64 text is not a token; one after
		// "name=" is (base64 has '=' only at its end).
		if j-i != sessionTokenLen || (i > 0 && s[i-1] != '=' && isTokenByte(s[i-1])) || (j < len(s) && isTokenByte(s[j])) || !mixed(s[i:j]) {
			i = j
			continue
		}
		if !certsFound {
			certsFound = true
			if strings.Contains(s, "CERTIFICATE") {
				certs = certificateSpans(s)
			}
		}
		for k < len(certs) && certs[k][1] <= i {
			k++
		}
		if k == len(certs) || i < certs[k][0] {
			b.WriteString(s[last:i])
			b.WriteString(repl(SessionToken, s[i:j]))
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isBase64URLByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isTokenByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '+' || c == '/' || c == '='
}

func mixed(s string) bool {
	var up, low, dig bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		up = up || c >= 'A' && c <= 'Z'
		low = low || c >= 'a' && c <= 'z'
		dig = dig || c >= '0' && c <= '9'
	}
	return up && low && dig
}

// certificateSpans returns the [start, end) ranges of the PEM certificate
// blocks of s ("-----BEGIN [A-Z0-9 ]*CERTIFICATE-----" to the first
// "-----END [A-Z0-9 ]*CERTIFICATE-----" after it), in order. Their base64
// lines are public and must not be mistaken for session tokens.
func certificateSpans(s string) [][2]int {
	var out [][2]int
	for off := 0; ; {
		begin, bodyStart := certificateArmour(s, off, "-----BEGIN ")
		if begin < 0 {
			return out
		}
		_, end := certificateArmour(s, bodyStart, "-----END ")
		if end < 0 {
			return out
		}
		out = append(out, [2]int{begin, end})
		off = end
	}
}

// certificateArmour finds, from off, the first armour line
// word + "[A-Z0-9 ]*CERTIFICATE-----" and returns where it starts and ends,
// or -1, -1.
func certificateArmour(s string, off int, word string) (start, end int) {
	for {
		i := strings.Index(s[off:], word)
		if i < 0 {
			return -1, -1
		}
		i += off
		k := i + len(word)
		for k < len(s) && (s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9' || s[k] == ' ') {
			k++
		}
		if strings.HasSuffix(s[i+len(word):k], "CERTIFICATE") && strings.HasPrefix(s[k:], "-----") {
			return i, k + len("-----")
		}
		off = i + 1
	}
}
