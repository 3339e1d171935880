package recording

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
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

// Placeholders used by the content rules.
const (
	// PlaceholderPEMLine replaces a private key found in text where its
	// line breaks were escaped (a JSON string inside another body, a form).
	PlaceholderPEMLine = "-----BEGIN PRIVATE KEY-----REDACTED-----END PRIVATE KEY-----"
	// PlaceholderJWT replaces a JWT found by its shape.
	PlaceholderJWT = "REDACTED.JWT.REDACTED"
)

// contentRules removes private keys, JWTs and session tokens found by their
// shape (see scrub.ReplaceShapes), whatever the field, header or parameter
// they are in, each with a placeholder of the same shape.
func contentRules(s string) string {
	return scrub.ReplaceShapes(s, func(shape scrub.Shape, m string) string {
		switch shape {
		case scrub.PrivateKeyPEM:
			if isPlaceholderPEM(m) {
				return m
			}
			if strings.Contains(m, "\n") {
				return strings.TrimSuffix(PlaceholderPEM, "\n")
			}
			return PlaceholderPEMLine
		case scrub.JWT:
			return PlaceholderJWT
		}
		return Placeholder
	})
}

func isPlaceholderPEM(m string) bool {
	return m == PlaceholderPEM || m == PlaceholderPEMLine || m == strings.TrimSuffix(PlaceholderPEM, "\n") ||
		m == strings.ReplaceAll(strings.TrimSuffix(PlaceholderPEM, "\n"), "\n", `\n`)
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
