package provider_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/pkg/provider"
)

func prefer(v string) reqOpt { return withHeader(provider.PreferHeader, v) }

// specStatuses lists the statuses the spec declares for PUT specPath.
func specStatuses(t *testing.T, specPath string) []int {
	t.Helper()
	doc, err := api.Document()
	require.NoError(t, err)
	var out []int
	for code := range doc.Paths.Find(specPath).Put.Responses.Map() {
		n, err := strconv.Atoi(code)
		require.NoError(t, err, "the spec declares a status range %s: decide what Prefer does with it", code)
		out = append(out, n)
	}
	require.NotEmpty(t, out)
	return out
}

// TestPreferAnswersEveryDeclaredStatus: Prefer: code=N makes the provider
// answer every status the spec declares for each operation, with a body
// valid under the spec in strict mode (e.do checks it), and changes nothing.
func TestPreferAnswersEveryDeclaredStatus(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	wantType := map[int]string{400: "bad_request", 401: "unauthorized_credentials", 403: "session_authorization_error",
		429: "too_many_requests", 500: "internal_server_error"}
	for _, op := range []struct{ path, specPath, notFound string }{
		{e.samlPath(), names.SAMLConnectionPath, "saml_connection_not_found"},
		{e.externalPath(), names.ExternalConnectionPath, "external_connection_not_found"},
	} {
		for _, code := range specStatuses(t, op.specPath) {
			res := e.do(t, http.MethodPut, op.path, `{"display_name":"never applied"}`, prefer(fmt.Sprintf("code=%d", code)))
			require.Equal(t, code, res.status, "%s with Prefer: code=%d: %s", op.specPath, code, res.raw)
			assert.Equal(t, fmt.Sprintf("code=%d", code), res.header.Get(provider.PreferenceAppliedHeader))
			switch code {
			case 200:
				assert.NotEqual(t, "never applied", res.conn()["display_name"], "code=200 answers the connection as it stands")
			case 404:
				assert.Equal(t, op.notFound, res.str("error_type"))
			case 429:
				assert.Equal(t, "1", res.header.Get("Retry-After"), "a 429 says when to retry")
				assert.Equal(t, wantType[code], res.str("error_type"))
			default:
				assert.Equal(t, wantType[code], res.str("error_type"), "code=%d", code)
			}
			if code != 429 {
				assert.Empty(t, res.header.Get("Retry-After"), "code=%d", code)
			}
		}
	}
	saml, ok := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	require.True(t, ok)
	assert.Equal(t, "Local test SAML connection", saml.DisplayName, "no forced answer applied its body")
	ext, ok := e.p.ExternalConnection(e.seed.OrganizationID, e.seed.ExternalConnectionID)
	require.True(t, ok)
	assert.Equal(t, "Local test External connection", ext.DisplayName, "no forced answer applied its body")
}

// TestPreferRefusesWhatItCannotHonour: a code the operation does not declare,
// or one that is not a number, gets 400 naming the declared statuses, and
// nothing is applied.
func TestPreferRefusesWhatItCannotHonour(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	for _, v := range []string{"code=418", "code=409", "code=abc", "code=", "code=4290", "code=-1"} {
		res := e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"never applied"}`, prefer(v))
		require.Equal(t, http.StatusBadRequest, res.status, "Prefer: %s", v)
		assert.Equal(t, "bad_request", res.str("error_type"))
		assert.Contains(t, res.str("error_message"), "declared: 200, 400, 401, 403, 404, 429, 500", "Prefer: %s", v)
		assert.Contains(t, res.str("error_message"), names.OperationUpdateSAMLConnection)
		assert.Empty(t, res.header.Get(provider.PreferenceAppliedHeader), "Prefer: %s was not applied", v)
	}
	res := e.do(t, http.MethodPut, e.externalPath(), "", prefer("code=302"))
	assert.Contains(t, res.str("error_message"), "code=302, which UpdateExternalConnection does not declare")
	saml, _ := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	assert.Equal(t, "Local test SAML connection", saml.DisplayName)
}

// TestPreferSyntax: the code preference is found among others, quoted, in
// any case, with parameters, or in a second Prefer header (RFC 7240); a
// Prefer header without a code leaves the request alone.
func TestPreferSyntax(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	for _, v := range []string{"respond-async, code=429", `code="429"`, "CODE = 429", "code=429; foo=bar", "wait=10,code=429,code=500"} {
		res := e.do(t, http.MethodPut, e.samlPath(), "", prefer(v))
		assert.Equal(t, http.StatusTooManyRequests, res.status, "Prefer: %s", v)
	}
	res := e.do(t, http.MethodPut, e.samlPath(), "", func(r *http.Request) {
		r.Header.Add(provider.PreferHeader, "return=minimal")
		r.Header.Add(provider.PreferHeader, "code=500")
	})
	assert.Equal(t, http.StatusInternalServerError, res.status, "a code in the second Prefer header")
	res = e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"applied"}`, prefer("return=representation, dynamic=true"))
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "applied", res.conn()["display_name"], "no code: handled as usual")
	assert.Empty(t, res.header.Get(provider.PreferenceAppliedHeader))
}

// TestPreferComesAfterAuthAndBeforeTheRateLimit: credentials are checked
// first (Prefer is no way around them), and forced answers neither use the
// rate limit's budget nor the queued faults.
func TestPreferComesAfterAuthAndBeforeTheRateLimit(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}
	e := setup(t, provider.Config{RateLimit: 1, Burst: 1, Clock: clock.Now})
	res := e.do(t, http.MethodPut, e.samlPath(), "", noAuth(), prefer("code=200"))
	assert.Equal(t, http.StatusUnauthorized, res.status, "no credentials, whatever the preference")
	res = e.do(t, http.MethodPut, "/v1/b2b/sso/oidc/x/connections/y", "", prefer("code=200"))
	assert.Equal(t, http.StatusNotFound, res.status, "an unknown route stays unknown")
	for range 3 {
		assert.Equal(t, http.StatusInternalServerError, e.do(t, http.MethodPut, e.samlPath(), "", prefer("code=500")).status)
	}
	e.p.FailNext(1)
	assert.Equal(t, http.StatusTooManyRequests, e.do(t, http.MethodPut, e.samlPath(), "", prefer("code=429")).status)
	assert.Equal(t, http.StatusInternalServerError, e.do(t, http.MethodPut, e.samlPath(), "").status, "the queued fault is still there")
	assert.Equal(t, http.StatusTooManyRequests, e.do(t, http.MethodPut, e.samlPath(), "").status, "that request used the one token")
	assert.Equal(t, http.StatusOK, e.do(t, http.MethodPut, e.samlPath(), "", prefer("code=200")).status, "a forced answer needs no token")
}
