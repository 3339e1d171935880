package sso

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// waits records the waits the backoff computed, without sleeping them.
type waits struct {
	mu  sync.Mutex
	got []time.Duration
}

func (w *waits) hook(d time.Duration) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, d)
	return time.Millisecond
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.got...)
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		failures     int // responses before success
		status       int
		opts         []Option
		wantAttempts int
		wantErr      error
	}{
		{name: "5xx burst then success", failures: 3, status: 503, wantAttempts: 4},
		{name: "500 then success", failures: 1, status: 500, wantAttempts: 2},
		{name: "429 then success", failures: 2, status: 429, wantAttempts: 3},
		{name: "5xx past the attempt limit", failures: 10, status: 502, wantAttempts: 4, wantErr: ErrServerError},
		{name: "custom attempt limit", failures: 10, status: 500, opts: []Option{WithRetry(RetryPolicy{MaxAttempts: 2})}, wantAttempts: 2, wantErr: ErrServerError},
		{name: "retries off", failures: 10, status: 503, opts: []Option{WithoutRetries()}, wantAttempts: 1, wantErr: ErrServerError},
		{name: "400 is not retried", failures: 10, status: 400, wantAttempts: 1, wantErr: ErrBadRequest},
		{name: "401 is not retried", failures: 10, status: 401, wantAttempts: 1, wantErr: ErrUnauthorized},
		{name: "403 is not retried", failures: 10, status: 403, wantAttempts: 1, wantErr: ErrForbidden},
		{name: "404 is not retried", failures: 10, status: 404, wantAttempts: 1, wantErr: ErrNotFound},
		{name: "501 is not retried", failures: 10, status: 501, wantAttempts: 1, wantErr: ErrServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= tt.failures {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tt.status)
					_, _ = io.WriteString(w, errorBody(tt.status, "e"))
					return
				}
				okResponder(w, r, n)
			}, tt.opts...)
			var meta ResponseMeta
			params := &SAMLConnectionUpdate{DisplayName: Ptr("Acme"), SigningPrivateKey: Ptr("-----BEGIN RSA PRIVATE KEY-----\nfake\n-----END RSA PRIVATE KEY-----\n")}
			conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, params, WithResponseMeta(&meta))
			got := rec.requests()
			require.Len(t, got, tt.wantAttempts)
			assert.Equal(t, tt.wantAttempts, meta.Attempts)
			for i, s := range got {
				assert.Equal(t, got[0].body, s.body, "attempt %d body resent intact", i+1)
				assert.Equal(t, got[0].req.Header.Get("Authorization"), s.req.Header.Get("Authorization"))
				assert.Equal(t, int64(len(got[0].body)), s.req.ContentLength)
			}
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, conn)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, testSAMLID, conn.ConnectionID)
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		dateIn     time.Duration // when set, Retry-After is the HTTP date this far from the subtest's start
		policy     RetryPolicy
		check      func(t *testing.T, d time.Duration)
	}{
		{name: "seconds", retryAfter: "3", check: func(t *testing.T, d time.Duration) { assert.Equal(t, 3*time.Second, d) }},
		{name: "HTTP date", dateIn: 4 * time.Second, check: func(t *testing.T, d time.Duration) {
			assert.Greater(t, d, 2*time.Second)
			assert.LessOrEqual(t, d, 4*time.Second)
		}},
		{name: "capped by MaxWait", retryAfter: "3600", policy: RetryPolicy{MaxWait: 5 * time.Second}, check: func(t *testing.T, d time.Duration) { assert.Equal(t, 5*time.Second, d) }},
		{name: "date in the past means now", retryAfter: "Mon, 02 Jan 2006 15:04:05 GMT", check: func(t *testing.T, d time.Duration) { assert.Zero(t, d) }},
		{name: "garbage falls back to backoff", retryAfter: "soon", policy: RetryPolicy{MinWait: 100 * time.Millisecond}, check: func(t *testing.T, d time.Duration) {
			assert.GreaterOrEqual(t, d, 50*time.Millisecond)
			assert.LessOrEqual(t, d, 100*time.Millisecond)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			retryAfter := tt.retryAfter
			if tt.dateIn > 0 {
				// Computed here, not with the table: a parallel subtest may
				// start seconds after its parent on a busy machine.
				retryAfter = time.Now().Add(tt.dateIn).UTC().Format(http.TimeFormat)
			}
			var w waits
			c, rec := setup(t, func(rw http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					rw.Header().Set("Retry-After", retryAfter)
					rw.WriteHeader(http.StatusTooManyRequests)
					return
				}
				okResponder(rw, r, n)
			}, WithRetry(tt.policy), withWaitHook(w.hook))
			_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			require.NoError(t, err)
			assert.Len(t, rec.requests(), 2)
			got := w.all()
			require.Len(t, got, 1)
			tt.check(t, got[0])
		})
	}
}

