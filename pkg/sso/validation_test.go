package sso

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/contract"
)

func TestWithValidationRejectsBadInput(t *testing.T) {
	t.Parallel()
	_, err := New(testProjectID, testSecret, WithValidation(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nil validator")

	_, err = New(testProjectID, testSecret, WithValidation(faultValidator(), contract.WithSampleRate(2)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WithValidation")
}

func TestWithValidationEnforce(t *testing.T) {
	t.Parallel()
	html502 := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	}

	t.Run("an HTML 502 is retried, then the call succeeds", func(t *testing.T) {
		t.Parallel()
		c, rec := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				html502(w)
				return
			}
			okResponder(w, r, n)
		}, WithValidation(faultValidator()))
		var meta ResponseMeta
		conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
		require.NoError(t, err)
		assert.Equal(t, testSAMLID, conn.ConnectionID)
		assert.Equal(t, 2, meta.Attempts)
		assert.Len(t, rec.seen, 2)
	})

	t.Run("an error response that breaks the contract is an APIError with the ContractError inside", func(t *testing.T) {
		t.Parallel()
		var waits []time.Duration
		var mu sync.Mutex
		c, rec := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "7")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, "<html>slow down</html>")
		}, WithValidation(faultValidator()), WithRetry(RetryPolicy{MaxAttempts: 2, MaxWait: time.Minute}),
			withWaitHook(func(d time.Duration) time.Duration {
				mu.Lock()
				defer mu.Unlock()
				waits = append(waits, d)
				return time.Millisecond
			}))
		conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
		require.Error(t, err)
		assert.Nil(t, conn)
		assert.ErrorIs(t, err, ErrRateLimited)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
		assert.Contains(t, apiErr.BodySample, "slow down")
		var ce *contract.ContractError
		require.ErrorAs(t, err, &ce, "the contract violation stays reachable")
		assert.Equal(t, http.StatusTooManyRequests, ce.StatusCode)
		assert.Len(t, rec.seen, 2, "a 429 is retried even when its body breaks the contract")
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []time.Duration{7 * time.Second}, waits, "Retry-After is honoured")
	})

	t.Run("a 200 that breaks the contract fails the call once, without a result", func(t *testing.T) {
		t.Parallel()
		c, rec := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, strings.Replace(samlOK, `"status":"pending"`, `"status":"pending","brand_new_field":1`, 1))
		}, WithValidation(faultValidator()))
		conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
		require.Error(t, err)
		assert.Nil(t, conn)
		var ce *contract.ContractError
		require.ErrorAs(t, err, &ce)
		require.Len(t, ce.Violations, 1)
		assert.Equal(t, contract.KindUndocumentedField, ce.Violations[0].Kind)
		assert.Equal(t, "/connection/brand_new_field", ce.Violations[0].Location)
		var apiErr *APIError
		assert.False(t, errors.As(err, &apiErr), "a 200 is not an API error")
		assert.Len(t, rec.seen, 1, "a malformed 200 is not retried")
	})
}

func TestWithValidationReportLeavesCallsAlone(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []contract.Violation
	c, _ := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, strings.Replace(samlOK, `"status":"pending"`, `"status":"pending","brand_new_field":1`, 1))
	}, WithValidation(faultValidator(), contract.WithMode(contract.Report),
		contract.WithReport(func(_ context.Context, _ *contract.Pair, vs []contract.Violation) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, vs...)
		})))
	conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
	require.NoError(t, err)
	assert.Equal(t, testSAMLID, conn.ConnectionID)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 1)
	assert.Equal(t, contract.KindUndocumentedField, got[0].Kind)
}
