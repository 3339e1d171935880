package sso

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
)

// peerWriteLimit bounds what an endless server writes, so that a broken
// client cannot keep it writing forever.
const peerWriteLimit = 1 << 30

// TestHostilePeers drives the client against servers that break HTTP in
// ways a proxy or an attacker might: each ends in a bounded number of
// attempts with a typed error, or succeeds, and never hangs.
func TestHostilePeers(t *testing.T) {
	t.Parallel()

	t.Run("a body that never ends", func(t *testing.T) {
		t.Parallel()
		for _, status := range []int{200, 500} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				chunk := []byte(`{"a":"` + strings.Repeat("x", 4090) + `"},`)
				for n := 0; n < peerWriteLimit; n += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return // the client hung up
					}
				}
			}))
			ctx := testutil.HangGuard(t, "a call against an endless body")
			c, err := New(testProjectID, testSecret, WithBaseURL(srv.URL), WithMaxResponseBytes(1<<16), WithRetry(RetryPolicy{MaxAttempts: 3}), withWaitHook(noWait))
			require.NoError(t, err)
			var meta ResponseMeta
			_, err = c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
			assert.ErrorIs(t, err, ErrResponseTooLarge, "status %d", status)
			assert.NoError(t, ctx.Err(), "the hang guard fired")
			if status == 500 {
				assert.Equal(t, 3, meta.Attempts, "a 500 is retried, each too large")
			}
			c.CloseIdleConnections()
			srv.Close()
		}
	})

	t.Run("a Content-Length longer than the body, then a stall", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		url, stop := rawServer(t, func(conn net.Conn) {
			if n.Add(1) == 1 {
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(samlOK)+100)+"\r\n\r\n"+samlOK)
				stallUntilGone(t, conn)
				return
			}
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "+strconv.Itoa(len(samlOK))+"\r\n\r\n"+samlOK)
		})
		defer stop()
		meta, err := stalledCall(t, url)
		require.NoError(t, err, "the stalled attempt is retried")
		assert.Equal(t, 2, meta.Attempts)
	})

	t.Run("a Content-Length longer than the body, then the connection closes", func(t *testing.T) {
		t.Parallel()
		url, stop := rawServer(t, func(conn net.Conn) {
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(samlOK)+100)+"\r\n\r\n"+samlOK)
		})
		defer stop()
		_, err := faultCall(t, url, context.Background(), WithoutRetries())
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})

	t.Run("a Content-Length shorter than the body", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		url, stop := rawServer(t, func(conn net.Conn) {
			// The body runs 200 bytes past its Content-Length; what follows
			// must not be taken for the next response.
			for {
				if n.Add(1) > 2 {
					return
				}
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+strconv.Itoa(len(samlOK)-200)+"\r\n\r\n"+samlOK)
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
			}
		})
		defer stop()
		c, err := New(testProjectID, testSecret, WithBaseURL(url), WithoutRetries())
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		ctx := testutil.HangGuard(t, "two calls after a short Content-Length")
		for i := range 2 {
			_, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil)
			assert.ErrorIs(t, err, ErrDecode, "call %d: the body is cut at its Content-Length", i)
		}
		assert.NoError(t, ctx.Err(), "the hang guard fired")
	})

	t.Run("a redirect loop", func(t *testing.T) {
		t.Parallel()
		for _, code := range []int{301, 302, 307, 308} {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				http.Redirect(w, r, r.URL.Path, code)
			}))
			c, err := New(testProjectID, testSecret, WithBaseURL(srv.URL), withWaitHook(noWait))
			require.NoError(t, err)
			_, err = c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr, "status %d", code)
			assert.Equal(t, code, apiErr.StatusCode)
			assert.Equal(t, int32(1), hits.Load(), "a redirect is never followed, so never looped")
			c.CloseIdleConnections()
			srv.Close()
		}
	})

	t.Run("endless 1xx responses", func(t *testing.T) {
		t.Parallel()
		for _, line := range []string{"HTTP/1.1 100 Continue", "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload"} {
			url, stop := rawServer(t, func(conn net.Conn) {
				for n := 0; n < peerWriteLimit; n += len(line) + 4 {
					if _, err := io.WriteString(conn, line+"\r\n\r\n"); err != nil {
						return
					}
				}
			})
			ctx := testutil.HangGuard(t, "a call against endless 1xx responses")
			meta, err := faultCall(t, url, ctx, WithRetry(RetryPolicy{MaxAttempts: 2}))
			require.Error(t, err)
			// Cut off after maxResponseHeaderBytes of 1xx, not net/http's
			// default of 10 MB.
			assert.Contains(t, err.Error(), "headers exceeded "+strconv.Itoa(maxResponseHeaderBytes)+" bytes")
			assert.Equal(t, 2, meta.Attempts)
			assert.NoError(t, ctx.Err(), "the hang guard fired")
			stop()
		}
	})

	t.Run("a body that stalls after the headers is retried within the attempt timeout", func(t *testing.T) {
		t.Parallel()
		for _, status := range []int{200, 404} {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if n.Add(1) == 1 {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(status)
					_, _ = io.WriteString(w, samlOK[:50])
					w.(http.Flusher).Flush()
					waitGone(t, r)
					return
				}
				okResponder(w, r, 0)
			}))
			meta, err := stalledCall(t, srv.URL)
			require.NoError(t, err, "status %d", status)
			assert.Equal(t, 2, meta.Attempts)
			srv.Close()
		}
	})

	t.Run("a body that stalls on every attempt fails after them all", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, samlOK[:50])
			w.(http.Flusher).Flush()
			waitGone(t, r)
		}))
		defer srv.Close()
		meta, err := stalledCall(t, srv.URL)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "after 3 attempts")
		assert.Equal(t, 3, meta.Attempts)
	})
}

// stalledCall calls url with a short attempt timeout and three attempts,
// under the hang guard, which must not fire.
func stalledCall(t *testing.T, url string) (*ResponseMeta, error) {
	t.Helper()
	c, err := New(testProjectID, testSecret, WithBaseURL(url), WithAttemptTimeout(100*time.Millisecond),
		WithRetry(RetryPolicy{MaxAttempts: 3}), withWaitHook(noWait))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ctx := testutil.HangGuard(t, "a call against a stalling body")
	var meta ResponseMeta
	_, err = c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
	require.NoError(t, ctx.Err(), "the hang guard fired")
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Logf("call error: %v", err)
	}
	return &meta, err
}

// stallUntilGone sends nothing more until the client hangs up, or until the
// test's hang guard with a broken client.
func stallUntilGone(t *testing.T, conn net.Conn) {
	_ = conn.SetReadDeadline(testutil.HangDeadline(t))
	_, _ = io.Copy(io.Discard, conn)
}
