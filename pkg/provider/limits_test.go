package provider_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/provider"
)

// TestJWKS: the route Stytch's Go SDK fetches when its B2B client is built
// answers a JSON Web Key Set holding the provider's RSA key, in Stytch's
// envelope, with or without credentials; a JWT signed with SessionSigningKey
// verifies against it.
func TestJWKS(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	path := provider.JWKSPathPrefix + testProjectID
	res := e.do(t, http.MethodGet, path, "")
	require.Equal(t, http.StatusOK, res.status, "%s", res.raw)
	assert.EqualValues(t, 200, res.body["status_code"])
	var set struct {
		Keys []struct {
			Kty, Alg, Use, Kid, N, E string
		} `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(res.raw, &set))
	require.Len(t, set.Keys, 1)
	k := set.Keys[0]
	assert.Equal(t, "RSA", k.Kty)
	assert.Equal(t, "RS256", k.Alg)
	assert.Equal(t, "sig", k.Use)
	nb, err := base64.RawURLEncoding.DecodeString(k.N)
	require.NoError(t, err)
	eb, err := base64.RawURLEncoding.DecodeString(k.E)
	require.NoError(t, err)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
	assert.Equal(t, 2048, pub.N.BitLen())

	key, kid, err := e.p.SessionSigningKey()
	require.NoError(t, err)
	assert.Equal(t, kid, k.Kid)
	signed := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"`+kid+`"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"member-test"}`))
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	assert.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig), "a JWT signed with the provider's key verifies against its JWKS")

	again := e.do(t, http.MethodGet, path, "")
	assert.Equal(t, res.body["keys"], again.body["keys"], "the same key on every fetch")
	assert.NotEqual(t, res.str("request_id"), again.str("request_id"))

	assert.Equal(t, http.StatusOK, e.do(t, http.MethodGet, path, "", noAuth()).status, "served without authentication")
	assert.Equal(t, http.StatusOK, e.do(t, http.MethodGet, path, "", withAuth(testProjectID, "secret-test-wrong")).status, "a wrong credential is ignored")
	assert.Equal(t, "project_not_found", e.do(t, http.MethodGet, provider.JWKSPathPrefix+"project-test-other", "").str("error_type"))
	bad := e.do(t, http.MethodPost, path, "")
	assert.Equal(t, http.StatusMethodNotAllowed, bad.status)
	assert.Equal(t, http.MethodGet, bad.header.Get("Allow"))
	assert.Equal(t, "route_not_found", e.do(t, http.MethodGet, provider.JWKSPathPrefix+testProjectID+"/x", "").str("error_type"))
}

// TestSDKBodiesRepeatPathIDs: Stytch's Go and Python SDKs repeat
// organization_id and connection_id in the body of both updates.
func TestSDKBodiesRepeatPathIDs(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	for path, conn := range map[string]string{e.samlPath(): e.seed.SAMLConnectionID, e.externalPath(): e.seed.ExternalConnectionID} {
		body := fmt.Sprintf(`{"organization_id":%q,"connection_id":%q,"display_name":"from an SDK"}`, e.seed.OrganizationID, conn)
		res := e.do(t, http.MethodPut, path, body)
		require.Equal(t, http.StatusOK, res.status, "%s", res.raw)
		assert.Equal(t, "from an SDK", res.conn()["display_name"])
	}
}

// TestDeepBodyRefused: a body nested 9,999 deep (which, stored, would make
// every later answer too deep for a JSON decoder) is refused, and the
// connection still answers decodably afterwards.
func TestDeepBodyRefused(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	const depth = 9999
	deep := `{"attribute_mapping":{"email":` + strings.Repeat(`[`, depth) + strings.Repeat(`]`, depth) + `}}`
	res := e.do(t, http.MethodPut, e.samlPath(), deep)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, "bad_request", res.str("error_type"))
	assert.Contains(t, res.str("error_message"), "nested deeper than")
	// Just within the limit is fine.
	ok := `{"attribute_mapping":{"email":` + strings.Repeat(`[`, provider.MaxJSONDepth-2) + strings.Repeat(`]`, provider.MaxJSONDepth-2) + `}}`
	assert.Equal(t, http.StatusOK, e.do(t, http.MethodPut, e.samlPath(), ok).status)
	after := e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"after"}`)
	require.Equal(t, http.StatusOK, after.status)
	assert.Equal(t, "after", after.conn()["display_name"])
}

// TestConnectionStateIsBounded: certificates and keys stop piling up at
// their limits (400, nothing changed), and oversized attribute mappings and
// role lists are refused.
func TestConnectionStateIsBounded(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	for i := 0; i < provider.MaxVerificationCertificates; i++ {
		body := `{"x509_certificate":` + jsonString(t, testutil.SelfSignedCertPEM(t, fmt.Sprintf("idp-%d", i), time.Now().Add(time.Hour))) + `}`
		require.Equal(t, http.StatusOK, e.do(t, http.MethodPut, e.samlPath(), body).status, "certificate %d", i)
	}
	res := e.do(t, http.MethodPut, e.samlPath(), `{"x509_certificate":`+jsonString(t, testutil.SelfSignedCertPEM(t, "one-too-many", time.Now().Add(time.Hour)))+`,"display_name":"not applied"}`)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, "too_many_verification_certificates", res.str("error_type"))
	c, ok := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	require.True(t, ok)
	assert.Equal(t, provider.MaxVerificationCertificates, len(c.VerificationCertificates))
	assert.NotEqual(t, "not applied", c.DisplayName)

	key := `{"saml_encryption_private_key":` + jsonString(t, testutil.RSAPKCS1PEM(t, 1024)) + `}`
	for i := 0; i < provider.MaxEncryptionPrivateKeys; i++ {
		require.Equal(t, http.StatusOK, e.do(t, http.MethodPut, e.samlPath(), key).status, "key %d", i)
	}
	res = e.do(t, http.MethodPut, e.samlPath(), key)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, "too_many_encryption_private_keys", res.str("error_type"))
	c, _ = e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	assert.Equal(t, provider.MaxEncryptionPrivateKeys, len(c.EncryptionPrivateKeys))

	m := map[string]string{}
	for i := 0; i <= provider.MaxAttributeMappingEntries; i++ {
		m[fmt.Sprintf("k%d", i)] = "v"
	}
	mb, err := json.Marshal(map[string]any{"attribute_mapping": m})
	require.NoError(t, err)
	res = e.do(t, http.MethodPut, e.samlPath(), string(mb))
	assert.Equal(t, "attribute_mapping_too_large", res.str("error_type"))
	big := `{"attribute_mapping":{"email":` + jsonString(t, strings.Repeat("x", provider.MaxAttributeMappingBytes)) + `}}`
	assert.Equal(t, "attribute_mapping_too_large", e.do(t, http.MethodPut, e.samlPath(), big).str("error_type"))

	roles := make([]map[string]string, provider.MaxRoleAssignments+1)
	for i := range roles {
		roles[i] = map[string]string{"role_id": "r"}
	}
	rb, err := json.Marshal(map[string]any{"external_connection_implicit_role_assignments": roles})
	require.NoError(t, err)
	res = e.do(t, http.MethodPut, e.externalPath(), string(rb))
	assert.Equal(t, "too_many_role_assignments", res.str("error_type"))
	assert.Equal(t, "external_connection_implicit_role_assignments", res.body["error_details"].(map[string]any)["field"])
}
