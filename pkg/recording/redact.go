package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/internal/scrub"
)

// Placeholders put in place of secrets. Each keeps the type and shape the
// spec expects, so a redacted recording still validates.
const (
	// PlaceholderProjectID is the user name inside [PlaceholderAuthorization].
	PlaceholderProjectID = "REDACTED"
	// PlaceholderSecret is the password inside [PlaceholderAuthorization].
	PlaceholderSecret = "x"
	// PlaceholderAuthorization replaces every Basic Authorization header:
	// Basic base64(PlaceholderProjectID:PlaceholderSecret). It is well-formed
	// Basic auth, so security checks still pass, and too short to be
	// mistaken for a real credential by a reader or a secret scanner.
	PlaceholderAuthorization = "Basic UkVEQUNURUQ6eA=="
	// PlaceholderBearer replaces an Authorization header of another scheme.
	PlaceholderBearer = "Bearer REDACTED"
	// PlaceholderSessionToken replaces X-Stytch-Member-Session.
	PlaceholderSessionToken = "session-token-test-REDACTED"
	// PlaceholderSessionJWT replaces X-Stytch-Member-SessionJWT.
	PlaceholderSessionJWT = "session-jwt-test-REDACTED"
	// PlaceholderPEM replaces private keys in bodies: PEM-shaped, obviously fake.
	PlaceholderPEM = "-----BEGIN RSA PRIVATE KEY-----\nREDACTED\n-----END RSA PRIVATE KEY-----\n"
	// Placeholder replaces any other secret string.
	Placeholder = "REDACTED"
)

// Header names with fixed placeholders, in canonical form.
var (
	headerMemberSession    = http.CanonicalHeaderKey(names.HeaderMemberSession)
	headerMemberSessionJWT = http.CanonicalHeaderKey(names.HeaderMemberSessionJWT)
)

// secretWords are what, in a field, header or query parameter name, marks
// its value as secret ('_' standing for an optional '_' or '-'). Declared
// once: IsSecretName and the patterns below are built from it.
var secretWords = []string{"secret", "token", "jwt", "password", "private_key", "api_key"}

