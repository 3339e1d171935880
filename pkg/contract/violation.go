package contract

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Side says which half of a pair a violation is about.
type Side string

// The two sides of a pair.
const (
	SideRequest  Side = "request"
	SideResponse Side = "response"
)

// Kind classifies a violation so that reports and callers can group and
// filter them.
type Kind string

// The kinds of violation the validator reports.
const (
	// KindSchema: a value does not match its schema (type, enum, format, ...).
	KindSchema Kind = "schema"
	// KindMissingRequired: a required property, parameter or body is absent.
	KindMissingRequired Kind = "missing-required"
	// KindUndocumentedField: strict mode found a body property the spec does
	// not declare, or a request header the operation does not declare that
	// is in Stytch's X-Stytch- namespace or a near miss of a declared one
	// (Location "header:NAME"; Stytch ignores headers it does not know). In
	// every mode: a key that differs from a declared property's name only
	// in case, which Go's encoding/json (matching names case-insensitively)
	// decodes into that property's field.
	KindUndocumentedField Kind = "undocumented-field"
	// KindStatus: the response status is not one the operation lists.
	KindStatus Kind = "status"
	// KindContentType: a body's media type is not one the spec declares.
	KindContentType Kind = "content-type"
	// KindSecurity: the request lacks the credentials the spec demands.
	KindSecurity Kind = "security"
	// KindUnknownOperation: no operation in the spec matches method and path.
	KindUnknownOperation Kind = "unknown-operation"
	// KindUnreadableBody: a body could not be read or parsed as its media type.
	KindUnreadableBody Kind = "unreadable-body"
	// KindInvariant: the pair breaks a rule of the real API that no schema
	// can express (such as the body's status_code echoing the HTTP status).
	KindInvariant Kind = "invariant"
	// KindDuplicateKey: a JSON object in a body holds the same key twice,
	// or two keys matching one declared property ignoring case.
	// Decoders disagree on which value counts (Go's keeps the last, others
	// the first), so such a body is reported in every mode.
	KindDuplicateKey Kind = "duplicate-key"
)

// Violation is one way in which a pair departs from the spec.
//
// Messages never quote values from bodies or headers: request bodies carry
// private keys and headers carry credentials.
type Violation struct {
	// Method is the pair's HTTP method, with control and other unprintable
	// characters escaped (a capture cannot forge report lines).
	Method string `json:"method"`
	// Path is the pair's request path without its query, percent-encoded
	// as in the request, with unprintable characters escaped like Method.
	Path string `json:"path"`
	// Operation is the operationId; "METHOD template" where the spec gives
	// the operation no operationId or gives the same one to several
	// operations; "METHOD path" when no operation matched.
	Operation string `json:"operation"`
	// Side is request or response.
	Side Side `json:"side"`
	// Kind classifies the violation.
	Kind Kind `json:"kind"`
	// Location is a JSON pointer into the body ("/connection/acs_url"), a
	// header name ("header:Content-Type"), "status", or a parameter
	// ("path:organization_id").
	Location string `json:"location"`
	// Message says what is wrong, without quoting values.
	Message string `json:"message"`
}

// String renders the violation on one line: the pair's method and path,
// then the operation, side, kind, location and message. Every part coming
// from a capture is escaped, so the line is always exactly one line.
func (v Violation) String() string {
	var b strings.Builder
	if v.Method != "" || v.Path != "" {
		b.WriteString(Escape(v.Method))
		b.WriteByte(' ')
		b.WriteString(Escape(v.Path))
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s %s %s: %s", Escape(v.Operation), v.Side, v.Kind, Escape(v.Location), Escape(v.Message))
	return b.String()
}

// Escape returns s with every character that could change how a report
// reads escaped Go-style: control characters (newlines, ANSI escape
// sequences), other unprintable runes, Unicode bidirectional controls and
// invalid UTF-8. Printable text, the common case, is returned unchanged and
// without allocating. Escaping is idempotent. The validator escapes what it
// takes from a capture (method, path, JSON keys, media types); reports that
// print other text from a capture should escape it too.
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

// ViolationError is returned by the validating transport in enforce mode when
// a pair breaks the contract. The response's status and body stay available.
// Printed with %v, %+v or %#v it shows the violations (redacted, see
// [Pair]'s Redact) and the status, never the header or the body: they are
// the peer's bytes as received and may hold anything, secrets included.
type ViolationError struct {
	// Violations lists every violation found in the pair.
	Violations []Violation
	// StatusCode is the response's HTTP status (0 if the request itself was rejected before sending).
	StatusCode int
	// Header is the response's header (Retry-After, for one, still matters).
	Header http.Header
	// Body is the response body as received.
	Body []byte
}

// Error implements error. It lists the violations, never body values.
func (e *ViolationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "contract: %d violation(s)", len(e.Violations))
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (status %d)", e.StatusCode)
	}
	for i, v := range e.Violations {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Violations)-5)
			break
		}
		b.WriteString("; ")
		b.WriteString(v.String())
	}
	return b.String()
}

// GoString implements [fmt.GoStringer], for %#v: the violations and the
// status as Go syntax, the header and the body by their size only.
func (e *ViolationError) GoString() string {
	if e == nil {
		return "(*contract.ViolationError)(nil)"
	}
	return fmt.Sprintf("&contract.ViolationError{Violations:%#v, StatusCode:%d, Header:/* %d names */, Body:/* %d bytes */}",
		e.Violations, e.StatusCode, len(e.Header), len(e.Body))
}
