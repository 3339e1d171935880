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
	sessionTokenPattern  = regexp.MustCompile(`[A-Za-z0-9_-]{44}`)
	// certificatePattern matches PEM certificate blocks, whose base64 lines
	// are public and must not be mistaken for session tokens.
	certificatePattern = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*CERTIFICATE-----.*?-----END [A-Z0-9 ]*CERTIFICATE-----`)
)

// ReplaceShapes returns text with every private key, JWT and session token
// found by its shape replaced by repl(shape, match). Text holding none is
// returned unchanged.
func ReplaceShapes(text string, repl func(Shape, string) string) string {
	if strings.Contains(text, "BEGIN") {
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

// replaceSessionTokens replaces the SessionToken shapes of s.
func replaceSessionTokens(s string, repl func(Shape, string) string) string {
	locs := sessionTokenPattern.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return s
	}
	skip := certificatePattern.FindAllStringIndex(s, -1)
	var b strings.Builder
	last := 0
	for _, l := range locs {
		i, j := l[0], l[1]
		// A run inside a longer base64 text is not a token; one after
		// "name=" is (base64 has '=' only at its end).
		if (i > 0 && s[i-1] != '=' && isTokenByte(s[i-1])) || (j < len(s) && isTokenByte(s[j])) || !mixed(s[i:j]) || inside(skip, i) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl(SessionToken, s[i:j]))
		last = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
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

func inside(spans [][]int, i int) bool {
	for _, sp := range spans {
		if i >= sp[0] && i < sp[1] {
			return true
		}
	}
	return false
}
