package ssocheck_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/contract"
	"github.com/stytchsso/stytchsso/pkg/sso"
	"github.com/stytchsso/stytchsso/pkg/ssocheck"
)

const (
	projectID = testutil.ProjectID
	secret    = "secret-test-00000000000000000000"
	orgID     = "organization-test-1"
	extID     = "external-connection-test-1"
)

// external answers every External update with status and body.
func external(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

const okExternal = `{"request_id":"request-id-test-1","status_code":200,"connection":{"organization_id":"organization-test-1","connection_id":"external-connection-test-1","external_organization_id":"organization-test-2","external_connection_id":"saml-connection-test-2","display_name":"x","status":"active","external_connection_implicit_role_assignments":[],"external_group_implicit_role_assignments":[]}}`

func client(t *testing.T, srv *httptest.Server, cfg contract.CheckConfig) *sso.Client {
	t.Helper()
	v, err := contract.New(contract.WithStrict(true))
	require.NoError(t, err)
	checker, err := contract.NewChecker(v, cfg)
	require.NoError(t, err)
	c, err := sso.New(projectID, secret, sso.WithBaseURL(srv.URL), sso.WithoutRetries(), ssocheck.WithValidation(checker))
	require.NoError(t, err)
	return c
}

func TestConformingCallPasses(t *testing.T) {
	t.Parallel()
	srv, _ := external(t, http.StatusOK, okExternal)
	conn, err := client(t, srv, contract.CheckConfig{}).UpdateExternalConnection(context.Background(), orgID, extID, &sso.ExternalConnectionUpdate{DisplayName: sso.Ptr("x")})
	require.NoError(t, err)
	assert.Equal(t, extID, conn.ConnectionID)
}

func TestEnforceFailsADriftingSuccess(t *testing.T) {
	t.Parallel()
	srv, calls := external(t, http.StatusOK, strings.Replace(okExternal, `"status":"active"`, `"status":"active","brand_new_field":1`, 1))
	conn, err := client(t, srv, contract.CheckConfig{}).UpdateExternalConnection(context.Background(), orgID, extID, nil)
	require.Error(t, err)
	assert.Nil(t, conn)
	var ce *contract.ViolationError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Violations, 1)
	assert.Equal(t, "/connection/brand_new_field", ce.Violations[0].Location)
	var apiErr *sso.APIError
	assert.False(t, errors.As(err, &apiErr), "a 200 is not an API error")
	assert.Equal(t, int32(1), calls.Load())
}

func TestEnforceKeepsTheAPIErrorOfADriftingErrorResponse(t *testing.T) {
	t.Parallel()
	// status_code does not echo the HTTP status: an invariant of the spec.
	srv, _ := external(t, http.StatusNotFound, `{"status_code":500,"request_id":"r","error_type":"organization_not_found","error_message":"m","error_url":"u"}`)
	_, err := client(t, srv, contract.CheckConfig{}).UpdateExternalConnection(context.Background(), orgID, extID, nil)
	assert.ErrorIs(t, err, sso.ErrNotFound)
	var apiErr *sso.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	var ce *contract.ViolationError
	require.ErrorAs(t, err, &ce, "the violation stays reachable inside the *APIError")
	assert.Equal(t, "/status_code", ce.Violations[0].Location)
}

func TestReportLeavesTheCallAlone(t *testing.T) {
	t.Parallel()
	srv, _ := external(t, http.StatusOK, strings.Replace(okExternal, `"status":"active"`, `"status":"active","brand_new_field":1`, 1))
	var reported atomic.Int32
	c := client(t, srv, contract.CheckConfig{Mode: contract.Monitor, OnViolation: func(_ context.Context, p *contract.Pair, vs []contract.Violation) {
		assert.Equal(t, "live", p.Source)
		assert.NotEmpty(t, p.RequestHeader.Get("Authorization"), "the pair carries the request as sent")
		reported.Add(int32(len(vs)))
	}})
	conn, err := c.UpdateExternalConnection(context.Background(), orgID, extID, nil)
	require.NoError(t, err)
	assert.Equal(t, extID, conn.ConnectionID)
	assert.Equal(t, int32(1), reported.Load())
}

func TestNilCheckerFailsNew(t *testing.T) {
	t.Parallel()
	_, err := sso.New(projectID, secret, ssocheck.WithValidation(nil))
	require.Error(t, err)
}
