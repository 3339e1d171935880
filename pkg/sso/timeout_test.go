package sso

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

func okResponderNoCount(w http.ResponseWriter, r *http.Request) { okResponder(w, r, 0) }

func TestAttemptTimeout(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(okResponderNoCount))
	defer srv.Close()
	defer close(release)

	t.Run("a fast call keeps its body readable until it is read", func(t *testing.T) {
		c, err := New(testProjectID, testSecret, WithBaseURL(srv.URL), WithAttemptTimeout(time.Second))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
		require.NoError(t, err)
		assert.Equal(t, testSAMLID, conn.ConnectionID)
	})

	stall := func(w http.ResponseWriter, r *http.Request, headers bool) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		if headers {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "5000")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, samlOK[:100])
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	for _, tc := range []struct {
		name     string
		headers  bool
		attempts int
	}{
		// Headers that never come time the attempt out inside the retry
		// layer: the call's context still has time, and a PUT is
		// idempotent, so each attempt up to MaxAttempts is made.
		{"headers that never come", true, 2},
		// A body that stops is read within the attempt too (issue 21
		// section 6): it is retried the same way.
		{"a body that stops", false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stall(w, r, tc.headers) }))
			defer slow.Close()
			var logs testutil.SyncBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c, err := New(testProjectID, testSecret, WithBaseURL(slow.URL), WithAttemptTimeout(50*time.Millisecond),
				WithRetry(RetryPolicy{MaxAttempts: 2}), withWaitHook(noWait), WithLogger(logger))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			var meta ResponseMeta
			conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
			require.Error(t, err, "the attempt timeout must end a call the server never finishes")
			assert.Nil(t, conn)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Equal(t, tc.attempts, meta.Attempts)
			if tc.attempts > 1 {
				assert.Contains(t, err.Error(), "after 2 attempts")
				assert.Contains(t, logs.String(), `attempt=2 retry_reason="attempt timeout"`)
			}
		})
	}
}

// TestAttemptTimeoutRetryBoundedByCallContext shows that a timed-out
// attempt is retried only while the call's context has time: a caller
// deadline shorter than the attempt timeout ends the call after one attempt.
func TestAttemptTimeoutRetryBoundedByCallContext(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		waitGone(t, r)
	}))
	defer slow.Close()
	c, err := New(testProjectID, testSecret, WithBaseURL(slow.URL), WithAttemptTimeout(time.Minute),
		WithRetry(RetryPolicy{MaxAttempts: 5}), withWaitHook(noWait))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var meta ResponseMeta
	_, err = c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, meta.Attempts, "the caller's own deadline is not an attempt timeout")
}

// TestAttemptTimeoutDefersToASoonerCallerDeadline shows when the attempt
// timeout adds its own timer: only when the caller's context has no
// deadline, or a later one than the attempt timeout.
func TestAttemptTimeoutDefersToASoonerCallerDeadline(t *testing.T) {
	t.Parallel()
	const d = time.Minute
	for _, tc := range []struct {
		name       string
		callerIn   time.Duration // 0: no deadline
		ownTimer   bool
		wantWithin time.Duration // the deadline the attempt runs under, from now
	}{
		{"no caller deadline", 0, true, d},
		{"a later caller deadline", time.Hour, true, d},
		{"a sooner caller deadline", time.Second, false, time.Second},
		{"the same caller deadline", d, false, d},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := time.Now()
			ctx := context.Background()
			if tc.callerIn > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.callerIn)
				defer cancel()
			}
			req := httptest.NewRequest(http.MethodPut, "http://127.0.0.1/x", nil).WithContext(ctx)
			var seen *http.Request
			next := testutil.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
				seen = r
				return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
			})
			resp, err := attemptTimeout{next: next, d: d}.RoundTrip(req)
			after := time.Now()
			require.NoError(t, err)
			defer resp.Body.Close()
			deadline, ok := seen.Context().Deadline()
			require.True(t, ok, "the attempt must run under a deadline")
			// Set between before and after, however slow the machine.
			assert.False(t, deadline.Before(before.Add(tc.wantWithin)) || deadline.After(after.Add(tc.wantWithin)),
				"deadline %v from the start, want %v", deadline.Sub(before), tc.wantWithin)
			_, read := resp.Body.(*attemptBody)
			assert.True(t, read, "the body was read within the attempt")
			assert.Equal(t, tc.ownTimer, seen.Context() != ctx, "own context")
		})
	}
}

// blockingBody blocks every Read until it is closed (or, so a broken client
// cannot hang the test, until the test's hang guard fires).
type blockingBody struct {
	closed chan struct{}
	guard  <-chan struct{}
	once   sync.Once
}

func newBlockingBody(t *testing.T) *blockingBody {
	return &blockingBody{closed: make(chan struct{}), guard: testutil.HangGuard(t, "reading a body that never ends").Done()}
}

func (b *blockingBody) Read([]byte) (int, error) {
	select {
	case <-b.closed:
		return 0, errors.New("read on closed body")
	case <-b.guard:
		return 0, io.EOF
	}
}

func (b *blockingBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

// TestBodyReadBoundedByContextWithAnyTransport checks that the caller's
// context bounds reading the body even when the transport (one given through
// WithHTTPClient, a mock, a wrapper) does not tie its bodies to the request's
// context as net/http's does.
func TestBodyReadBoundedByContextWithAnyTransport(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Transport: testutil.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: newBlockingBody(t), ContentLength: -1, Request: r}, nil
	})}
	c, err := New(testProjectID, testSecret, WithBaseURL("http://127.0.0.1:9"), WithHTTPClient(hc))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil)
	assert.ErrorContains(t, err, "read on closed body", "the client closes the body at its context's deadline; it does not wait for the body to end")
}

// TestBodyReadBoundedByAttemptTimeoutWithAnyTransport checks that the
// attempt timeout bounds reading the body even when a middleware hands back
// a body that does not watch the request's context.
func TestBodyReadBoundedByAttemptTimeoutWithAnyTransport(t *testing.T) {
	t.Parallel()
	stalling := func(http.RoundTripper) http.RoundTripper {
		return testutil.RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: newBlockingBody(t), ContentLength: -1, Request: r}, nil
		})
	}
	c, err := New(testProjectID, testSecret, WithBaseURL("http://127.0.0.1:9"), WithTransportMiddleware(stalling),
		WithAttemptTimeout(200*time.Millisecond))
	require.NoError(t, err)
	_, err = c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
	assert.ErrorContains(t, err, "read on closed body", "the client closes the body at the attempt timeout; it does not wait for the body to end")
}
