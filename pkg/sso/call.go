package sso

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/scrub"
)

// Operation names, as in the spec's operationIds.
const (
	opUpdateSAML     = names.OperationUpdateSAMLConnection
	opUpdateExternal = names.OperationUpdateExternalConnection
)

// Ptr returns a pointer to v, for the optional fields of the params:
// sso.Ptr(false) turns a flag off, sso.Ptr("") empties a string.
func Ptr[T any](v T) *T { return &v }

// EmptyList returns a pointer to an empty list, which clears a list of role
// assignments (a nil field would leave it unchanged).
func EmptyList[T any]() *[]T { return &[]T{} }

// CallOption adds per-call settings, such as member authorization.
type CallOption func(*callConfig) error

type callConfig struct {
	session *string
	jwt     *string
	meta    *ResponseMeta
	// keys are the private keys in the call's params: a server that echoes
	// the request must not get them into an error or a log.
	keys []string
}

// ResponseMeta receives facts about a call that are not part of its result.
type ResponseMeta struct {
	// StatusCode is the HTTP status of the final response.
	StatusCode int
	// RequestID is Stytch's ID for the call.
	RequestID string
	// Attempts is the number of attempts made, retries included.
	Attempts int
}

// WithResponseMeta fills m once the call returns, whether it succeeded or not
// (StatusCode and RequestID stay empty when no response arrived).
func WithResponseMeta(m *ResponseMeta) CallOption {
	return func(c *callConfig) error {
		if m == nil {
			return errors.New("WithResponseMeta: nil *ResponseMeta")
		}
		c.meta = m
		return nil
	}
}

// WithMemberSessionToken runs the call with a member's permissions, sending
// the session token in X-Stytch-Member-Session. Stytch answers 403 unless the
// member may update SSO connections. It conflicts with
// [WithMemberSessionJWT].
func WithMemberSessionToken(token string) CallOption {
	return func(c *callConfig) error {
		if err := checkHeaderSecret("WithMemberSessionToken", "session token", token); err != nil {
			return err
		}
		if c.session != nil {
			return errors.New("WithMemberSessionToken given more than once")
		}
		c.session = &token
		return nil
	}
}

// WithMemberSessionJWT runs the call with a member's permissions, sending the
// session JWT in X-Stytch-Member-SessionJWT. It conflicts with
// [WithMemberSessionToken].
func WithMemberSessionJWT(jwt string) CallOption {
	return func(c *callConfig) error {
		if err := checkHeaderSecret("WithMemberSessionJWT", "session JWT", jwt); err != nil {
			return err
		}
		if c.jwt != nil {
			return errors.New("WithMemberSessionJWT given more than once")
		}
		c.jwt = &jwt
		return nil
	}
}

// checkHeaderSecret rejects values a header cannot carry, without quoting them.
func checkHeaderSecret(option, what, v string) error {
	if v == "" {
		return fmt.Errorf("%s: empty %s", option, what)
	}
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) || r > unicode.MaxASCII }) >= 0 {
		return fmt.Errorf("%s: %s contains a control or non-ASCII character", option, what)
	}
	return nil
}

// UpdateSAMLConnection changes the SAML connection connectionID of the
// organization organizationID (its ID, slug or external ID) and returns the
// connection as Stytch then stores it. Fields left nil in params keep their
// values; a nil params changes nothing. Errors from Stytch are
// [*APIError]s; a result is never returned together with an error.
func (c *Client) UpdateSAMLConnection(ctx context.Context, organizationID, connectionID string, params *SAMLConnectionUpdate, opts ...CallOption) (*SAMLConnection, error) {
	cc, err := prepare(opUpdateSAML, organizationID, connectionID, opts)
	if err != nil {
		return nil, err
	}
	if params != nil {
		cc.keys = appendSet(cc.keys, params.SigningPrivateKey, params.SAMLEncryptionPrivateKey)
	}
	body := normalizeSAML(params)
	hp := &stytchsso.UpdateSAMLConnectionParams{MemberSession: cc.session, MemberSessionJWT: cc.jwt}
	var out success[SAMLConnection]
	err = c.call(ctx, opUpdateSAML, cc, &out, func(ctx context.Context) (*http.Response, error) {
		return c.gen.UpdateSAMLConnection(ctx, organizationID, connectionID, hp, body, c.editRequest)
	}, func() (string, bool) { return out.RequestID, out.Connection != nil })
	if err != nil {
		return nil, err
	}
	return out.Connection, nil
}

