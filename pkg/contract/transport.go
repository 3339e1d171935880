package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// MaxTransportBodyBytes bounds how much of a live request or response body the
// [Transport] reads to validate. A longer body is reported as unreadable,
// not validated. (Recorded bodies have their own bound, in package capture.)
const MaxTransportBodyBytes = 10 << 20

// Transport is an http.RoundTripper that checks every pair it carries with
// a [Checker]. It sits between a client's auth layer and the network (or a
// recorder), so it sees the request as sent and the response as received.
// Build it with [NewTransport]: the zero value fails every request rather
// than pass traffic unchecked.
//
// In Enforce mode a violating pair fails the round trip with a
// *[ViolationError], and the response is closed. That departs on purpose
// from the http.RoundTripper contract (a RoundTripper that obtained a
// response should return it): it is what makes a third-party client, which
// only lets you swap its transport, fail on drift. A client that can check
// at its own level should do so instead (package pkg/ssocheck does, for
// this module's client), so that retries and error handling see the real
// response.
//
// Violations name what the server chose (an undeclared field's name): the
// Transport redacts from them the credentials the request carries (the
// Basic password and credential, the member session token and JWT), in
// every encoding, as [Pair]'s Redact describes.
type Transport struct {
	c    *Checker
	base http.RoundTripper
}

// NewTransport returns a Transport that sends requests through base (nil
// means http.DefaultTransport) and checks each pair with c.
func NewTransport(c *Checker, base http.RoundTripper) (*Transport, error) {
	if c == nil {
		return nil, errors.New("contract: NewTransport: nil Checker")
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &Transport{c: c, base: base}, nil
}

// RoundTrip implements http.RoundTripper. It never changes req: it sends a
// clone whose body is the bytes it read, so that they can be validated.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t == nil || t.c == nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errors.New("contract: Transport not built by NewTransport")
	}
	if !t.c.Sampled() {
		return t.base.RoundTrip(req)
	}
	ctx := req.Context()
	reqBody, readErr := readRequestBody(req)
	if readErr != nil {
		return nil, fmt.Errorf("contract: read request body: %w", readErr)
	}
	out := req.Clone(ctx)
	if reqBody != nil {
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
		out.ContentLength = int64(len(reqBody))
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	orig := resp.Body
	read, err := readAllSized(io.LimitReader(orig, MaxTransportBodyBytes+1), resp.ContentLength)
	if err != nil {
		// A fault of the connection (a reset mid-body), not of the
		// contract: nothing complete to validate. The caller reads what
		// arrived and then the same error, as it would without this layer.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(read), errReader{err}), orig}
		return resp, nil
	}
	respBody, tooLong := read, len(read) > MaxTransportBodyBytes
	if tooLong {
		// Too long to validate: hand the caller everything, unread part included.
		respBody = read[:MaxTransportBodyBytes]
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(read), orig), orig}
	} else {
		orig.Close()
		resp.Body = io.NopCloser(bytes.NewReader(respBody))
	}
	p := LivePair(req.Method, req.URL.String(), req.Header, reqBody, resp.StatusCode, resp.Header, respBody)
	p.Redact = credentialRedactor(req.Header)
	var vs []Violation
	if tooLong {
		vs = []Violation{{Operation: req.Method + " " + req.URL.Path, Side: SideResponse, Kind: KindUnreadableBody, Location: "body", Message: "response body exceeds the validation limit"}}
	} else {
		vs = t.c.v.Validate(ctx, p)
	}
	if err := t.c.conclude(ctx, p, vs); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}

// readRequestBody returns the request's body: through GetBody when there is
// one, else by reading req.Body. Either way req.Body is closed, as a
// RoundTripper must, and the clone that is sent carries the bytes read.
func readRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	var rc io.ReadCloser
	if req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		rc = b
	} else {
		// A RoundTripper must close the request body; we send a copy
		// instead, so close the original here.
		rc = req.Body
	}
	defer rc.Close()
	data, tooLong, err := readBounded(rc, req.ContentLength)
	if err != nil {
		return nil, err
	}
	if tooLong {
		return nil, fmt.Errorf("request body exceeds %d bytes", MaxTransportBodyBytes)
	}
	if req.GetBody != nil {
		// The original body is not sent; close it as the contract asks.
		req.Body.Close()
	}
	return data, nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

type readCloser struct {
	io.Reader
	io.Closer
}

func readBounded(r io.Reader, size int64) ([]byte, bool, error) {
	data, err := readAllSized(io.LimitReader(r, MaxTransportBodyBytes+1), size)
	if err != nil {
		return nil, false, err
	}
	if len(data) > MaxTransportBodyBytes {
		return data[:MaxTransportBodyBytes], true, nil
	}
	return data, false, nil
}

// readAllSized is io.ReadAll with a first buffer sized for a body whose
// length is known (size > 0, from Content-Length), so that reading it never
// regrows the buffer. A wrong size costs nothing but growth.
func readAllSized(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size > MaxTransportBodyBytes {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // one more byte, so that EOF is seen without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}
