package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// MaxBodyBytes bounds how much of a request or response body the transport
// reads to validate. A longer body is reported as unreadable, not validated.
const MaxBodyBytes = 10 << 20

// Mode says what the transport does with a pair that breaks the contract.
type Mode int

const (
	// Enforce fails the call with a *ContractError.
	Enforce Mode = iota
	// Report leaves the call untouched and reports the violations.
	Report
)

// TransportOption configures a Transport.
type TransportOption func(*Transport) error

// WithMode chooses Enforce (the default) or Report.
func WithMode(m Mode) TransportOption {
	return func(t *Transport) error {
		if m != Enforce && m != Report {
			return fmt.Errorf("contract: WithMode: unknown mode %d", m)
		}
		t.mode = m
		return nil
	}
}

// WithReport sets the function that receives every violating pair. It runs
// in both modes, on the caller's goroutine; p must not be kept after it
// returns unless copied.
func WithReport(fn func(ctx context.Context, p *Pair, violations []Violation)) TransportOption {
	return func(t *Transport) error {
		if fn == nil {
			return errors.New("contract: WithReport: nil function")
		}
		t.report = fn
		return nil
	}
}

// WithLogger logs each violation (operation, side, kind, location, message;
// never a value) at warning level.
func WithLogger(l *slog.Logger) TransportOption {
	return func(t *Transport) error {
		if l == nil {
			return errors.New("contract: WithLogger: nil logger")
		}
		t.logger = l
		return nil
	}
}

// WithSampleRate validates only this fraction (0 to 1) of calls, chosen at
// random with the transport's own source; 1 (the default) validates all.
func WithSampleRate(rate float64) TransportOption {
	return func(t *Transport) error {
		if !(rate >= 0 && rate <= 1) {
			return fmt.Errorf("contract: WithSampleRate: %v is not between 0 and 1", rate)
		}
		t.rate = rate
		return nil
	}
}

// WithBase sets the RoundTripper that sends requests (default
// http.DefaultTransport).
func WithBase(base http.RoundTripper) TransportOption {
	return func(t *Transport) error {
		if base == nil {
			return errors.New("contract: WithBase: nil RoundTripper")
		}
		t.Base = base
		return nil
	}
}

// Transport is an http.RoundTripper that validates every pair it carries.
// It sits between the client's auth layer and the network (or a recorder),
// so it sees the request as sent and the response as received.
type Transport struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper

	v      *Validator
	mode   Mode
	report func(ctx context.Context, p *Pair, violations []Violation)
	logger *slog.Logger
	rate   float64

	mu  sync.Mutex
	rnd *rand.Rand

	err error
}

// NewTransport returns a validating transport. Bad input (no validator, a
// bad option) does not panic: Err reports it, and every RoundTrip fails with
// it, so a misconfigured transport can never pass traffic unvalidated.
func NewTransport(v *Validator, opts ...TransportOption) *Transport {
	t := &Transport{v: v, rate: 1, rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))}
	if v == nil {
		t.err = errors.New("contract: NewTransport: nil Validator")
		return t
	}
	for _, o := range opts {
		if o == nil {
			t.err = errors.New("contract: NewTransport: nil option")
			return t
		}
		if err := o(t); err != nil {
			t.err = err
			return t
		}
	}
	return t
}

// Err returns the configuration error NewTransport found, if any.
func (t *Transport) Err() error { return t.err }

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

func (t *Transport) sampled() bool {
	if t.rate >= 1 {
		return true
	}
	if t.rate <= 0 {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rnd.Float64() < t.rate
}

// RoundTrip implements http.RoundTripper. It never changes req: it sends a
// clone whose body is the bytes it read, so that they can be validated.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, t.err
	}
	if !t.sampled() {
		return t.base().RoundTrip(req)
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
	resp, err := t.base().RoundTrip(out)
	if err != nil {
		return nil, err
	}
	orig := resp.Body
	read, err := readAllSized(io.LimitReader(orig, MaxBodyBytes+1), resp.ContentLength)
	if err != nil {
		// A fault of the connection (a reset mid-body), not of the
		// contract: nothing complete to validate. The caller reads what
		// arrived and then the same error, as it would without this layer.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(read), errReader{err}), orig}
		return resp, nil
	}
	respBody, tooLong := read, len(read) > MaxBodyBytes
	if tooLong {
		// Too long to validate: hand the caller everything, unread part included.
		respBody = read[:MaxBodyBytes]
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(read), orig), orig}
	} else {
		orig.Close()
		resp.Body = io.NopCloser(bytes.NewReader(respBody))
	}
	p := &Pair{
		Method: req.Method, URL: req.URL.String(), RequestHeader: req.Header, RequestBody: reqBody,
		StatusCode: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: respBody,
		Source: "live", Index: -1,
	}
	var vs []Violation
	if tooLong {
		vs = []Violation{{Operation: req.Method + " " + req.URL.Path, Side: SideResponse, Kind: KindUnreadableBody, Location: "body", Message: "response body exceeds the validation limit"}}
	} else {
		vs = t.v.Validate(ctx, p)
	}
	if len(vs) == 0 {
		return resp, nil
	}
	if t.logger != nil {
		for _, v := range vs {
			t.logger.LogAttrs(ctx, slog.LevelWarn, "contract violation",
				slog.String("operation", v.Operation), slog.String("side", string(v.Side)),
				slog.String("kind", string(v.Kind)), slog.String("location", v.Location),
				slog.String("message", v.Message), slog.Int("status", resp.StatusCode))
		}
	}
	if t.report != nil {
		t.report(ctx, p, vs)
	}
	if t.mode == Report {
		return resp, nil
	}
	resp.Body.Close()
	return nil, &ContractError{Violations: vs, StatusCode: resp.StatusCode, Header: resp.Header, Body: respBody}
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
		return nil, fmt.Errorf("request body exceeds %d bytes", MaxBodyBytes)
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
	data, err := readAllSized(io.LimitReader(r, MaxBodyBytes+1), size)
	if err != nil {
		return nil, false, err
	}
	if len(data) > MaxBodyBytes {
		return data[:MaxBodyBytes], true, nil
	}
	return data, false, nil
}

// readAllSized is io.ReadAll with a first buffer sized for a body whose
// length is known (size > 0, from Content-Length), so that reading it never
// regrows the buffer. A wrong size costs nothing but growth.
func readAllSized(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size > MaxBodyBytes {
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
