package sso

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sentinels = []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrServerError}

// TestErrorPaths covers every error status and body shape, with retries off
// so each is a single attempt.
func TestErrorPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		status        int
		contentType   string
		body          string
		wantSentinel  error
		wantType      string
		wantSample    string
		wantInError   []string
		wantRequestID string
	}{
		{name: "400", status: 400, body: errorBody(400, "invalid_x509_certificate"), wantRequestID: "request-id-test-err-400", wantSentinel: ErrBadRequest, wantType: "invalid_x509_certificate",
			wantInError: []string{"sso: UpdateSAMLConnection: 400 bad request: invalid_x509_certificate: Something about invalid_x509_certificate.", "(request_id request-id-test-err-400)"}},
		{name: "401", status: 401, body: errorBody(401, "unauthorized_credentials"), wantRequestID: "request-id-test-err-401", wantSentinel: ErrUnauthorized, wantType: "unauthorized_credentials", wantInError: []string{"401 unauthorized"}},
		{name: "403", status: 403, body: errorBody(403, "session_authorization_error"), wantRequestID: "request-id-test-err-403", wantSentinel: ErrForbidden, wantType: "session_authorization_error", wantInError: []string{"403 forbidden"}},
		{name: "404", status: 404, body: errorBody(404, "organization_not_found"), wantRequestID: "request-id-test-err-404", wantSentinel: ErrNotFound, wantType: "organization_not_found", wantInError: []string{"404 not found: organization_not_found"}},
		{name: "429", status: 429, body: errorBody(429, "too_many_requests"), wantRequestID: "request-id-test-err-429", wantSentinel: ErrRateLimited, wantType: "too_many_requests", wantInError: []string{"429 too many requests"}},
		{name: "500", status: 500, body: errorBody(500, "internal_server_error"), wantRequestID: "request-id-test-err-500", wantSentinel: ErrServerError, wantType: "internal_server_error", wantInError: []string{"500 internal server error"}},
		{name: "HTML 502", status: 502, contentType: "text/html", body: "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>\n", wantSentinel: ErrServerError,
			wantSample: "<html> <head><title>502 Bad Gateway</title></head> <body>nginx</body> </html>", wantInError: []string{"502 bad gateway: unexpected body"}},
		{name: "empty body", status: 503, wantSentinel: ErrServerError, wantInError: []string{"503 service unavailable: empty body"}},
		{name: "truncated JSON", status: 404, body: `{"status_code":404,"request_id":"req-1","error_ty`, wantSentinel: ErrNotFound, wantSample: `{"status_code":404,"request_id":"req-1","error_ty`, wantInError: []string{"unexpected body"}},
		{name: "JSON without error fields", status: 400, body: `{"hello":"world"}`, wantSentinel: ErrBadRequest, wantSample: `{"hello":"world"}`},
		{name: "error details", status: 400, body: `{"status_code":400,"request_id":"r","error_type":"bad","error_message":"m","error_url":"u","error_details":{"field":"x509_certificate"}}`, wantSentinel: ErrBadRequest, wantType: "bad", wantRequestID: "r"},
		{name: "error message with newlines stays one line", status: 400, body: `{"error_type":"t","error_message":"line1\nline2\r\nline3\u2028x","request_id":"r"}`, wantSentinel: ErrBadRequest, wantType: "t", wantRequestID: "r", wantInError: []string{"line1 line2 line3 x"}},
		{name: "HTML body echoing a key is redacted", status: 502, body: "oops -----BEGIN RSA PRIVATE KEY-----\nMIIcanary\n", wantSentinel: ErrServerError, wantSample: "oops [REDACTED]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				ct := tt.contentType
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}, WithoutRetries())
			var meta ResponseMeta
			conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil, WithResponseMeta(&meta))
			require.Error(t, err)
			assert.Nil(t, conn, "no result with an error")
			assert.Len(t, rec.requests(), 1)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.status, meta.StatusCode)
			assert.Equal(t, "UpdateSAMLConnection", apiErr.Operation)
			assert.Equal(t, tt.wantType, apiErr.ErrorType)
			assert.Equal(t, tt.wantSample, apiErr.BodySample)
			for _, s := range sentinels {
				assert.Equal(t, s == tt.wantSentinel, errors.Is(err, s), "errors.Is(err, %v)", s)
			}
			msg := err.Error()
			assert.NotContains(t, msg, "\n")
			assert.NotContains(t, msg, "canary")
			assert.Equal(t, strings.ToLower(msg[:1]), msg[:1], "lower-case start")
			for _, want := range tt.wantInError {
				assert.Contains(t, msg, want)
			}
			assert.Equal(t, tt.wantRequestID, apiErr.RequestID)
			if tt.wantRequestID != "" {
				assert.Contains(t, msg, "(request_id "+tt.wantRequestID+")")
			}
		})
	}
}

