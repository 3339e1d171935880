package sso

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// maxErrorLen bounds APIError.Error whatever the body: prefix, status text,
// type, message, sample and request ID are each capped.
const maxErrorLen = 1024

// FuzzDecodeError feeds the API error decoder arbitrary statuses and bodies:
// it must never panic, always yield an *APIError for a non-2xx status, and
// its Error must be one bounded, valid UTF-8 line.
func FuzzDecodeError(f *testing.F) {
	f.Add(404, "application/json", []byte(errorBody(404, "organization_not_found")))
	f.Add(502, "text/html", []byte("<html>\n<body>502 Bad Gateway</body>\n</html>"))
	f.Add(500, "", []byte{})
	f.Add(400, "application/json", []byte(`{"status_code":400,"error_ty`))
	f.Add(400, "application/json", []byte(`{"error_type":"a\nb","error_message":"`+strings.Repeat("m", 5000)+`","request_id":"\u2028"}`))
	f.Add(429, "application/json", []byte(`{"error_details":{"a":[1,{"b":null}]},"error_type":"too_many_requests"}`))
	f.Add(503, "application/json", []byte("\xff\xfe\x00\x01-----BEGIN RSA PRIVATE KEY-----\nMII"))
	f.Add(999, "application/json; charset=utf-8", []byte(`null`))
	f.Add(-1, "x", []byte(`[]`))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status >= 200 && status <= 299 {
			return
		}
		e := decodeAPIError("UpdateSAMLConnection", status, contentType, body)
		if e == nil {
			t.Fatal("decodeAPIError returned nil")
		}
		var err error = e
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Fatalf("errors.As: %v, status %d", apiErr, status)
		}
		msg := e.Error()
		if strings.ContainsAny(msg, "\r\n\u2028\u2029") {
			t.Fatalf("Error() is not one line: %q", msg)
		}
		if len(msg) > maxErrorLen {
			t.Fatalf("Error() is %d bytes long", len(msg))
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("Error() is not valid UTF-8: %q", msg)
		}
		if !strings.HasPrefix(msg, "sso: ") {
			t.Fatalf("Error() = %q", msg)
		}
		if strings.Contains(msg, "PRIVATE KEY") && strings.Contains(string(body), "-----BEGIN") && e.ErrorType == "" && e.ErrorMessage == "" {
			t.Fatalf("sample shows a PEM block: %q", msg)
		}
		if len(e.BodySample) > 4*sampleLen+8 {
			t.Fatalf("sample too long: %d", len(e.BodySample))
		}
	})
}
