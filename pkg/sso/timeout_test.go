package sso

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func withAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		c.attemptTimeout = d
		return nil
	}
}

func okResponderNoCount(w http.ResponseWriter, r *http.Request) { okResponder(w, r, 0) }

func TestAttemptTimeout(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(okResponderNoCount))
	defer srv.Close()
	defer close(release)

	t.Run("a fast call keeps its body readable until it is read", func(t *testing.T) {
		c, err := New(testProjectID, testSecret, WithBaseURL(srv.URL), withAttemptTimeout(time.Second))
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
		name    string
		headers bool
	}{{"headers that never come", true}, {"a body that stops", false}} {
		t.Run(tc.name, func(t *testing.T) {
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stall(w, r, tc.headers) }))
			defer slow.Close()
			c, err := New(testProjectID, testSecret, WithBaseURL(slow.URL), withAttemptTimeout(50*time.Millisecond),
				WithRetry(RetryPolicy{MaxAttempts: 2}), withWaitHook(noWait))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			var meta ResponseMeta
			conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
			require.Error(t, err, "the attempt timeout must end a call the server never finishes")
			assert.Nil(t, conn)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Equal(t, 1, meta.Attempts, "a timed-out attempt is not retried")
		})
	}
}
