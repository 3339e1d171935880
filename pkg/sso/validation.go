package sso

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

// WithValidation puts the contract-validating transport of package contract
// just above the network, inside the retry layer, so that every attempt's
// request and response are checked against the spec.
//
// In enforce mode (contract.WithMode(contract.Enforce), the default) a pair
// that breaks the contract fails the call: a 2xx response with a
// *contract.ContractError, an error response with the *APIError it would
// have given anyway, the *contract.ContractError inside it (errors.As finds
// both), after the retries a 429 or 5xx gets. In report mode the call is
// untouched and violations go to the report callback or logger in opts.
// Build v once and share it: it is safe for concurrent use.
func WithValidation(v *contract.Validator, opts ...contract.TransportOption) Option {
	return func(c *config) error {
		if v == nil {
			return errors.New("sso: WithValidation: nil validator")
		}
		// Options are checked here, so a bad one fails New rather than
		// every call.
		if err := contract.NewTransport(v, opts...).Err(); err != nil {
			return fmt.Errorf("sso: WithValidation: %w", err)
		}
		return WithTransportMiddleware(func(base http.RoundTripper) http.RoundTripper {
			all := append([]contract.TransportOption{contract.WithBase(base)}, opts...)
			return errorResponses{next: contract.NewTransport(v, all...)}
		})(c)
	}
}

// contractSlot carries, through a call's context, the contract error of the
// response errorResponses handed back in its place.
type contractSlot struct {
	mu   sync.Mutex
	resp *http.Response
	err  *contract.ContractError
}

func (s *contractSlot) set(resp *http.Response, err *contract.ContractError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resp, s.err = resp, err
}

// errFor returns the contract error of resp, if resp is the one handed back.
func (s *contractSlot) errFor(resp *http.Response) *contract.ContractError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if resp != nil && s.resp == resp {
		return s.err
	}
	return nil
}

// errorResponses sits above the validating transport. An enforce-mode
// contract error about an error response (a proxy's HTML 502, a 429 with a
// body Stytch never sends) becomes that response again, so that the retry
// layer still sees its status and Retry-After and the caller still gets an
// *APIError; the contract error travels in the call's context and ends up
// inside that *APIError.
type errorResponses struct{ next http.RoundTripper }

func (e errorResponses) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(req)
	var ce *contract.ContractError
	if err == nil || !errors.As(err, &ce) || ce.StatusCode < 300 {
		return resp, err
	}
	state := callStateOf(req.Context())
	if state == nil {
		return resp, err
	}
	back := &http.Response{
		Status:        fmt.Sprintf("%d %s", ce.StatusCode, http.StatusText(ce.StatusCode)),
		StatusCode:    ce.StatusCode,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        ce.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(ce.Body)),
		ContentLength: int64(len(ce.Body)),
		Request:       req,
	}
	if back.Header == nil {
		back.Header = http.Header{}
	}
	state.slot.set(back, ce)
	return back, nil
}
