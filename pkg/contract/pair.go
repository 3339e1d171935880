package contract

import (
	"fmt"
	"net/http"
)

// Pair is one HTTP exchange to validate: a request and the response it got.
// Loaders (HAR files, go-vcr cassettes) and the validating transport all
// produce Pairs, so the validator never cares where traffic came from.
//
// Bodies are held as bytes, already read and decompressed. A Pair is not
// modified by validation.
type Pair struct {
	// Method is the HTTP method, such as PUT.
	Method string
	// URL is the absolute request URL, including scheme and host. The host
	// is ignored for routing: any host matches the spec's paths.
	URL string
	// RequestHeader holds the request headers (Authorization included, so
	// that security can be checked; it is never printed).
	RequestHeader http.Header
	// RequestBody is the request body, nil or empty for none.
	RequestBody []byte

	// StatusCode is the response's HTTP status.
	StatusCode int
	// ResponseHeader holds the response headers.
	ResponseHeader http.Header
	// ResponseBody is the response body.
	ResponseBody []byte
	// RequestBodyMissing says the capture says a request body existed but
	// did not record it, as Chrome's HAR export does (content.size > 0, no
	// content.text); body checks are skipped and the pair is counted as
	// body-not-captured ([Route.BodyNotCaptured]).
	RequestBodyMissing bool
	// ResponseBodyMissing says the capture says a response body existed but
	// did not record it, as Chrome's HAR export does (content.size > 0, no
	// content.text); body checks are skipped and the pair is counted as
	// body-not-captured ([Route.BodyNotCaptured]).
	ResponseBodyMissing bool

	// Source says where the pair came from, for reports: a file path, or
	// [SourceLive] for live traffic. Empty is allowed.
	Source string
	// Index is the pair's position within Source (0-based), or -1.
	Index int
	// Line is the 1-based line in Source where the pair's entry or
	// interaction starts, or 0 if unknown.
	Line int

	// Redact, if set, removes the secrets of the exchange (in every
	// encoding) from a text. The validator applies it to every text field
	// of every violation of the pair (method, path, operation, location,
	// message) before returning them, because a violation names what the
	// peer chose: an undeclared field, a header name. A client knows its
	// own secrets, a validator shared by many clients does not, so the
	// redaction comes with each pair (package ssocheck sets it to
	// [sso.Exchange.Redact]). Whether or not it is set, private keys, JWTs
	// and session tokens are removed from violations by their shape.
	// Redact is called only for pairs that have violations, on the
	// validating goroutine.
	//
	// [sso.Exchange.Redact]: https://pkg.go.dev/github.com/stytchsso/stytchsso/pkg/sso#Exchange.Redact
	Redact func(string) string
}

// SourceLive is the Source of a pair of live traffic ([LivePair]).
const SourceLive = "live"

// LivePair returns the Pair of one live exchange, as the validating
// [Transport] and package ssocheck see it: Source [SourceLive], no index
// and no line. It keeps the headers and bodies given, without copying.
func LivePair(method, url string, reqHeader http.Header, reqBody []byte, status int, respHeader http.Header, respBody []byte) *Pair {
	return &Pair{
		Method: method, URL: url, RequestHeader: reqHeader, RequestBody: reqBody,
		StatusCode: status, ResponseHeader: respHeader, ResponseBody: respBody,
		Source: SourceLive, Index: -1,
	}
}

// Where returns "source#index" (or what of it is known) for messages.
func (p *Pair) Where() string {
	switch {
	case p.Source != "" && p.Index >= 0:
		return fmt.Sprintf("%s#%d", p.Source, p.Index)
	case p.Source != "":
		return p.Source
	case p.Index >= 0:
		return fmt.Sprintf("#%d", p.Index)
	}
	return ""
}