func TestBackoffGrowsCappedWithJitter(t *testing.T) {
	t.Parallel()
	minWait, maxWait := 100*time.Millisecond, time.Second
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		for range 50 {
			d := exponential(minWait, maxWait, attempt)
			assert.GreaterOrEqual(t, d, want/2, "attempt %d", attempt)
			assert.LessOrEqual(t, d, want, "attempt %d", attempt)
		}
	}
	assert.Zero(t, exponential(0, 0, 3))
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false}, {"0", 0, true}, {"7", 7 * time.Second, true}, {" 2 ", 2 * time.Second, true},
		{"-1", 0, false}, {"1.5", 0, false}, {"99999999999", 24 * time.Hour, true},
		{"Mon, 05 Jan 2026 10:00:09 GMT", 9 * time.Second, true},
		{"Monday, 05-Jan-26 10:00:09 GMT", 9 * time.Second, true},
		{"Mon, 05 Jan 2026 09:00:00 GMT", 0, true},
		{"tomorrow", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in, now)
		assert.Equal(t, tt.wantOK, ok, "retryAfter(%q) ok", tt.in)
		assert.Equal(t, tt.want, got, "retryAfter(%q)", tt.in)
	}
}

// TestCancelDuringBackoff: a long Retry-After does not outlive the context.
func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	c, rec := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}, WithRetry(RetryPolicy{MaxWait: time.Hour}), withWaitHook(func(d time.Duration) time.Duration { return d }))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, rec.requests(), 1)
}

func TestRetriedBodyIsIdenticalBytes(t *testing.T) {
	t.Parallel()
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		okResponder(w, r, n)
	})
	_, err := c.UpdateExternalConnection(context.Background(), testOrgID, testExtID, &ExternalConnectionUpdate{DisplayName: Ptr("x")})
	require.NoError(t, err)
	got := rec.requests()
	require.Len(t, got, 3)
	assert.True(t, bytes.Equal(got[0].body, got[2].body))
	assert.Equal(t, `{"display_name":"x"}`, string(got[2].body))
}

// onceReader is a request body that cannot be rewound: it has no GetBody,
// and net/http does not know its type.
type onceReader struct{ r io.Reader }

func (o *onceReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestRetryDoerResendsEveryKindOfBody covers both ways the retry layer
// resends a body: through the request's GetBody (what the generated client
// builds) and, for a body without one, through the library's own copy. The
// transport is in memory: net/http's own Transport would rewind a read body
// by itself and hide a layer that does not.
func TestRetryDoerResendsEveryKindOfBody(t *testing.T) {
	t.Parallel()
	const payload = `{"display_name":"Acme"}`
	for _, tc := range []struct {
		name    string
		request func() (*http.Request, error)
	}{
		{"rewindable body", func() (*http.Request, error) {
			return http.NewRequest(http.MethodPut, "http://127.0.0.1:1/x", strings.NewReader(payload))
		}},
		{"body without GetBody", func() (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPut, "http://127.0.0.1:1/x", &onceReader{strings.NewReader(payload)})
			if err == nil && req.GetBody != nil {
				err = errors.New("the test body must not be rewindable")
			}
			return req, err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var bodies []string
			rt := rtFunc(func(r *http.Request) (*http.Response, error) {
				b, err := io.ReadAll(r.Body)
				_ = r.Body.Close()
				if err != nil {
					return nil, err
				}
				bodies = append(bodies, string(b))
				status := http.StatusServiceUnavailable
				if len(bodies) == 3 {
					status = http.StatusOK
				}
				return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
			})
			c, err := New(testProjectID, testSecret, withWaitHook(noWait))
			require.NoError(t, err)
			d := &retryDoer{rc: c.newRetryClient(&http.Client{Transport: rt}, RetryPolicy{MaxAttempts: 3})}
			req, err := tc.request()
			require.NoError(t, err)
			resp, err := d.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, []string{payload, payload, payload}, bodies)
		})
	}
}

// TestRetryLogSaysWhy checks that the debug line of each retried attempt
// names why the previous one was retried, and that the first attempt's line
// names no reason.
func TestRetryLogSaysWhy(t *testing.T) {
	t.Parallel()
	t.Run("status", func(t *testing.T) {
		t.Parallel()
		var logs syncBuffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, _ := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1:
				w.WriteHeader(http.StatusServiceUnavailable)
			case 2:
				w.WriteHeader(http.StatusTooManyRequests)
			default:
				okResponder(w, r, n)
			}
		}, WithLogger(logger))
		_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
		require.NoError(t, err)
		out := logs.String()
		assert.Regexp(t, `attempt=1\n`, out, "the first attempt has no reason")
		assert.Contains(t, out, `attempt=2 retry_reason="status 503"`)
		assert.Contains(t, out, `attempt=3 retry_reason="status 429"`)
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		url := "http://" + ln.Addr().String()
		require.NoError(t, ln.Close())
		var logs syncBuffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c, err := New(testProjectID, testSecret, WithBaseURL(url), WithLogger(logger), withWaitHook(noWait), WithRetry(RetryPolicy{MaxAttempts: 2}))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		_, err = c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
		require.Error(t, err)
		assert.Contains(t, logs.String(), `attempt=2 retry_reason="connection refused"`)
	})
}
