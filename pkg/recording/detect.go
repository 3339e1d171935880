package recording

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/internal/scrub"
)

// basicCredential returns the project ID and secret of a Basic
// Authorization value and the base64 credential itself, or ok false.
func basicCredential(v string) (cred, secret string, ok bool) {
	const prefix = "basic "
	if len(v) <= len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
		return "", "", false
	}
	cred = strings.TrimSpace(v[len(prefix):])
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return "", "", false
	}
	user, pass, found := strings.Cut(string(raw), ":")
	if !found || pass == "" {
		return "", "", false
	}
	_ = user
	return cred, pass, true
}

// AddBasicCredential registers a project's Basic credential: the secret,
// the "project_id:secret" pair and its base64 form (the credential inside
// an Authorization header), each in every encoding.
func (r *Redactor) AddBasicCredential(projectID, secret string) {
	if secret == "" {
		return
	}
	pair := scrub.BasicCredential(projectID, secret)
	r.AddSecrets(secret, pair, base64.StdEncoding.EncodeToString([]byte(pair)))
}

// learnAuthorization registers the credentials of every Basic
// Authorization header in h, so that a server echoing them is redacted too.
func (r *Redactor) learnAuthorization(h http.Header) {
	for _, k := range []string{"Authorization", "Proxy-Authorization"} {
		for _, v := range h.Values(k) {
			if cred, secret, ok := basicCredential(v); ok {
				raw, _ := base64.StdEncoding.DecodeString(cred)
				r.AddSecrets(secret, string(raw), cred)
			}
		}
	}
}

// Content rules: secrets found by what they look like, whatever the field.
var (
	// pemPrivateKeyPattern matches a PEM private key block of any type,
	// with real newlines, JSON \n escapes or form encoding between its
	// lines; a block without its END line runs to the end of the text.
	pemPrivateKeyPattern = regexp.MustCompile(`(?s)(?:-|%2[dD]){5}BEGIN(?:[ +]|%20)(?:[A-Z0-9]+(?:[ +]|%20))*?PRIVATE(?:[ +]|%20)KEY(?:-|%2[dD]){5}.*?(?:(?:-|%2[dD]){5}END(?:[ +]|%20)(?:[A-Z0-9]+(?:[ +]|%20))*?PRIVATE(?:[ +]|%20)KEY(?:-|%2[dD]){5}|$)`)
	// jwtPattern matches a compact JWS: three base64url segments; the
	// header is checked to decode to JSON with "alg".
	jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	// sessionTokenPattern matches Stytch's opaque session tokens: 44
	// base64url characters.
	sessionTokenPattern = regexp.MustCompile(`[A-Za-z0-9_-]{44}`)
	// certificatePattern matches PEM certificate blocks, whose base64 lines
	// are public and must not be mistaken for session tokens.
	certificatePattern = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*CERTIFICATE-----.*?-----END [A-Z0-9 ]*CERTIFICATE-----`)
)

// Placeholders used by the content rules.
const (
	// PlaceholderPEMLine replaces a private key found in text where its
	// line breaks were escaped (a JSON string inside another body, a form).
	PlaceholderPEMLine = "-----BEGIN PRIVATE KEY-----REDACTED-----END PRIVATE KEY-----"
	// PlaceholderJWT replaces a JWT found by its shape.
	PlaceholderJWT = "REDACTED.JWT.REDACTED"
)

// contentRules removes private keys, JWTs and session tokens found by their
// shape, whatever the field, header or parameter they are in.
func contentRules(s string) string {
	if strings.Contains(s, "BEGIN") {
		s = pemPrivateKeyPattern.ReplaceAllStringFunc(s, func(m string) string {
			if isPlaceholderPEM(m) {
				return m
			}
			if strings.Contains(m, "\n") {
				return strings.TrimSuffix(PlaceholderPEM, "\n")
			}
			return PlaceholderPEMLine
		})
	}
	if strings.Contains(s, "eyJ") {
		s = jwtPattern.ReplaceAllStringFunc(s, func(m string) string {
			if isJWT(m) {
				return PlaceholderJWT
			}
			return m
		})
	}
	if len(s) >= 44 {
		s = replaceSessionTokens(s)
	}
	return s
}

func isPlaceholderPEM(m string) bool {
	return m == PlaceholderPEM || m == PlaceholderPEMLine || m == strings.TrimSuffix(PlaceholderPEM, "\n") ||
		m == strings.ReplaceAll(strings.TrimSuffix(PlaceholderPEM, "\n"), "\n", `\n`)
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

// replaceSessionTokens removes runs of exactly 44 base64url characters
// mixing upper case, lower case and digits (Stytch's session tokens),
// outside PEM certificates.
func replaceSessionTokens(s string) string {
	skip := certificatePattern.FindAllStringIndex(s, -1)
	locs := sessionTokenPattern.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		i, j := l[0], l[1]
		if (i > 0 && isTokenByte(s[i-1])) || (j < len(s) && isTokenByte(s[j])) || !mixed(s[i:j]) || inside(skip, i) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(Placeholder)
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

// ErrUninspectable is returned for a body whose Content-Encoding the
// recorder cannot decode: it cannot be checked for secrets, so it is not
// recorded.
var ErrUninspectable = errors.New("body cannot be inspected for secrets")

// maxDecoded caps what one compressed body may expand to.
const maxDecoded = 64 << 20

// decodeContent undoes a Content-Encoding of gzip, x-gzip or deflate (zlib
// or raw). ok is false when there was no encoding to undo.
func decodeContent(h http.Header, body []byte) (out []byte, ok bool, err error) {
	ce := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	if ce == "" || ce == "identity" {
		return body, false, nil
	}
	if len(body) == 0 {
		return body, true, nil
	}
	var parts []string
	for _, p := range strings.Split(ce, ",") {
		parts = append(parts, strings.TrimSpace(p))
	}
	out = body
	for i := len(parts) - 1; i >= 0; i-- { // applied in order, undone in reverse
		switch parts[i] {
		case "identity", "":
		case "gzip", "x-gzip":
			out, err = gunzip(out)
		case "deflate":
			out, err = inflate(out)
		default:
			return nil, false, fmt.Errorf("recording: Content-Encoding %q: %w", parts[i], ErrUninspectable)
		}
		if err != nil {
			return nil, false, fmt.Errorf("recording: Content-Encoding %q does not decode (%v): %w", parts[i], err, ErrUninspectable)
		}
	}
	return out, true, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return readCapped(zr)
}

func inflate(b []byte) ([]byte, error) {
	if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
		defer zr.Close()
		if out, err := readCapped(zr); err == nil {
			return out, nil
		}
	}
	fr := flate.NewReader(bytes.NewReader(b))
	defer fr.Close()
	return readCapped(fr)
}

func readCapped(r io.Reader) ([]byte, error) {
	out, err := io.ReadAll(io.LimitReader(r, maxDecoded+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxDecoded {
		return nil, fmt.Errorf("expands past %d bytes", maxDecoded)
	}
	return out, nil
}

// base64Run finds candidate base64 text to look inside.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}={0,2}`)

