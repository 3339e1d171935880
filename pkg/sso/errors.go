package sso

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/scrub"
)

// Sentinels for the classes of API error callers branch on. An [*APIError]
// matches them with errors.Is according to its status code.
var (
	ErrBadRequest   = errors.New("sso: bad request")  // 400
	ErrUnauthorized = errors.New("sso: unauthorized") // 401
	ErrForbidden    = errors.New("sso: forbidden")    // 403
	ErrNotFound     = errors.New("sso: not found")    // 404
	ErrRateLimited  = errors.New("sso: rate limited") // 429
	ErrServerError  = errors.New("sso: server error") // 5xx
)

// ErrResponseTooLarge is matched by the error of a call whose response body
// exceeded the limit set by [WithMaxResponseBytes].
var ErrResponseTooLarge = errors.New("sso: response body too large")

// ErrDecode is matched by the error of a call whose successful (2xx)
// response could not be understood: wrong Content-Type, malformed JSON, or
// no connection in it. The underlying decoding error is wrapped too.
var ErrDecode = errors.New("sso: cannot decode response")

// Bounds that keep an error message one short line, whatever the server sent.
const (
	sampleLen  = 120
	messageLen = 300
	fieldLen   = 100
)

// APIError is the error of every call answered with a non-2xx status. When
// the body is Stytch's JSON error, its fields are filled in; otherwise
// (an HTML 502 from a proxy, an empty or truncated body) BodySample holds a
// short single-line sample of it.
//
// A server or proxy may echo what it received. Before an *APIError is
// returned, every string in it that the server supplied (Details included)
// has each of the call's secrets (the project secret, the Basic credential,
// the member session token or JWT, private keys in the params) replaced by
// "[REDACTED]", in any encoding (base64, URL and JSON escapes, hex, UTF-16,
// HTML entities, quoted-printable, base32, fullwidth or spaced-out
// characters), and so is anything shaped like a private key, a JWT or a
// session token, so Error(), %+v and %#v are safe to print and log. A
// secret cut into pieces, one per field, that would read whole where the
// fields are printed together leaves no server-supplied text at all.
type APIError struct {
	// Operation is the operation called, such as "UpdateSAMLConnection".
	Operation string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// RequestID is Stytch's ID for the call; quote it when asking for help.
	RequestID string
	// ErrorType is Stytch's stable error code, such as "organization_not_found".
	ErrorType string
	// ErrorMessage is Stytch's explanation, meant for people.
	ErrorMessage string
	// ErrorURL links to Stytch's documentation of the error.
	ErrorURL string
	// Details holds error_details when Stytch sends them.
	Details map[string]any
	// BodySample is a short, single-line sample of a body that was not a
	// Stytch JSON error; empty otherwise.
	BodySample string
	// Err is why the body could not be decoded, if it could not.
	Err error
}

// Error returns one line: operation, status, error type and message, and
// the request ID.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("sso: ")
	if e.Operation != "" {
		b.WriteString(oneLine(e.Operation, fieldLen))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + strings.ToLower(t))
	}
	if e.ErrorType != "" {
		b.WriteString(": " + oneLine(e.ErrorType, fieldLen))
	}
	if e.ErrorMessage != "" {
		b.WriteString(": " + oneLine(e.ErrorMessage, messageLen))
	}
	if e.ErrorType == "" && e.ErrorMessage == "" {
		switch {
		case e.StatusCode < 200:
			b.WriteString(": informational answer instead of a final response, body not read")
		case errors.Is(e.Err, ErrResponseTooLarge):
			b.WriteString(": body too large")
		case e.BodySample != "":
			fmt.Fprintf(&b, ": unexpected body %q", e.BodySample)
		default:
			b.WriteString(": empty body")
		}
	}
	if e.RequestID != "" {
		b.WriteString(" (request_id " + oneLine(e.RequestID, fieldLen) + ")")
	}
	return b.String()
}

// Is reports whether target is the sentinel for e's status class, so that
// errors.Is(err, sso.ErrNotFound) works.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServerError:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// redact cleans every field a server supplied, Details deeply, so that no
// secret of the call reaches Error(), %+v, %#v or a log through them.
func (e *APIError) redact(sc *scrub.Scrubber) {
	e.RequestID = clean(sc, e.RequestID)
	e.ErrorType = clean(sc, e.ErrorType)
	e.ErrorMessage = clean(sc, e.ErrorMessage)
	e.ErrorURL = clean(sc, e.ErrorURL)
	e.BodySample = clean(sc, e.BodySample)
	if e.Details != nil {
		e.Details, _ = redactValue(e.Details, sc).(map[string]any)
	}
	if e.Err != nil {
		if msg := e.Err.Error(); dirty(sc, msg) {
			e.Err = &redactedError{msg: clean(sc, msg), err: e.Err}
		}
	}
	// A secret cut into pieces shorter than scrub.FragmentLen, one piece
	// per field or per string of Details, gets past the cleaning of each
	// alone but reads whole where they are printed side by side: then
	// nothing the server supplied is kept.
	if e.printedDirty(sc) {
		for _, f := range []*string{&e.RequestID, &e.ErrorType, &e.ErrorMessage, &e.ErrorURL, &e.BodySample} {
			if *f != "" {
				*f = scrub.Marker
			}
		}
		e.Details = nil
		if e.Err != nil && e.printedDirty(sc) {
			e.Err = &redactedError{msg: scrub.Marker, err: e.Err}
		}
	}
}

