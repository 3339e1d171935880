package sso

// The layers a request goes through below the generated client: the retry
// layer's adapters (retryDoer, singleDoer, rewindBody), the per-attempt
// bound, which reads the body within the attempt (attemptTimeout, attemptBody),
// and the 1xx guard
// (noInformationalBody). newClient stacks them; nothing here is exported.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// attemptTimeout bounds one attempt, reading the response body included,
// through the request's context. It does what http.Client.Timeout does,
// without the goroutine that costs per request, and without a timer at all
// when the caller's own deadline comes first.
//
// It reads the body itself, within the attempt and at most maxBody bytes
// of it (see readLimited): a body that stalls after the headers then ends
// the attempt like headers that never come, with an error the retry layer
// retries, instead of failing the call once the response is handed up. The
// response goes up with a [attemptBody].
type attemptTimeout struct {
	next    http.RoundTripper
	d       time.Duration
	maxBody int64
	// closeBody closes the body when the attempt's context ends, for
	// transports whose bodies do not watch the request's context.
	closeBody bool
}

func (a attemptTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > a.d {
		// Otherwise the caller's deadline ends the attempt first: no
		// timer of our own.
		ctx, cancel = context.WithTimeout(ctx, a.d)
	}
	defer cancel()
	resp, err := a.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if a.closeBody {
		body := resp.Body
		defer context.AfterFunc(ctx, func() { _ = body.Close() })()
	}
	data, readErr := readLimited(resp.Body, resp.ContentLength, a.maxBody)
	_ = resp.Body.Close()
	if readErr != nil && ctx.Err() != nil && req.Context().Err() == nil {
		// The attempt's own time ran out while the body was read: a
		// timeout the retry layer retries, saying why reading stopped.
		return nil, fmt.Errorf("read %d response body: %w: %w", resp.StatusCode, context.DeadlineExceeded, readErr)
	}
	if readErr == nil {
		resp.ContentLength = int64(len(data))
	}
	resp.Body = &attemptBody{data: data, err: readErr}
	return resp, nil
}

// attemptBody is a response body attemptTimeout read within the attempt: what
// was read, then the error that stopped reading early, if any (a body cut
// off, or larger than the limit). The call takes both as they are.
type attemptBody struct {
	data []byte
	err  error
	off  int
}

func (b *attemptBody) Read(p []byte) (int, error) {
	if b.off < len(b.data) {
		n := copy(p, b.data[b.off:])
		b.off += n
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	return 0, io.EOF
}

func (b *attemptBody) Close() error { return nil }

// noInformationalBody sits directly on the base transport. A 1xx answer
// that reaches it (net/http hands back a 101 Switching Protocols, whose body
// is the raw connection and is bound by no timeout or context) has its body
// closed at once and replaced by an empty one, so that no layer above (the
// validator, the retry layer, the call) can block reading it. The call then
// fails with an *APIError for the 1xx status.
type noInformationalBody struct{ next http.RoundTripper }

func (n noInformationalBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := n.next.RoundTrip(req)
	if err != nil || resp == nil || resp.StatusCode >= 200 {
		return resp, err
	}
	if resp.Body != nil {
		_ = resp.Body.Close()
	}
	resp.Body = http.NoBody
	resp.ContentLength = 0
	return resp, nil
}

// singleDoer sends each request once, counting the attempt as the retry
// layer would.
type singleDoer struct{ hc *http.Client }

func (d singleDoer) Do(req *http.Request) (*http.Response, error) {
	if state := callStateOf(req.Context()); state != nil {
		state.attempts.Add(1)
	}
	return d.hc.Do(req)
}

// retryDoer adapts go-retryablehttp's Client to the generated client's Doer.
type retryDoer struct{ rc *retryablehttp.Client }

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	if req.GetBody == nil {
		// The library reads the body and resends its own copy.
		rreq, err := retryablehttp.FromRequest(req)
		if err != nil {
			return nil, err
		}
		return d.rc.Do(rreq)
	}
	// The request can rewind its own body (the generated client builds it
	// from bytes): the first attempt sends it as it is, and rewindBody
	// takes a fresh copy before each retry, so the library need not copy
	// it. It sees no body, and so leaves the request's Body alone.
	body := req.Body
	req.Body = nil
	rreq, err := retryablehttp.FromRequest(req)
	req.Body = body
	if err != nil {
		return nil, err
	}
	return d.rc.Do(rreq)
}

// rewindBody gives a request about to be retried a fresh copy of its body.
func rewindBody(req *http.Request) error {
	if req.GetBody == nil {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return fmt.Errorf("rewind request body: %w", err)
	}
	req.Body = body
	return nil
}