// secretWordsPattern is secretWords as a regular expression alternation.
func secretWordsPattern() string {
	alts := make([]string, len(secretWords))
	for i, w := range secretWords {
		alts[i] = strings.ReplaceAll(w, "_", "[_-]?")
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// IsSecretName reports whether a JSON field, header or query parameter with
// this name is redacted whatever its value: the name contains secret, token,
// jwt, password, private_key or api_key (any case, '_' and '-' ignored),
// unless it names an ID or a time (ends in _id or _at, such as
// private_key_id or created_at): those are kept so recordings stay useful.
func IsSecretName(name string) bool {
	if isMetaName(name) {
		return false
	}
	n := compactName(name)
	for _, w := range secretWords {
		if strings.Contains(n, strings.ReplaceAll(w, "_", "")) {
			return true
		}
	}
	return false
}

// isMetaName reports whether a name is an ID or timestamp field.
func isMetaName(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	return n == "id" || strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "_at")
}

func compactName(name string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
}

// isPEMName reports whether a secret field holds a PEM private key, so its
// placeholder is PEM-shaped.
func isPEMName(name string) bool {
	return strings.Contains(compactName(name), "privatekey")
}

// Redactor removes secrets from HTTP exchanges before they are stored. It
// applies two rules: by name (Authorization, member session headers, cookies,
// and every header, JSON field or query parameter named like a secret, see
// [IsSecretName]) and by value (every occurrence of a registered secret, in
// any URL, header or body, also JSON-, URL- and base64-encoded: every
// encoding internal/scrub knows). A Redactor is safe for concurrent use; its
// methods never modify their arguments.
type Redactor struct {
	mu      sync.RWMutex
	secrets *scrub.Scrubber // registered secrets and their encodings
}

// redactorOptions registers every non-empty secret, however short: on disk,
// removing an ordinary word costs less than a leak. Encodings inside
// scrub.Marker are kept too, as Text picks another placeholder when one
// completes a secret.
func redactorOptions() scrub.Options {
	return scrub.Options{MinLen: 1, KeepMarkerParts: true}
}

// NewRedactor returns a Redactor that also removes the given secret values
// wherever they appear. Empty strings are ignored.
func NewRedactor(secrets ...string) *Redactor {
	return &Redactor{secrets: redactorOptions().New(secrets...)}
}

// AddSecrets registers more secret values, such as keys generated during a
// run.
func (r *Redactor) AddSecrets(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.secrets == nil {
		r.secrets = redactorOptions().New(secrets...)
		return
	}
	r.secrets = r.secrets.With(secrets...)
}

func (r *Redactor) snapshot() *scrub.Scrubber {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.secrets
}

// Contains reports whether s holds any registered secret (in any of its
// encodings). It is the last check before anything is written.
func (r *Redactor) Contains(s []byte) bool {
	return r.snapshot().ContainsBytes(s)
}

// Text replaces every registered secret in s.
func (r *Redactor) Text(s string) string {
	if s == "" {
		return s
	}
	s = contentRules(s)
	sc := r.snapshot()
	out := sc.Replace(s, Placeholder)
	if !sc.Contains(out) {
		return out
	}
	// The placeholder combined with its neighbours into a secret (only for
	// secrets that share characters with it): try others, then delete.
	for _, repl := range []string{"***", "###", "~~~", "\u2588"} {
		if out = sc.Replace(s, repl); !sc.Contains(out) {
			return out
		}
	}
	for sc.Contains(out) {
		out = sc.Replace(out, "") // each round shortens out
	}
	return out
}

// Header returns a redacted copy of h.
func (r *Redactor) Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		nv := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case ck == "Authorization" || ck == "Proxy-Authorization":
				if strings.HasPrefix(strings.ToLower(v), "basic ") {
					nv[i] = PlaceholderAuthorization
				} else {
					nv[i] = PlaceholderBearer
				}
			case ck == headerMemberSession:
				nv[i] = PlaceholderSessionToken
			case ck == headerMemberSessionJWT:
				nv[i] = PlaceholderSessionJWT
			case ck == "Cookie" || ck == "Set-Cookie" || IsSecretName(k):
				nv[i] = Placeholder
			default:
				nv[i] = v
			}
			nv[i] = r.Text(nv[i])
		}
		out[r.Text(k)] = nv
	}
	return out
}

// URL returns raw with secret query parameters and userinfo replaced and
// every registered secret removed.
func (r *Redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err == nil {
		if u.User != nil {
			u.User = url.UserPassword(Placeholder, Placeholder)
		}
		if u.RawQuery != "" {
			u.RawQuery = r.query(u.RawQuery)
		}
		raw = u.String()
	}
	return r.Text(raw)
}

func (r *Redactor) query(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return textRules(raw)
	}
	for k, vs := range q {
		if IsSecretName(k) {
			for i := range vs {
				vs[i] = Placeholder
			}
		}
	}
	return q.Encode()
}

// Values returns a redacted copy of form values.
func (r *Redactor) Values(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		nv := make([]string, len(vs))
		for i, s := range vs {
			if IsSecretName(k) {
				s = Placeholder
			}
			nv[i] = r.Text(s)
		}
		out[r.Text(k)] = nv
	}
	return out
}

// Body returns a redacted copy of an HTTP body. A JSON body keeps its
// structure (re-encoded, keys sorted): every field named like a secret gets a
// placeholder of the same JSON type (a PEM-shaped one for private keys), and
// registered secrets are removed from every other string, key and number.
// Any other body has registered secrets removed, and "name": "value" or
// name=value pairs with secret names blanked.
func (r *Redactor) Body(body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			if out, ok := r.jsonBody(v); ok {
				return out
			}
		}
	}
	return []byte(r.Text(textRules(string(body))))
}

func (r *Redactor) jsonBody(v any) ([]byte, bool) {
	v = r.walk(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, false
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if r.Contains(out) {
		// A secret survived only in escaped form: scrub the text itself.
		return []byte(r.Text(string(out))), true
	}
	return out, true
}

func (r *Redactor) walk(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			nk := r.Text(k)
			if IsSecretName(k) {
				out[nk] = r.secretValue(e, isPEMName(k))
				continue
			}
			out[nk] = r.walk(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = r.walk(e)
		}
		return out
	case string:
		return r.Text(t)
	case json.Number:
		if r.Contains([]byte(t)) {
			return json.Number("0")
		}
		return t
	default:
		return v
	}
}

