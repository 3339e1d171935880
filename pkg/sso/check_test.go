package sso

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/scrub"
	"github.com/stytchsso/stytchsso/pkg/contract"
)

func TestWithExchangeCheckRejectsBadInput(t *testing.T) {
	t.Parallel()
	_, err := New(testProjectID, testSecret, WithExchangeCheck(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WithExchangeCheck: nil function")

	noop := func(context.Context, *Exchange) error { return nil }
	_, err = New(testProjectID, testSecret, WithExchangeCheck(noop), WithExchangeCheck(noop))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than once")
}

// The check sees the final exchange: the request as sent (credentials and
// body included) and the response the caller gets, once per call.
func TestWithExchangeCheckSeesTheFinalExchange(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []Exchange
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		okResponder(w, r, n)
	}, WithExchangeCheck(func(_ context.Context, ex *Exchange) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, *ex)
		return nil
	}))
	_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, &SAMLConnectionUpdate{DisplayName: Ptr("x")})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 1, "one check per call, after retries")
	ex := seen[0]
	assert.Equal(t, "UpdateSAMLConnection", ex.Operation)
	assert.Equal(t, http.MethodPut, ex.Method)
	assert.Contains(t, ex.URL, "/v1/b2b/sso/saml/"+testOrgID+"/connections/"+testSAMLID)
	assert.True(t, strings.HasPrefix(ex.RequestHeader.Get("Authorization"), "Basic "))
	assert.JSONEq(t, `{"display_name":"x"}`, string(ex.RequestBody))
	assert.Equal(t, http.StatusOK, ex.StatusCode)
	assert.Contains(t, string(ex.ResponseBody), testSAMLID)
}

func TestValidationEnforce(t *testing.T) {
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
		}, withValidation(faultValidator(), contract.CheckConfig{}))
		var meta ResponseMeta
		conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
		require.NoError(t, err)
		assert.Equal(t, testSAMLID, conn.ConnectionID)
		assert.Equal(t, 2, meta.Attempts)
		assert.Len(t, rec.seen, 2)
	})

	t.Run("an error response that breaks the contract is an APIError with the ViolationError inside", func(t *testing.T) {
		t.Parallel()
		var waits []time.Duration
		var mu sync.Mutex
		c, rec := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "7")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, "<html>slow down</html>")
		}, withValidation(faultValidator(), contract.CheckConfig{}), WithRetry(RetryPolicy{MaxAttempts: 2, MaxWait: time.Minute}),
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
		var ce *contract.ViolationError
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
		}, withValidation(faultValidator(), contract.CheckConfig{}))
		conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
		require.Error(t, err)
		assert.Nil(t, conn)
		var ce *contract.ViolationError
		require.ErrorAs(t, err, &ce)
		require.Len(t, ce.Violations, 1)
		assert.Equal(t, contract.KindUndocumentedField, ce.Violations[0].Kind)
		assert.Equal(t, "/connection/brand_new_field", ce.Violations[0].Location)
		var apiErr *APIError
		assert.False(t, errors.As(err, &apiErr), "a 200 is not an API error")
		assert.Len(t, rec.seen, 1, "a malformed 200 is not retried")
	})
}

func TestValidationReportLeavesCallsAlone(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []contract.Violation
	c, _ := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, strings.Replace(samlOK, `"status":"pending"`, `"status":"pending","brand_new_field":1`, 1))
	}, withValidation(faultValidator(), contract.CheckConfig{Mode: contract.Monitor,
		OnViolation: func(_ context.Context, _ *contract.Pair, vs []contract.Violation) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, vs...)
		}}))
	conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
	require.NoError(t, err)
	assert.Equal(t, testSAMLID, conn.ConnectionID)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 1)
	assert.Equal(t, contract.KindUndocumentedField, got[0].Kind)
}

// withValidation is what ssocheck.WithValidation does; this package's own
// tests cannot import pkg/ssocheck, which imports this package.
func withValidation(v *contract.Validator, cfg contract.CheckConfig) Option {
	c, err := contract.NewChecker(v, cfg)
	if err != nil {
		panic(err)
	}
	return WithExchangeCheck(func(ctx context.Context, ex *Exchange) error {
		return c.Check(ctx, &contract.Pair{Method: ex.Method, URL: ex.URL, RequestHeader: ex.RequestHeader,
			RequestBody: ex.RequestBody, StatusCode: ex.StatusCode, ResponseHeader: ex.ResponseHeader,
			ResponseBody: ex.ResponseBody, Index: -1, Redact: ex.Redact})
	})
}

// Exchange.Redact removes the call's secrets (the project secret and the
// call's member session token, here hex-encoded as a hostile server could
// echo them in a field name) and shapes of secrets, and leaves ordinary
// text alone; an Exchange the client did not make removes shapes only.
func TestExchangeRedact(t *testing.T) {
	t.Parallel()
	const (
		token = "session-token-CANARY-exchange-redact-1"
		jwt   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlkifQ.c2lnbmF0dXJlLXNpZw"
	)
	var got []string
	c, _ := setup(t, okResponder, WithExchangeCheck(func(_ context.Context, ex *Exchange) error {
		for _, s := range []string{hex.EncodeToString([]byte(testSecret)), hex.EncodeToString([]byte(token)), jwt, "/connection/brand_new_field"} {
			got = append(got, ex.Redact("/connection/"+s))
		}
		return nil
	}))
	_, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, &SAMLConnectionUpdate{DisplayName: Ptr("x")}, WithMemberSessionToken(token))
	require.NoError(t, err)
	require.Len(t, got, 4)
	for _, g := range got[:3] {
		assert.Equal(t, "/connection/"+scrub.Marker, g)
	}
	assert.Equal(t, "/connection//connection/brand_new_field", got[3])

	var zero Exchange
	assert.Equal(t, "a "+scrub.Marker, zero.Redact("a "+jwt))
	assert.Equal(t, "a "+testSecret, zero.Redact("a "+testSecret), "no secrets known")
}
