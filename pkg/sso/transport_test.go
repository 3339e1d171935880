package sso

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewWithAnyDefaultTransport builds and uses a client while
// http.DefaultTransport is not an *http.Transport (httpmock.Activate swaps
// it, as APM wrappers do). Not parallel: httpmock.Activate replaces
// http.DefaultTransport for the whole process, and parallel tests only
// start once every sequential top-level test has returned.
func TestNewWithAnyDefaultTransport(t *testing.T) {
	httpmock.Activate()
	t.Cleanup(httpmock.DeactivateAndReset)
	_, isTransport := http.DefaultTransport.(*http.Transport)
	require.False(t, isTransport, "httpmock must have replaced http.DefaultTransport")

	const base = "http://127.0.0.1:9"
	httpmock.RegisterResponder(http.MethodPut, base+"/v1/b2b/sso/saml/"+testOrgID+"/connections/"+testSAMLID,
		func(req *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(http.StatusOK, samlOK)
			resp.Header.Set("Content-Type", "application/json")
			return resp, nil
		})

	var c *Client
	var err error
	require.NotPanics(t, func() { c, err = New(testProjectID, testSecret, WithBaseURL(base)) })
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	conn, err := c.UpdateSAMLConnection(context.Background(), testOrgID, testSAMLID, &SAMLConnectionUpdate{DisplayName: Ptr("x")})
	require.NoError(t, err)
	assert.Equal(t, testSAMLID, conn.ConnectionID)
	assert.Equal(t, 1, httpmock.GetTotalCallCount(), "the call went through the installed transport")
}