// printedDirty reports whether e, printed as a whole, shows a secret: its
// Error(), or its server-supplied strings one after the other in the order
// of its fields, as %+v and %#v print them (what the field names and
// quotes between them add is dropped by the folded matching anyway).
func (e *APIError) printedDirty(sc *scrub.Scrubber) bool {
	all := appendStrings([]string{e.RequestID, e.ErrorType, e.ErrorMessage, e.ErrorURL}, e.Details)
	all = append(all, e.BodySample)
	if e.Err != nil {
		all = append(all, e.Err.Error())
	}
	return dirty(sc, e.Error()) || dirty(sc, strings.Join(all, " "))
}

// appendStrings appends the strings of a decoded JSON value to out, in the
// order fmt prints them (map keys sorted).
func appendStrings(out []string, v any) []string {
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = appendStrings(out, v[k])
		}
	case []any:
		for _, x := range v {
			out = appendStrings(out, x)
		}
	}
	return out
}

// clean returns text a server supplied without the call's secrets, in any
// encoding (see package scrub, which also finds them hex-, UTF-16-,
// base32-, entity- or percent-encoded, spaced out or fullwidth), and
// without anything shaped like a private key, a JWT or a session token,
// whoever it belongs to.
func clean(sc *scrub.Scrubber, s string) string {
	return sc.Scrub(scrub.RemoveShapes(s))
}

// dirty reports whether clean would change s.
func dirty(sc *scrub.Scrubber, s string) bool {
	return sc.Contains(s) || scrub.HasShape(s)
}

// redactValue cleans the strings, map keys included, of a decoded JSON value.
func redactValue(v any, sc *scrub.Scrubber) any {
	switch v := v.(type) {
	case string:
		return clean(sc, v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[clean(sc, k)] = redactValue(x, sc)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = redactValue(x, sc)
		}
		return out
	}
	return v
}

// Unwrap returns why the body could not be decoded, if it could not.
func (e *APIError) Unwrap() error { return e.Err }

// decodeAPIError turns any non-2xx response into an *APIError. It never
// fails and never panics, whatever the body holds (see FuzzDecodeError).
func decodeAPIError(op string, status int, contentType string, body []byte) *APIError {
	e := &APIError{Operation: op, StatusCode: status}
	if len(body) == 0 {
		return e
	}
	var er stytchsso.ErrorResponse
	err := json.Unmarshal(body, &er)
	if err == nil && (er.ErrorType != "" || er.ErrorMessage != "" || er.RequestID != "") {
		e.RequestID = er.RequestID
		e.ErrorType = er.ErrorType
		e.ErrorMessage = er.ErrorMessage
		e.ErrorURL = er.ErrorURL
		if er.ErrorDetails != nil {
			e.Details = *er.ErrorDetails
		}
		return e
	}
	if err != nil {
		// The JSON error is described, not wrapped: its text can quote a
		// value of the body.
		e.Err = fmt.Errorf("error body (Content-Type %q) is not a Stytch JSON error: %s", oneLine(contentType, fieldLen), describeJSONError(err, nil))
	}
	e.BodySample = sample(body)
	return e
}

// isJSON reports whether a Content-Type names JSON.
func isJSON(contentType string) bool {
	if contentType == "application/json" || contentType == "application/json; charset=utf-8" {
		return true // what Stytch sends: no need to parse
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// sampleSource bounds how much of a body is cleaned for its sample: what a
// sample is cut from (4*sampleLen bytes), and a margin in which an echoed
// secret starting inside that part is still whole enough to be found.
const sampleSource = 4*sampleLen + 1024

// cleanSampleSource returns the start of body that a sample is cut from,
// cleaned (see clean).
func cleanSampleSource(sc *scrub.Scrubber, body []byte) []byte {
	if len(body) > sampleSource {
		body = body[:sampleSource]
	}
	return []byte(clean(sc, string(body)))
}

// sample is a short, single-line, valid UTF-8 excerpt of a body. Anything
// from a PEM armour line on is cut, in case a body echoes a key.
func sample(body []byte) string {
	if len(body) > 4*sampleLen {
		body = body[:4*sampleLen]
	}
	s := string(body)
	if i := strings.Index(s, "-----BEGIN"); i >= 0 {
		s = s[:i] + "[redacted]"
	}
	return oneLine(s, sampleLen)
}

// oneLine replaces control characters and line separators with spaces,
// collapses runs of spaces, makes s valid UTF-8 and cuts it to at most n
// runes.
func oneLine(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space, count := false, 0
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' || !unicode.IsPrint(r) {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
				count++
			}
			space = true
		} else {
			b.WriteRune(r)
			space = false
			count++
		}
		if count >= n {
			b.WriteString("…")
			break
		}
	}
	return strings.TrimRight(b.String(), " ")
}
