package contracttests

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/gen/stytchsso"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/provider"
	"github.com/stytchsso/stytchsso/pkg/sso"
)

// statusSentinels is the client's sentinel for each error status the spec
// declares: a status declared later needs one here (the test says so).
var statusSentinels = map[int]error{
	http.StatusBadRequest:          sso.ErrBadRequest,
	http.StatusUnauthorized:        sso.ErrUnauthorized,
	http.StatusForbidden:           sso.ErrForbidden,
	http.StatusNotFound:            sso.ErrNotFound,
	http.StatusTooManyRequests:     sso.ErrRateLimited,
	http.StatusInternalServerError: sso.ErrServerError,
}

// preferScenarios is one scenario per status the spec declares for each
// endpoint, each asking for its status with Prefer: code=N and an empty body.
func preferScenarios(t testing.TB) []scenario {
	t.Helper()
	doc, err := api.Document()
	require.NoError(t, err)
	var out []scenario
	for _, ep := range []struct {
		op, path string
		call     func(context.Context, *sso.Client, *target, *fixtures) (*result, error)
	}{
		{samlEndpoint.name, names.SAMLConnectionPath, samlEndpoint.call(request[sso.SAMLConnectionUpdate, stytchsso.SAMLConnection]{})},
		{externalEndpoint.name, names.ExternalConnectionPath, externalEndpoint.call(request[sso.ExternalConnectionUpdate, stytchsso.ExternalConnection]{})},
	} {
		codes := slices.Sorted(maps.Keys(doc.Paths.Find(ep.path).Put.Responses.Map()))
		for _, code := range codes {
			n, err := strconv.Atoi(code)
			require.NoError(t, err, "%s declares %s: not a status one can ask for", ep.path, code)
			s := scenario{name: "prefer_" + code, op: ep.op, wantStatus: n, prefer: n, needs: needsPrefer, call: ep.call}
			if n != http.StatusOK {
				s.wantErr = statusSentinels[n]
				require.NotNil(t, s.wantErr, "%s declares %d: give it a sentinel in statusSentinels", ep.path, n)
			}
			out = append(out, s)
		}
	}
	return out
}

// runPreferScenarios reaches every declared status of both endpoints on tg
// by asking for it, through the client and the validating transport in
// enforce and strict mode: each answer must be the typed result or error of
// its status, and valid under the spec.
func runPreferScenarios(ctx context.Context, t *testing.T, tg *target) {
	t.Helper()
	fx := newFixtures(t)
	v := strictValidator(t)
	reached := map[string]bool{}
	all := preferScenarios(t)
	for _, s := range all {
		t.Run(s.id(), func(t *testing.T) {
			require.Empty(t, s.needs(tg), "%s must honour Prefer", tg.name)
			runScenario(ctx, t, tg, s, fx, nil, v)
			reached[s.id()] = !t.Failed()
		})
	}
	assert.Len(t, reached, len(all), "every declared status was asked for")
	for _, id := range []string{"saml/prefer_200", "saml/prefer_429", "saml/prefer_500", "external/prefer_200", "external/prefer_429", "external/prefer_500"} {
		assert.True(t, reached[id], "%s not reached", id)
	}
}

// TestPreferReachesEveryDeclaredStatus: on the local provider, every status
// the spec declares is reachable on demand.
func TestPreferReachesEveryDeclaredStatus(t *testing.T) {
	tg := localTarget(t, "secret-test-prefer-run")
	ctx := testutil.HangGuard(t, "every declared status reached through Prefer")
	runPreferScenarios(ctx, t, tg)
	saml, ok := tg.local.SAMLConnection(tg.orgID, tg.samlID)
	require.True(t, ok)
	assert.Equal(t, "Local test SAML connection", saml.DisplayName, "asking for a status changes nothing")
}

// detectPrefer reports whether tg honours Prefer: code=N, by asking it for
// a 404 on an update with an empty JSON object (which changes nothing, on
// Stytch too) and looking for Preference-Applied: code=404 in the answer.
func detectPrefer(ctx context.Context, t testing.TB, tg *target) bool {
	t.Helper()
	url := fmt.Sprintf("%s/v1/b2b/sso/external/%s/connections/%s", tg.baseURL, tg.orgID, tg.externalID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, strings.NewReader("{}"))
	require.NoError(t, err)
	req.SetBasicAuth(tg.projectID, tg.secret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(provider.PreferHeader, "code=404")
	resp, err := (&http.Client{Transport: orDefault(tg.transport)}).Do(req)
	require.NoError(t, err, "asking %s whether it honours Prefer", tg.name)
	resp.Body.Close()
	return resp.StatusCode == http.StatusNotFound && resp.Header.Get(provider.PreferenceAppliedHeader) == "code=404"
}

func TestDetectPrefer(t *testing.T) {
	t.Parallel()
	ctx := testutil.HangGuard(t, "asking the local provider and a Prefer-ignoring server for a status")
	tg := localTarget(t, "secret-test-detect-prefer")
	assert.True(t, detectPrefer(ctx, t, tg), "the local provider honours Prefer")
	ignoring := *tg
	ignoring.baseURL = stripPrefer(t, tg).URL
	assert.False(t, detectPrefer(ctx, t, &ignoring), "a server that ignores Prefer (as Stytch does) answers 200")
}

// stripPrefer serves tg's local provider with the Prefer header removed: a
// stand-in for a server that ignores it.
func stripPrefer(t testing.TB, tg *target) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del(provider.PreferHeader)
		tg.local.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}