// maxGuardDepth bounds how many layers (base64, compression) the guard
// unwraps.
const maxGuardDepth = 3

// Leaks reports whether data holds a registered secret (in any of its
// encodings), also inside gzip or zlib streams and base64 text found in it,
// and inside the decoded bodies of a go-vcr cassette. It is the last check
// before a recording is written.
func (r *Redactor) Leaks(data []byte) bool {
	if r.leaks(data, 0) {
		return true
	}
	var c cassette.Cassette
	if yaml.Unmarshal(data, &c) != nil {
		return false
	}
	for _, i := range c.Interactions {
		if i == nil {
			continue
		}
		for _, m := range []struct {
			h    http.Header
			body string
		}{{i.Request.Headers, i.Request.Body}, {i.Response.Headers, i.Response.Body}} {
			if r.leaks([]byte(m.body), 1) {
				return true
			}
			if dec, ok, err := decodeContent(m.h, []byte(m.body)); err == nil && ok && r.leaks(dec, 1) {
				return true
			}
		}
	}
	return false
}

func (r *Redactor) leaks(data []byte, depth int) bool {
	if r.Contains(data) {
		return true
	}
	if depth >= maxGuardDepth {
		return false
	}
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte{0x1f, 0x8b})
		if i < 0 {
			break
		}
		if dec, err := gunzip(data[off+i:]); err == nil && r.leaks(dec, depth+1) {
			return true
		}
		off += i + 1
	}
	if len(data) > 2 && data[0] == 0x78 {
		if dec, err := inflate(data); err == nil && r.leaks(dec, depth+1) {
			return true
		}
	}
	for _, run := range base64Run.FindAll(data, -1) {
		if dec, ok := decodeBase64(run); ok && r.leaks(dec, depth+1) {
			return true
		}
	}
	return false
}

// decodeBase64 decodes s in whichever alphabet and padding it uses.
func decodeBase64(s []byte) ([]byte, bool) {
	t := strings.TrimRight(string(s), "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for cut := 0; cut < 4 && cut < len(t); cut++ {
			if out, err := enc.DecodeString(t[:len(t)-cut]); err == nil {
				return out, true
			}
		}
	}
	return nil, false
}
