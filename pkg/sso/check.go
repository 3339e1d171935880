package sso

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/stytchsso/stytchsso/internal/scrub"
)

// Exchange is one call's final request and response, as the client sent and
// read them: what a check installed with [WithExchangeCheck] inspects. Its
// headers and bodies belong to the call: a check must not modify them, and
// must copy what it keeps after it returns. RequestHeader holds the
// Authorization header and member session headers: never print it.
type Exchange struct {
	// Operation is the spec's operationId: "UpdateSAMLConnection" or
	// "UpdateExternalConnection".
	Operation string
	// Method and URL are those of the request sent.
	Method, URL string
	// RequestHeader and RequestBody are the request as sent.
	RequestHeader http.Header
	RequestBody   []byte
	// StatusCode, ResponseHeader and ResponseBody are the final response
	// (after retries), the body read whole within the client's limit.
	StatusCode     int
	ResponseHeader http.Header
	ResponseBody   []byte

	// secrets are the call's secrets, for Redact; nil in an Exchange
	// made by anyone but the client.
	secrets *callSecrets
}

// Redact returns s without the secrets of the call, in any encoding (the
// client's project secret and Basic credential, and the call's member
// session token or JWT and private keys, as the client cleans its own
// errors), and without anything shaped like a private key, a JWT or a
// session token, whoever it belongs to. A check uses it on what it reports
// that the server chose, such as a field name in a contract violation.
// The call's secrets are gathered on the first use only, so a check that
// finds nothing to report pays nothing. Redact is safe for concurrent use;
// on an Exchange the client did not make, it removes shapes only.
func (ex *Exchange) Redact(s string) string {
	var sc *scrub.Scrubber
	if ex.secrets != nil {
		sc = ex.secrets.scrubber()
	}
	return clean(sc, s)
}

// WithExchangeCheck has check inspect every call's final exchange (after
// retries, so that it sees the response the caller gets), once the body is
// read and before it is decoded. An error from check fails the call: a 2xx
// call returns it (wrapped), an error response returns the [*APIError] it
// would anyway, with check's error inside (errors.As finds both). Responses
// whose body could not be read whole (too large, cut off) are not checked.
//
// This is the hook through which package pkg/ssocheck validates calls
// against the spec, without this package importing the validator.
func WithExchangeCheck(check func(ctx context.Context, ex *Exchange) error) Option {
	return func(c *config) error {
		if err := once(c.check != nil, "WithExchangeCheck"); err != nil {
			return err
		}
		if check == nil {
			return errors.New("WithExchangeCheck: nil function")
		}
		c.check = check
		return nil
	}
}

// runCheck hands the call's exchange to the check, if one is installed.
// secrets gives the call's secrets, for the Exchange's Redact.
func (c *Client) runCheck(ctx context.Context, op string, resp *http.Response, body []byte, secrets func() *callSecrets) error {
	if c.check == nil {
		return nil
	}
	ex := &Exchange{Operation: op, StatusCode: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: body, secrets: secrets()}
	if req := resp.Request; req != nil {
		ex.Method, ex.URL, ex.RequestHeader = req.Method, req.URL.String(), req.Header
		if req.GetBody != nil {
			rc, err := req.GetBody()
			if err != nil {
				return err
			}
			ex.RequestBody, err = readBody(rc, req.ContentLength)
			if err != nil {
				return err
			}
		}
	}
	return c.check(ctx, ex)
}

// readBody reads and closes rc, sized by a known length.
func readBody(rc io.ReadCloser, length int64) ([]byte, error) {
	defer rc.Close()
	if length < 0 {
		return io.ReadAll(rc)
	}
	var buf bytes.Buffer
	buf.Grow(int(length))
	_, err := buf.ReadFrom(rc)
	return buf.Bytes(), err
}
