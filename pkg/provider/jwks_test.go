package provider_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/pkg/provider"
)

// TestJWKSAsStytchGoSDKFetchesIt does what Stytch's Go SDK (stytch-go v18,
// b2bstytchapi.NewClient) does when it is constructed: a plain GET of
// /v1/b2b/sessions/jwks/{project_id} with no Authorization header, which
// must answer 200 with a JSON Web Key Set (RFC 7517) whose every key is a
// usable RSA public key with a key ID; otherwise the SDK's constructor fails.
func TestJWKSAsStytchGoSDKFetchesIt(t *testing.T) {
	t.Parallel()
	p, err := provider.New(provider.Config{ProjectID: testProjectID, Secret: testSecret})
	require.NoError(t, err)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)

	req, err := http.NewRequest(http.MethodGet, srv.URL+provider.JWKSPathPrefix+testProjectID, nil)
	require.NoError(t, err)
	require.Empty(t, req.Header.Get("Authorization"), "the SDK sends no credentials")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "an unauthenticated JWKS fetch: %s", raw)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))

	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(raw, &set), "the body is a JSON Web Key Set")
	require.NotEmpty(t, set.Keys, "a key set with no key verifies nothing")
	for i, k := range set.Keys {
		assert.Equal(t, "RSA", k["kty"], "keys[%d].kty", i)
		assert.NotEmpty(t, k["kid"], "keys[%d].kid: the SDK looks keys up by kid", i)
		n, _ := k["n"].(string)
		e, _ := k["e"].(string)
		nb, err := base64.RawURLEncoding.DecodeString(n)
		require.NoError(t, err, "keys[%d].n is base64url without padding", i)
		eb, err := base64.RawURLEncoding.DecodeString(e)
		require.NoError(t, err, "keys[%d].e is base64url without padding", i)
		assert.GreaterOrEqual(t, new(big.Int).SetBytes(nb).BitLen(), 2048, "keys[%d]: an RSA modulus", i)
		assert.Equal(t, int64(65537), new(big.Int).SetBytes(eb).Int64(), "keys[%d]: the exponent", i)
	}
}