// UpdateExternalConnection changes the External SSO connection connectionID
// of the organization organizationID and returns the connection as Stytch
// then stores it, with the same conventions as [Client.UpdateSAMLConnection].
func (c *Client) UpdateExternalConnection(ctx context.Context, organizationID, connectionID string, params *ExternalConnectionUpdate, opts ...CallOption) (*ExternalConnection, error) {
	cc, err := prepare(opUpdateExternal, organizationID, connectionID, opts)
	if err != nil {
		return nil, err
	}
	body := normalizeExternal(params)
	hp := &stytchsso.UpdateExternalConnectionParams{MemberSession: cc.session, MemberSessionJWT: cc.jwt}
	var out success[ExternalConnection]
	err = c.call(ctx, opUpdateExternal, cc, &out, func(ctx context.Context) (*http.Response, error) {
		return c.gen.UpdateExternalConnection(ctx, organizationID, connectionID, hp, body, c.editRequest)
	}, func() (string, bool) { return out.RequestID, out.Connection != nil })
	if err != nil {
		return nil, err
	}
	return out.Connection, nil
}

// success is the body of a successful update as the client reads it. The
// spec requires connection in it (gen's response types hold it by value);
// a pointer here tells a body without one, or with null, apart: the client
// refuses such a success with ErrDecode, and the contract validator reports
// it as missing-required (or schema, for null), in every mode.
type success[C any] struct {
	RequestID  string `json:"request_id"`
	Connection *C     `json:"connection"`
}

func prepare(op, organizationID, connectionID string, opts []CallOption) (*callConfig, error) {
	if organizationID == "" {
		return nil, fmt.Errorf("sso: %s: empty organizationID", op)
	}
	if connectionID == "" {
		return nil, fmt.Errorf("sso: %s: empty connectionID", op)
	}
	for _, id := range [...]struct{ name, v string }{{"organizationID", organizationID}, {"connectionID", connectionID}} {
		if id.v == "." || id.v == ".." {
			// url.PathEscape keeps dots, and a dot segment would be resolved
			// away, sending the request to another route.
			return nil, fmt.Errorf("sso: %s: %s %q is a dot segment, which cannot be sent in a path", op, id.name, id.v)
		}
	}
	cc := &callConfig{}
	for i, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("sso: %s: call option %d is nil", op, i)
		}
		if err := opt(cc); err != nil {
			return nil, fmt.Errorf("sso: %s: %w", op, err)
		}
	}
	if cc.session != nil && cc.jwt != nil {
		return nil, fmt.Errorf("sso: %s: WithMemberSessionToken and WithMemberSessionJWT conflict: send one", op)
	}
	return cc, nil
}

// editRequest adds the credentials and the User-Agent to every request.
// Stytch answers in JSON whatever Accept says, so none is sent.
func (c *Client) editRequest(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", c.authHeader)
	req.Header.Set("User-Agent", c.userAgent)
	return nil
}

