package sso

// Retries are done by github.com/hashicorp/go-retryablehttp rather than a
// hand-written loop: it is widely used and maintained, gives every retry a
// rewound request body (so a PUT is resent byte for byte), drains and
// closes discarded responses so connections are reused, stops waiting as
// soon as the context ends, and lets us plug in our own retry policy,
// backoff and final-error handling. What we add is policy: which failures
// are worth retrying, Retry-After capped by a maximum wait, and jitter.
// The body is rewound through its own GetBody in the library's PrepareRetry
// hook (rewindBody), which spares the library a copy of it on every call.
// Its own logger is switched off (it would log URLs at every attempt); the
// client logs attempts itself through slog without credentials.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy says how calls are retried after a 429, a 5xx (other than
// 501) or a transport error such as a reset connection. Zero fields take
// the defaults shown by [DefaultRetryPolicy]. Waits grow exponentially from
// MinWait, capped at MaxWait, with jitter; a Retry-After header (seconds or
// an HTTP date) replaces the computed wait, still capped at MaxWait. The
// call's context bounds everything: a cancelled or expired context stops
// retrying at once.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included; 1 means no retry.
	MaxAttempts int
	// MinWait is the wait before the first retry, before jitter.
	MinWait time.Duration
	// MaxWait caps every wait, Retry-After included.
	MaxWait time.Duration
}

// DefaultRetryPolicy returns the policy a client uses unless told otherwise.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, MinWait: 250 * time.Millisecond, MaxWait: 10 * time.Second}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts == 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.MinWait == 0 {
		p.MinWait = d.MinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = max(d.MaxWait, p.MinWait)
	}
	return p
}

// maxAttemptsLimit keeps a typo from turning into a retry storm.
const maxAttemptsLimit = 20

// WithRetry replaces the retry policy. It conflicts with [WithoutRetries].
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if err := once(c.retry != nil, "WithRetry"); err != nil {
			return err
		}
		switch {
		case p.MaxAttempts < 0 || p.MaxAttempts > maxAttemptsLimit:
			return fmt.Errorf("WithRetry: MaxAttempts must be between 1 and %d (0 for the default), got %d", maxAttemptsLimit, p.MaxAttempts)
		case p.MinWait < 0:
			return fmt.Errorf("WithRetry: MinWait must not be negative, got %s", p.MinWait)
		case p.MaxWait < 0:
			return fmt.Errorf("WithRetry: MaxWait must not be negative, got %s", p.MaxWait)
		case p.MaxWait != 0 && p.MaxWait < p.withDefaults().MinWait:
			return fmt.Errorf("WithRetry: MaxWait %s is less than MinWait %s", p.MaxWait, p.withDefaults().MinWait)
		}
		c.retry = &p
		return nil
	}
}

// WithoutRetries makes every call a single attempt. It conflicts with
// [WithRetry].
func WithoutRetries() Option {
	return func(c *config) error {
		if err := once(c.noRetries, "WithoutRetries"); err != nil {
			return err
		}
		c.noRetries = true
		return nil
	}
}

func (c *Client) newRetryClient(inner *http.Client, p RetryPolicy) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   inner,
		Logger:       nil, // never let the library log: see the note at the top of this file
		RetryWaitMin: p.MinWait,
		RetryWaitMax: p.MaxWait,
		RetryMax:     p.MaxAttempts - 1,
		CheckRetry:   checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: giveUp,
		PrepareRetry: rewindBody,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if state := callStateOf(req.Context()); state != nil {
				state.attempts.Add(1)
			}
			if c.logger.Enabled(req.Context(), slog.LevelDebug) {
				attrs := []slog.Attr{slog.String("method", req.Method), slog.String("path", req.URL.EscapedPath()), slog.Int("attempt", attempt+1)}
				if state := callStateOf(req.Context()); state != nil && attempt > 0 {
					attrs = append(attrs, slog.String("retry_reason", state.retryReason))
				}
				c.logger.LogAttrs(req.Context(), slog.LevelDebug, "sso: attempt", attrs...)
			}
		},
	}
}

// callState is what one call shares with the layers below it, through the
// request context: the attempt counter.
type callState struct {
	attempts atomic.Int32
	// retryReason says why the last attempt is retried ("status 503",
	// "attempt timeout", "connection reset", ...). The retry layer sets and
	// reads it on the call's goroutine only.
	retryReason string
}

type callStateKey struct{}

// callStateOf returns the state of the call ctx belongs to, or nil.
func callStateOf(ctx context.Context) *callState {
	s, _ := ctx.Value(callStateKey{}).(*callState)
	return s
}

// checkRetry retries 429, 5xx other than 501, transport errors such as
// refused or reset connections, and an attempt cut off by the attempt
// timeout while the call's context still has time; never a cancelled or
// expired call context, and never another 4xx. It notes why it retries in
// the call's state, for the next attempt's debug log line.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, reason, err := retryDecision(ctx, resp, err)
	if retry {
		if state := callStateOf(ctx); state != nil {
			state.retryReason = reason
		}
	}
	return retry, err
}

func retryDecision(ctx context.Context, resp *http.Response, err error) (retry bool, reason string, _ error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, "", ctxErr
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return false, "", err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			// The call's context is still live (checked above), so the
			// attempt timeout fired. Both operations are PUTs, which are
			// idempotent: another attempt is safe, within MaxAttempts.
			return true, "attempt timeout", nil
		}
		// The library knows the transport errors no retry can fix: bad
		// scheme, invalid header, untrusted certificate, redirect loops.
		retry, policyErr := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		return retry, transportReason(err), policyErr
	}
	return statusDecision(resp.StatusCode)
}

// statusDecision is retryDecision for a status; the reason is built only
// for a retry, so that a successful call allocates nothing for it.
func statusDecision(code int) (bool, string, error) {
	if !retryableStatus(code) {
		return false, "", nil
	}
	return true, "status " + strconv.Itoa(code), nil
}

// transportReason names the kind of a transport error for the log, without
// its message (which may quote what a server sent).
func transportReason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case errors.As(err, &ne) && ne.Timeout():
		return "network timeout"
	}
	return "connection error"
}

// retryableStatus reports whether a response status is worth another try:
// 429 and 5xx other than 501.
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
}

// giveUp hands back the last response when retries run out, so a final 429
// or 5xx is decoded into an *APIError like any other; a response is never
// returned together with an error.
func giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err == nil {
		return resp, nil
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
	if attempts > 1 {
		return nil, fmt.Errorf("after %d attempts: %w", attempts, err)
	}
	return nil, err
}

// backoff is capped exponential backoff with jitter, replaced by a valid
// Retry-After header, which is capped at maxWait too.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait, ok := time.Duration(0), false
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		wait, ok = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if ok {
		wait = min(wait, maxWait)
	} else {
		wait = exponential(minWait, maxWait, attempt)
	}
	if c.waitHook != nil {
		return c.waitHook(wait)
	}
	return wait
}

// exponential is minWait*2^attempt capped at maxWait, then jittered into
// [d/2, d] so that clients that failed together do not retry together.
func exponential(minWait, maxWait time.Duration, attempt int) time.Duration {
	d := minWait
	for i := 0; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	if half := int64(d / 2); half > 0 {
		d = time.Duration(half + rand.Int64N(half+1))
	}
	return d
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