func TestErrorDetailsDecoded(t *testing.T) {
	t.Parallel()
	e := decodeAPIError("Op", 400, "application/json", []byte(`{"status_code":400,"request_id":"r","error_type":"bad","error_message":"m","error_url":"https://stytch.com/docs/api/errors/400","error_details":{"field":"x509_certificate"}}`))
	assert.Equal(t, &APIError{Operation: "Op", StatusCode: 400, RequestID: "r", ErrorType: "bad", ErrorMessage: "m", ErrorURL: "https://stytch.com/docs/api/errors/400",
		Details: map[string]any{"field": "x509_certificate"}}, e)
	assert.Equal(t, "sso: Op: 400 bad request: bad: m (request_id r)", e.Error())
}

func TestSuccessDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body, wantErr string
	}{
		{name: "truncated JSON on 200", contentType: "application/json", body: samlOK[:len(samlOK)/2], wantErr: "unexpected end of JSON input"},
		{name: "wrong Content-Type on 200", contentType: "text/html; charset=utf-8", body: samlOK, wantErr: `Content-Type "text/html; charset=utf-8", want application/json`},
		{name: "missing Content-Type on 200", contentType: "", body: samlOK, wantErr: `Content-Type ""`},
		{name: "empty 200", contentType: "application/json", body: "", wantErr: "unexpected end of JSON input"},
		{name: "no connection", contentType: "application/json", body: `{"request_id":"req-x","status_code":200}`, wantErr: "200 response has no connection (request_id req-x)"},
		{name: "wrong field type", contentType: "application/json", body: `{"request_id":"r","status_code":200,"connection":{"idp_initiated_auth_disabled":"no"}}`, wantErr: "field connection.idp_initiated_auth_disabled: a JSON value of the wrong type for Go bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header()["Content-Type"] = []string{tt.contentType}
				_, _ = io.WriteString(w, tt.body)
			})
			conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			require.Error(t, err)
			assert.Nil(t, conn)
			assert.ErrorIs(t, err, ErrDecode)
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr), "a 2xx is not an APIError")
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestAcceptsJSONContentTypes(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON", "application/problem+json"} {
		t.Run(ct, func(t *testing.T) {
			t.Parallel()
			c, _ := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", ct)
				_, _ = io.WriteString(w, samlOK)
			})
			conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			require.NoError(t, err)
			assert.Equal(t, testSAMLID, conn.ConnectionID)
		})
	}
}

func TestContextErrors(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		c, rec := setup(t, slow)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		conn, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil)
		require.Error(t, err)
		assert.Nil(t, conn)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		// At most one attempt: no retry after the deadline. (On a loaded
		// machine the deadline may pass before the request is even sent,
		// so zero is as right as one.)
		assert.LessOrEqual(t, len(rec.requests()), 1, "no retry after the deadline")
	})
	t.Run("cancelled before the call", func(t *testing.T) {
		t.Parallel()
		c, rec := setup(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.UpdateExternalConnection(ctx, testOrgID, testExtID, nil)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, rec.requests())
	})
	t.Run("cancelled during the call", func(t *testing.T) {
		t.Parallel()
		c, _ := setup(t, slow)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := c.UpdateSAMLConnection(ctx, testOrgID, testSAMLID, nil)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestResponseTooLarge(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 500} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, _ := setup(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				_, _ = io.WriteString(w, `{"pad":"`+strings.Repeat("x", 2048)+`"}`)
			}, WithMaxResponseBytes(1024), WithoutRetries())
			conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, nil)
			require.Error(t, err)
			assert.Nil(t, conn)
			assert.ErrorIs(t, err, ErrResponseTooLarge)
			assert.Contains(t, err.Error(), "too large")
			var apiErr *APIError
			assert.Equal(t, status >= 300, errors.As(err, &apiErr))
		})
	}
}

// TestDecodeErrorsQuoteNoValues checks that why a body could not be decoded
// is said without quoting the value that broke it.
func TestDecodeErrorsQuoteNoValues(t *testing.T) {
	t.Parallel()
	e := decodeAPIError("Op", 400, "application/json", []byte(`{"error_type":98765432109876,"error_message":"m"}`))
	require.Error(t, e.Err)
	assert.Contains(t, e.Err.Error(), "field error_type: a JSON value of the wrong type for Go string")
	assert.NotContains(t, e.Err.Error(), "98765432109876")

	var out struct {
		At time.Time `json:"created_at"`
	}
	err := json.Unmarshal([]byte(`{"created_at":"not-a-time-CANARY"}`), &out)
	require.Error(t, err)
	require.Contains(t, err.Error(), "CANARY", "encoding/json quotes the value: the case must show it")
	assert.Equal(t, "a time is not in RFC 3339 form", describeJSONError(err, nil))
}