// call sends one request (with retries), reads its body within the limit,
// and decodes it into out or into an *APIError. Whatever the server sent
// that ends up in the error or the debug log is scrubbed of the call's
// secrets first (see redact); a successful call scrubs nothing.
func (c *Client) call(ctx context.Context, op string, cc *callConfig, out any, send func(context.Context) (*http.Response, error), result func() (requestID string, ok bool)) (err error) {
	if ctx == nil {
		return fmt.Errorf("sso: %s: nil context", op)
	}
	state := &callState{}
	ctx = context.WithValue(ctx, callStateKey{}, state)
	start := time.Now()
	status, requestID := 0, ""
	// The call's secrets, built on the first need: on error paths and when
	// a check redacts a violation (Exchange.Redact); a successful call
	// builds nothing.
	var secrets *callSecrets
	shared := func() *callSecrets {
		if secrets == nil {
			secrets = &callSecrets{c: c, cc: cc}
		}
		return secrets
	}
	scrubber := func() *scrub.Scrubber { return shared().scrubber() }
	defer func() {
		if err != nil {
			err = redact(err, scrubber())
			if e, ok := err.(*APIError); ok {
				requestID = e.RequestID // as redact left it
			} else {
				requestID = clean(scrubber(), requestID)
			}
		}
		if cc.meta != nil {
			*cc.meta = ResponseMeta{StatusCode: status, RequestID: requestID, Attempts: int(state.attempts.Load())}
		}
		if !c.logger.Enabled(ctx, slog.LevelDebug) {
			return
		}
		attrs := []slog.Attr{slog.String("op", op), slog.Int("status", status), slog.String("request_id", clean(scrubber(), requestID)),
			slog.Int("attempts", int(state.attempts.Load())), slog.Duration("duration", time.Since(start))}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "sso: call", attrs...)
	}()

	resp, err := send(ctx)
	if err != nil {
		return fmt.Errorf("sso: %s: %w", op, err)
	}
	defer resp.Body.Close()
	if ctx.Done() != nil && !c.baseHonoursContext {
		// net/http's Transport ends a body read when the request's context
		// ends; for any other base transport, closing the body does.
		defer context.AfterFunc(ctx, func() { _ = resp.Body.Close() })()
	}
	status = resp.StatusCode
	if status < 200 {
		// A 1xx that reached us (a 101 Switching Protocols): its body, if
		// any, is a raw connection and is never read.
		return &APIError{Operation: op, StatusCode: status, Err: errInformational}
	}
	var body []byte
	var readErr error
	if rb, ok := resp.Body.(*attemptBody); ok && rb.off == 0 {
		body, readErr = rb.data, rb.err // read within the attempt
	} else {
		body, readErr = readLimited(resp.Body, resp.ContentLength, c.maxBody)
	}
	contentType := resp.Header.Get("Content-Type")

	if status > 299 {
		var e *APIError
		if errors.Is(readErr, ErrResponseTooLarge) {
			e = &APIError{Operation: op, StatusCode: status, Err: readErr}
		} else {
			// A body cut off mid-read still gives an *APIError with the
			// status, what was read, and why reading stopped. Its fields
			// are cleaned by redact; a sample is cut from a cleaned body,
			// as one cut from an echoed secret would no longer match it.
			e = decodeAPIError(op, status, contentType, body)
			if e.BodySample != "" {
				e.BodySample = sample(cleanSampleSource(scrubber(), body))
			}
			if readErr != nil {
				e.Err = fmt.Errorf("read error body: %w", readErr)
			}
		}
		if readErr == nil {
			if cerr := c.runCheck(ctx, op, resp, body, shared); cerr != nil {
				// The response broke a check (WithExchangeCheck): the
				// caller still gets the *APIError it branches on.
				e.Err = errors.Join(e.Err, cerr)
			}
		}
		requestID = e.RequestID
		return e
	}
	if readErr != nil {
		return fmt.Errorf("sso: %s: %d response: %w", op, status, readErr)
	}
	if err := c.runCheck(ctx, op, resp, body, shared); err != nil {
		return fmt.Errorf("sso: %s: %w", op, err)
	}
	if !isJSON(contentType) {
		return fmt.Errorf("sso: %s: %d response has Content-Type %q, want application/json: %w", op, status, oneLine(clean(scrubber(), contentType), fieldLen), ErrDecode)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("sso: %s: %d response: %w: %s", op, status, ErrDecode, describeJSONError(err, scrubber()))
	}
	requestID, ok := result()
	if !ok {
		return fmt.Errorf("sso: %s: %d response has no connection (request_id %s): %w", op, status, oneLine(clean(scrubber(), requestID), fieldLen), ErrDecode)
	}
	return nil
}

// errInformational is the Err of the *APIError for a 1xx answer.
var errInformational = errors.New("informational (1xx) answer instead of a final response; its body is not read")

// callSecrets builds the scrubber of one call once, on its first use, for
// the call and for the Exchange its check sees.
type callSecrets struct {
	once sync.Once
	c    *Client
	cc   *callConfig
	sc   *scrub.Scrubber
}

// scrubber returns the call's scrubber (see scrubberFor).
func (s *callSecrets) scrubber() *scrub.Scrubber {
	s.once.Do(func() { s.sc = s.c.scrubberFor(s.cc) })
	return s.sc
}