// secretValue replaces a secret field's value with one of the same JSON
// type: strings become placeholders, numbers 0, and containers keep their
// shape with every leaf replaced except IDs and timestamps (so
// encryption_private_keys keeps private_key_id and created_at).
func (r *Redactor) secretValue(v any, pem bool) any {
	switch t := v.(type) {
	case string:
		if pem {
			return r.Text(PlaceholderPEM)
		}
		return r.Text(Placeholder)
	case json.Number:
		return json.Number("0")
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if isMetaName(k) {
				out[r.Text(k)] = r.walk(e)
				continue
			}
			out[r.Text(k)] = r.secretValue(e, pem || isPEMName(k))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = r.secretValue(e, pem)
		}
		return out
	default: // bool, null: nothing to hide
		return v
	}
}

var (
	jsonPairPattern = regexp.MustCompile(`(?i)("[^"\\]*` + secretWordsPattern() + `[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*"?`)
	formPairPattern = regexp.MustCompile(`(?i)((?:^|[?&;\s])[\w.\-]*` + secretWordsPattern() + `[\w.\-]*=)[^&;\s]*`)
)

// textRules blanks secret-named pairs in bodies that are not valid JSON
// (truncated JSON, forms).
func textRules(s string) string {
	s = jsonPairPattern.ReplaceAllString(s, `${1}"`+Placeholder+`"`)
	return formPairPattern.ReplaceAllString(s, `${1}`+Placeholder)
}

// Interaction redacts a go-vcr interaction in place: request URL, headers,
// form, body and trailers, response headers, body and trailers. Maps and
// strings are replaced, never modified, so a response already handed to a
// caller is not touched. Content lengths follow the new bodies.
//
// The credentials of a Basic Authorization header in the request are
// registered first, so a server echoing them (or the base64 credential
// itself) is redacted too. A body with a Content-Encoding of gzip or deflate
// is decoded before redaction and stored decoded, without the header; a
// body in any other encoding, or one that does not decode, cannot be
// inspected, and the interaction is refused with an error wrapping
// [ErrUninspectable].
func (r *Redactor) Interaction(i *cassette.Interaction) error {
	req := &i.Request
	r.learnAuthorization(req.Headers)
	reqBody, reqDecoded, err := decodeContent(req.Headers, []byte(req.Body))
	if err != nil {
		return fmt.Errorf("request body of %s %s: %w", req.Method, r.URL(req.URL), err)
	}
	respBody, respDecoded, err := decodeContent(i.Response.Headers, []byte(i.Response.Body))
	if err != nil {
		return fmt.Errorf("response body of %s %s: %w", req.Method, r.URL(req.URL), err)
	}
	req.URL = r.URL(req.URL)
	req.RequestURI = r.URL(req.RequestURI)
	req.Host = r.Text(req.Host)
	req.Headers = r.Header(req.Headers)
	req.Trailer = r.Header(req.Trailer)
	req.Form = r.Values(req.Form)
	if reqDecoded {
		req.Headers.Del("Content-Encoding")
	}
	if nb := string(r.Body(reqBody)); reqDecoded || nb != req.Body {
		req.Body = nb
		req.ContentLength = int64(len(nb))
		fixContentLength(req.Headers, len(nb))
	}
	resp := &i.Response
	resp.Status = r.Text(resp.Status)
	resp.Headers = r.Header(resp.Headers)
	resp.Trailer = r.Header(resp.Trailer)
	if respDecoded {
		resp.Headers.Del("Content-Encoding")
		resp.Uncompressed = true
	}
	if nb := string(r.Body(respBody)); respDecoded || nb != resp.Body {
		resp.Body = nb
		if resp.ContentLength >= 0 {
			resp.ContentLength = int64(len(nb))
		}
		fixContentLength(resp.Headers, len(nb))
	}
	return nil
}

func fixContentLength(h http.Header, n int) {
	if h != nil && h.Get("Content-Length") != "" {
		h.Set("Content-Length", strconv.Itoa(n))
	}
}