// scrubberFor returns the scrubber for one call: the client's secrets plus
// the call's session token or JWT and the private keys in its params.
func (c *Client) scrubberFor(cc *callConfig) *scrub.Scrubber {
	var extra []string
	if cc.session != nil {
		extra = append(extra, *cc.session)
	}
	if cc.jwt != nil {
		extra = append(extra, *cc.jwt)
	}
	extra = append(extra, cc.keys...)
	if len(extra) == 0 {
		return c.secrets()
	}
	return c.secrets().With(extra...)
}

// appendSet appends the non-empty values of ps to keys.
func appendSet(keys []string, ps ...*string) []string {
	for _, p := range ps {
		if p != nil && *p != "" {
			keys = append(keys, *p)
		}
	}
	return keys
}

// describeJSONError says what was wrong with a 2xx body and where, without
// quoting any value from it: encoding/json's and time's messages quote the
// offending value (a "created_at" that echoes a secret, say).
func describeJSONError(err error, sc *scrub.Scrubber) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tm *time.ParseError
	switch {
	case errors.As(err, &syntax):
		// Its message names at most one character, never a value.
		return fmt.Sprintf("%s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s: a JSON value of the wrong type for Go %s (at byte %d)", oneLine(clean(sc, typ.Field), fieldLen), typ.Type, typ.Offset)
	case errors.As(err, &tm):
		return "a time is not in RFC 3339 form"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of JSON input"
	}
	return fmt.Sprintf("malformed value (%T)", err)
}

// redactedError stands for an error whose message held one of the call's
// secrets (a transport error quoting a malformed header line, a contract
// violation): its message is the scrubbed one. errors.Is and errors.As
// still see the original through Unwrap; do not print what they find.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact makes err safe to print: an *APIError has every server-supplied
// field cleaned, and any other error whose message holds a secret is
// replaced by a redactedError with the cleaned message.
func redact(err error, sc *scrub.Scrubber) error {
	if e, ok := err.(*APIError); ok {
		e.redact(sc)
		return e
	}
	if msg := err.Error(); dirty(sc, msg) {
		return &redactedError{msg: clean(sc, msg), err: err}
	}
	return err
}

// readLimited reads at most limit bytes of r, and fails with
// ErrResponseTooLarge when there is more.
func readLimited(r io.Reader, contentLength, limit int64) ([]byte, error) {
	if contentLength > limit {
		return nil, fmt.Errorf("body of %d bytes exceeds %d bytes: %w", contentLength, limit, ErrResponseTooLarge)
	}
	// Read to EOF, so that the connection can be reused. A declared length
	// sizes the buffer up front (one more byte, to see EOF without growing);
	// it is only a hint, so a body longer or shorter than declared is read
	// like one of unknown length.
	size := int64(512)
	if contentLength >= 0 {
		size = contentLength + 1
	}
	body := make([]byte, 0, size)
	lr := io.LimitedReader{R: r, N: limit + 1}
	for lr.N > 0 {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)]
		}
		n, err := lr.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return body, err
		}
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("body exceeds %d bytes: %w", limit, ErrResponseTooLarge)
	}
	return body, nil
}

// normalizeSAML returns the body to send: params itself unless a list or
// map pointer points at nil, which would go out as JSON null; such a field
// is sent empty instead. The caller's params are never modified.
func normalizeSAML(p *SAMLConnectionUpdate) SAMLConnectionUpdate {
	if p == nil {
		return SAMLConnectionUpdate{}
	}
	b := *p
	if b.AttributeMapping != nil && *b.AttributeMapping == nil {
		b.AttributeMapping = &AttributeMapping{}
	}
	b.SAMLConnectionImplicitRoleAssignments = nonNil(b.SAMLConnectionImplicitRoleAssignments)
	b.SAMLGroupImplicitRoleAssignments = nonNil(b.SAMLGroupImplicitRoleAssignments)
	return b
}

func normalizeExternal(p *ExternalConnectionUpdate) ExternalConnectionUpdate {
	if p == nil {
		return ExternalConnectionUpdate{}
	}
	b := *p
	b.ExternalConnectionImplicitRoleAssignments = nonNil(b.ExternalConnectionImplicitRoleAssignments)
	b.ExternalGroupImplicitRoleAssignments = nonNil(b.ExternalGroupImplicitRoleAssignments)
	return b
}

func nonNil[T any](p *[]T) *[]T {
	if p != nil && *p == nil {
		return &[]T{}
	}
	return p
}
