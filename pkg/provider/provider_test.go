package provider_test

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api/names"
	"github.com/stytchsso/stytchsso/internal/testutil"
	"github.com/stytchsso/stytchsso/pkg/provider"
)

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  provider.Config
		want string
	}{
		{"no project", provider.Config{Secret: "s"}, "ProjectID"},
		{"no secret", provider.Config{ProjectID: "p"}, "Secret"},
		{"negative rate", provider.Config{ProjectID: "p", Secret: "s", RateLimit: -1}, "RateLimit"},
		{"negative burst", provider.Config{ProjectID: "p", Secret: "s", Burst: -1}, "Burst"},
		{"relative base URL", provider.Config{ProjectID: "p", Secret: "s", BaseURL: "test.stytch.com"}, "BaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := provider.New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "secret-test")
		})
	}
}

func TestSeed(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{BaseURL: "https://sso.example.test/"})
	assert.Regexp(t, `^organization-test-[0-9a-f-]{36}$`, e.seed.OrganizationID)
	assert.Regexp(t, `^saml-connection-test-[0-9a-f-]{36}$`, e.seed.SAMLConnectionID)
	assert.Regexp(t, `^external-connection-test-[0-9a-f-]{36}$`, e.seed.ExternalConnectionID)
	assert.NotEmpty(t, e.seed.OrganizationSlug)
	assert.NotEmpty(t, e.seed.OrganizationExternalID)

	c, ok := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	require.True(t, ok)
	assert.Equal(t, "pending", c.Status)
	assert.Equal(t, "https://sso.example.test/v1/b2b/sso/callback/"+e.seed.SAMLConnectionID, c.ACSURL)
	assert.Equal(t, c.ACSURL, c.AudienceURI)
	require.Len(t, c.SigningCertificates, 1)
	assert.Equal(t, "Stytch", c.SigningCertificates[0].Issuer)
	assert.Empty(t, c.SigningCertificates[0].CertificateID, "Stytch lists a new connection's signing certificate with an empty ID")

	x, ok := e.p.ExternalConnection(e.seed.OrganizationSlug, e.seed.ExternalConnectionID)
	require.True(t, ok)
	assert.Equal(t, "active", x.Status)
	assert.Equal(t, e.seed.OrganizationID, x.OrganizationID)

	_, ok = e.p.SAMLConnection("organization-test-unknown", e.seed.SAMLConnectionID)
	assert.False(t, ok)
	_, ok = e.p.ExternalConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	assert.False(t, ok)
}

func TestSnapshotIsACopy(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	res := e.do(t, http.MethodPut, e.samlPath(), `{"attribute_mapping":{"email":"NameID"},"saml_connection_implicit_role_assignments":[{"role_id":"stytch_member"}]}`)
	require.Equal(t, http.StatusOK, res.status)
	c, ok := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	require.True(t, ok)
	(*c.AttributeMapping)["email"] = "changed"
	c.SAMLConnectionImplicitRoleAssignments[0].RoleID = "changed"
	c.SigningCertificates[0].Issuer = "changed"
	again, _ := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	assert.Equal(t, "NameID", (*again.AttributeMapping)["email"])
	assert.Equal(t, "stytch_member", again.SAMLConnectionImplicitRoleAssignments[0].RoleID)
	assert.Equal(t, "Stytch", again.SigningCertificates[0].Issuer)
}

func TestAuth(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	tests := []struct {
		name string
		opts []reqOpt
		want int
	}{
		{"right credentials", nil, http.StatusOK},
		{"no Authorization", []reqOpt{noAuth()}, http.StatusUnauthorized},
		{"wrong secret", []reqOpt{withAuth(testProjectID, "secret-test-wrong")}, http.StatusUnauthorized},
		{"wrong project", []reqOpt{withAuth("project-test-11111111-1111-1111-1111-111111111111", testSecret)}, http.StatusUnauthorized},
		{"not Basic", []reqOpt{withHeader("Authorization", "Bearer "+testSecret)}, http.StatusUnauthorized},
		{"secret as user", []reqOpt{withAuth(testSecret, testProjectID)}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, path := range []string{e.samlPath(), e.externalPath()} {
				res := e.do(t, http.MethodPut, path, `{}`, tt.opts...)
				assert.Equalf(t, tt.want, res.status, "PUT %s", path)
				if tt.want == http.StatusUnauthorized {
					assert.Equal(t, "unauthorized_credentials", res.str("error_type"))
				}
			}
		})
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	tests := []struct {
		name, method, path string
		want               int
		wantType           string
	}{
		{"unknown path", http.MethodPut, "/v1/b2b/sso/oidc/x/connections/y", http.StatusNotFound, "route_not_found"},
		{"root", http.MethodGet, "/", http.StatusNotFound, "route_not_found"},
		{"extra segment", http.MethodPut, e.samlPath() + "/url", http.StatusNotFound, "route_not_found"},
		{"empty organization", http.MethodPut, "/v1/b2b/sso/saml//connections/" + e.seed.SAMLConnectionID, http.StatusNotFound, "route_not_found"},
		{"GET on SAML", http.MethodGet, e.samlPath(), http.StatusMethodNotAllowed, "method_not_allowed"},
		{"POST on External", http.MethodPost, e.externalPath(), http.StatusMethodNotAllowed, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := e.do(t, tt.method, tt.path, "")
			assert.Equal(t, tt.want, res.status)
			assert.Equal(t, tt.wantType, res.str("error_type"))
			if tt.want == http.StatusMethodNotAllowed {
				assert.Equal(t, http.MethodPut, res.header.Get("Allow"))
			}
		})
	}
}

func TestNotFoundAndOrganizationKeys(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	s := e.seed
	tests := []struct {
		name     string
		path     string
		want     int
		wantType string
	}{
		{"SAML by ID", "/v1/b2b/sso/saml/" + s.OrganizationID + "/connections/" + s.SAMLConnectionID, 200, ""},
		{"SAML by slug", "/v1/b2b/sso/saml/" + s.OrganizationSlug + "/connections/" + s.SAMLConnectionID, 200, ""},
		{"SAML by external ID", "/v1/b2b/sso/saml/" + s.OrganizationExternalID + "/connections/" + s.SAMLConnectionID, 200, ""},
		{"External by slug", "/v1/b2b/sso/external/" + s.OrganizationSlug + "/connections/" + s.ExternalConnectionID, 200, ""},
		{"escaped IDs", "/v1/b2b/sso/saml/" + url.PathEscape(s.OrganizationID) + "/connections/" + strings.Replace(s.SAMLConnectionID, "-", "%2D", 1), 200, ""},
		{"unknown organization", "/v1/b2b/sso/saml/organization-test-nope/connections/" + s.SAMLConnectionID, 404, "organization_not_found"},
		{"unknown organization, External", "/v1/b2b/sso/external/nope/connections/" + s.ExternalConnectionID, 404, "organization_not_found"},
		{"unknown SAML connection", "/v1/b2b/sso/saml/" + s.OrganizationID + "/connections/saml-connection-test-nope", 404, "saml_connection_not_found"},
		{"External ID on the SAML path", "/v1/b2b/sso/saml/" + s.OrganizationID + "/connections/" + s.ExternalConnectionID, 404, "saml_connection_not_found"},
		{"SAML ID on the External path", "/v1/b2b/sso/external/" + s.OrganizationID + "/connections/" + s.SAMLConnectionID, 404, "external_connection_not_found"},
		{"slug with a slash escaped", "/v1/b2b/sso/saml/" + url.PathEscape("a/b") + "/connections/" + s.SAMLConnectionID, 404, "organization_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := e.do(t, http.MethodPut, tt.path, "")
			assert.Equal(t, tt.want, res.status)
			assert.Equal(t, tt.wantType, res.str("error_type"))
			if tt.want == 200 {
				assert.Equal(t, s.OrganizationID, res.conn()["organization_id"])
			}
		})
	}
}

func TestBodyValidation(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	const canary = "canary-value-5d1f"
	tests := []struct {
		name      string
		external  bool
		body      string
		wantField string // "" when the message names no field
	}{
		{"not JSON", false, `{"display_name":`, ""},
		{"array", false, `[]`, ""},
		{"string", true, `"` + canary + `"`, ""},
		{"trailing data", false, `{} {}`, ""},
		{"number for string", false, `{"display_name": 42}`, "display_name"},
		{"string for bool", false, `{"idp_initiated_auth_disabled": "` + canary + `"}`, "idp_initiated_auth_disabled"},
		{"null", false, `{"idp_entity_id": null}`, "idp_entity_id"},
		{"enum", false, `{"identity_provider": "` + canary + `"}`, "identity_provider"},
		{"object for key", false, `{"signing_private_key": {"k":"` + canary + `"}}`, "signing_private_key"},
		{"mapping not object", false, `{"attribute_mapping": ["` + canary + `"]}`, "attribute_mapping"},
		{"role missing", false, `{"saml_group_implicit_role_assignments": [{"group":"` + canary + `"}]}`, "saml_group_implicit_role_assignments.0"},
		{"External role wrong type", true, `{"external_connection_implicit_role_assignments": [{"role_id": 7}]}`, "external_connection_implicit_role_assignments.0.role_id"},
		{"External roles not array", true, `{"external_group_implicit_role_assignments": "` + canary + `"}`, "external_group_implicit_role_assignments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := e.samlPath()
			if tt.external {
				path = e.externalPath()
			}
			res := e.do(t, http.MethodPut, path, tt.body)
			require.Equal(t, http.StatusBadRequest, res.status, string(res.raw))
			assert.Equal(t, "bad_request", res.str("error_type"))
			assert.NotContains(t, string(res.raw), canary, "an error must never quote the value")
			if tt.wantField != "" {
				assert.Contains(t, res.str("error_message"), tt.wantField)
				details, _ := res.body["error_details"].(map[string]any)
				assert.Contains(t, details["field"], tt.wantField)
			}
		})
	}
	// Nothing of the rejected bodies was applied.
	c, _ := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	assert.Equal(t, "generic", c.IdentityProvider)
	assert.Equal(t, "Local test SAML connection", c.DisplayName)
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	big := `{"display_name":"` + strings.Repeat("a", provider.MaxRequestBodyBytes) + `"}`
	res := e.do(t, http.MethodPut, e.samlPath(), big)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.str("error_message"), "larger than")
}

func TestUnknownFieldsAreIgnored(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	// Stytch's Go and Python SDKs send the path IDs in the body too.
	body := fmt.Sprintf(`{"organization_id":%q,"connection_id":%q,"display_name":"SDK style","no_such_field":{"a":1}}`,
		e.seed.OrganizationID, e.seed.SAMLConnectionID)
	res := e.do(t, http.MethodPut, e.samlPath(), body)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "SDK style", res.conn()["display_name"])
	assert.NotContains(t, res.conn(), "no_such_field")
}

func TestPartialUpdatesSAML(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	full := `{
		"idp_entity_id": "http://www.okta.com/exk0000",
		"display_name": "Acme Okta",
		"attribute_mapping": {"email": "NameID", "groups": "groups"},
		"idp_sso_url": "https://acme.okta.example/sso/saml",
		"saml_connection_implicit_role_assignments": [{"role_id": "stytch_member"}],
		"saml_group_implicit_role_assignments": [{"role_id": "stytch_admin", "group": "admins"}],
		"alternative_audience_uri": "https://legacy.example/aud",
		"identity_provider": "okta",
		"nameid_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
		"alternative_acs_url": "https://legacy.example/acs",
		"idp_initiated_auth_disabled": true,
		"allow_gateway_callback": true
	}`
	res := e.do(t, http.MethodPut, e.samlPath(), full)
	require.Equal(t, http.StatusOK, res.status, string(res.raw))
	before := res.conn()

	t.Run("empty body changes nothing", func(t *testing.T) {
		for _, body := range []string{"", "{}", "  \n"} {
			res := e.do(t, http.MethodPut, e.samlPath(), body)
			require.Equal(t, http.StatusOK, res.status)
			assert.Equal(t, before, res.conn(), "body %q", body)
		}
	})
	t.Run("one field changes one field", func(t *testing.T) {
		res := e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"Renamed"}`)
		require.Equal(t, http.StatusOK, res.status)
		want := copyMap(before)
		want["display_name"] = "Renamed"
		assert.Equal(t, want, res.conn())
	})
	t.Run("explicit false, empty string and empty list are applied", func(t *testing.T) {
		res := e.do(t, http.MethodPut, e.samlPath(), `{
			"idp_initiated_auth_disabled": false, "allow_gateway_callback": false,
			"alternative_acs_url": "", "alternative_audience_uri": "",
			"saml_group_implicit_role_assignments": [], "saml_connection_implicit_role_assignments": []}`)
		require.Equal(t, http.StatusOK, res.status, string(res.raw))
		c := res.conn()
		assert.Equal(t, false, c["idp_initiated_auth_disabled"])
		assert.Equal(t, false, c["allow_gateway_callback"])
		assert.Equal(t, "", c["alternative_acs_url"])
		assert.Equal(t, "", c["alternative_audience_uri"])
		assert.Equal(t, []any{}, c["saml_group_implicit_role_assignments"])
		assert.Equal(t, []any{}, c["saml_connection_implicit_role_assignments"])
		// Untouched fields keep their values.
		assert.Equal(t, "Renamed", c["display_name"])
		assert.Equal(t, "okta", c["identity_provider"])
		assert.Equal(t, before["attribute_mapping"], c["attribute_mapping"])
	})
}

func TestPartialUpdatesExternal(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	res := e.do(t, http.MethodPut, e.externalPath(), `{"display_name":"Via parent",
		"external_connection_implicit_role_assignments":[{"role_id":"stytch_member"}],
		"external_group_implicit_role_assignments":[{"role_id":"stytch_admin","group":"admins"}]}`)
	require.Equal(t, http.StatusOK, res.status, string(res.raw))
	c := res.conn()
	assert.Equal(t, "Via parent", c["display_name"])
	assert.Equal(t, "active", c["status"])
	assert.Len(t, c["external_group_implicit_role_assignments"], 1)

	res = e.do(t, http.MethodPut, e.externalPath(), `{"external_group_implicit_role_assignments":[]}`)
	require.Equal(t, http.StatusOK, res.status)
	c = res.conn()
	assert.Equal(t, []any{}, c["external_group_implicit_role_assignments"])
	assert.Len(t, c["external_connection_implicit_role_assignments"], 1, "omitted field unchanged")
	assert.Equal(t, "Via parent", c["display_name"])

	res = e.do(t, http.MethodPut, e.externalPath(), `{"display_name":""}`)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "", res.conn()["display_name"])

	snap, ok := e.p.ExternalConnection(e.seed.OrganizationID, e.seed.ExternalConnectionID)
	require.True(t, ok)
	assert.Empty(t, snap.DisplayName)
	assert.Len(t, snap.ExternalConnectionImplicitRoleAssignments, 1)
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestX509Certificate(t *testing.T) {
	t.Parallel()
	notAfter := time.Date(2031, 1, 5, 10, 0, 0, 123, time.UTC)
	cert := testutil.SelfSignedCertPEM(t, "Okta test IdP", notAfter)
	keyPEM := testutil.RSAPKCS1PEM(t, 1024)
	t.Run("valid certificate is added once", func(t *testing.T) {
		t.Parallel()
		e := setup(t, provider.Config{})
		for range 2 {
			res := e.do(t, http.MethodPut, e.samlPath(), `{"x509_certificate":`+jsonString(t, cert)+`}`)
			require.Equal(t, http.StatusOK, res.status, string(res.raw))
			certs, _ := res.conn()["verification_certificates"].([]any)
			require.Len(t, certs, 1)
			c := certs[0].(map[string]any)
			assert.Equal(t, "Okta test IdP", c["issuer"])
			assert.Equal(t, "2031-01-05T10:00:00Z", c["expires_at"])
			assert.Regexp(t, `^saml-certificate-test-`, c["certificate_id"])
			assert.Equal(t, cert, c["certificate"])
		}
		other := testutil.SelfSignedCertPEM(t, "Second IdP", notAfter)
		res := e.do(t, http.MethodPut, e.samlPath(), `{"x509_certificate":`+jsonString(t, other)+`}`)
		require.Equal(t, http.StatusOK, res.status)
		assert.Len(t, res.conn()["verification_certificates"], 2)
	})
	bad := []struct{ name, value string }{
		{"empty", ""},
		{"not PEM", "not a certificate"},
		{"private key PEM", keyPEM},
		{"garbage in a CERTIFICATE block", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, provider.Config{})
			res := e.do(t, http.MethodPut, e.samlPath(), `{"x509_certificate":`+jsonString(t, tt.value)+`,"display_name":"not applied"}`)
			assert.Equal(t, http.StatusBadRequest, res.status)
			assert.Equal(t, "invalid_x509_certificate", res.str("error_type"))
			assert.NotContains(t, string(res.raw), "BEGIN")
			c, _ := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
			assert.Empty(t, c.VerificationCertificates)
			assert.NotEqual(t, "not applied", c.DisplayName, "a rejected update applies nothing")
		})
	}
}

func TestSigningPrivateKey(t *testing.T) {
	t.Parallel()
	key := testutil.RSAKey(t, 1024)
	keyPEM := testutil.PKCS1PEM(key)
	e := setup(t, provider.Config{})
	res := e.do(t, http.MethodPut, e.samlPath(), `{"signing_private_key":`+jsonString(t, keyPEM)+`}`)
	require.Equal(t, http.StatusOK, res.status, string(res.raw))
	assert.NotContains(t, string(res.raw), "RSA PRIVATE KEY", "the signing key is never echoed")
	certs, _ := res.conn()["signing_certificates"].([]any)
	require.Len(t, certs, 1)
	c := certs[0].(map[string]any)
	assert.Equal(t, "Stytch", c["issuer"])
	assert.Regexp(t, `^saml-certificate-test-`, c["certificate_id"])
	block, _ := pem.Decode([]byte(c["certificate"].(string)))
	require.NotNil(t, block)
	parsed, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.True(t, key.PublicKey.Equal(parsed.PublicKey), "the certificate carries the given key")
	assert.Equal(t, "Stytch", parsed.Issuer.CommonName)
	require.NoError(t, parsed.CheckSignature(parsed.SignatureAlgorithm, parsed.RawTBSCertificate, parsed.Signature), "self-signed")

	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	bad := []struct{ name, value string }{
		{"empty", ""},
		{"PKCS#8", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))},
		{"PKCS#8 bytes labelled PKCS#1", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: pkcs8}))},
		{"certificate", testutil.SelfSignedCertPEM(t, "x", time.Now().Add(time.Hour))},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(t, http.MethodPut, e.samlPath(), `{"signing_private_key":`+jsonString(t, tt.value)+`}`)
			assert.Equal(t, http.StatusBadRequest, res.status)
			assert.Equal(t, "saml_signing_private_key_invalid", res.str("error_type"))
			assert.NotContains(t, string(res.raw), "PRIVATE KEY")
		})
	}
}

func TestEncryptionPrivateKey(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	keyPEM := testutil.RSAPKCS1PEM(t, 1024)
	res := e.do(t, http.MethodPut, e.samlPath(), `{"saml_encryption_private_key":`+jsonString(t, keyPEM)+`}`)
	require.Equal(t, http.StatusOK, res.status, string(res.raw))
	keys, _ := res.conn()["encryption_private_keys"].([]any)
	require.Len(t, keys, 1)
	k := keys[0].(map[string]any)
	assert.Regexp(t, `^saml-encryption-private-key-test-`, k["private_key_id"])
	assert.Equal(t, keyPEM, k["private_key"])

	res = e.do(t, http.MethodPut, e.samlPath(), `{"saml_encryption_private_key":"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"}`)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, "saml_encryption_private_key_invalid", res.str("error_type"))
	c, _ := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	assert.Len(t, c.EncryptionPrivateKeys, 1)
}

func TestStatusBecomesActive(t *testing.T) {
	t.Parallel()
	cert := testutil.SelfSignedCertPEM(t, "IdP", time.Now().Add(24*time.Hour))
	parts := map[string]string{
		"idp_sso_url":       `"https://idp.example/sso"`,
		"attribute_mapping": `{"email":"NameID"}`,
		"idp_entity_id":     `"http://idp.example/entity"`,
		"x509_certificate":  jsonString(t, cert),
	}
	for missing := range parts {
		t.Run("without "+missing, func(t *testing.T) {
			t.Parallel()
			e := setup(t, provider.Config{})
			var fields []string
			for k, v := range parts {
				if k != missing {
					fields = append(fields, fmt.Sprintf("%q:%s", k, v))
				}
			}
			res := e.do(t, http.MethodPut, e.samlPath(), "{"+strings.Join(fields, ",")+"}")
			require.Equal(t, http.StatusOK, res.status, string(res.raw))
			assert.Equal(t, "pending", res.conn()["status"])
			res = e.do(t, http.MethodPut, e.samlPath(), fmt.Sprintf("{%q:%s}", missing, parts[missing]))
			require.Equal(t, http.StatusOK, res.status)
			assert.Equal(t, "active", res.conn()["status"])
		})
	}
}

func TestFieldRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		external bool
		body     string
		wantType string
	}{
		{"http SSO URL", false, `{"idp_sso_url":"http://idp.example/sso"}`, "saml_connection_idp_sso_url_not_https"},
		{"relative SSO URL", false, `{"idp_sso_url":"/sso"}`, "saml_connection_idp_sso_url_not_https"},
		{"groups without groups key", false, `{"saml_group_implicit_role_assignments":[{"role_id":"r","group":"g"}]}`, "saml_connection_attribute_mapping_missing_groups_key"},
		{"empty role", false, `{"saml_connection_implicit_role_assignments":[{"role_id":""}]}`, "invalid_rbac_role_id"},
		{"empty group role", false, `{"attribute_mapping":{"groups":"g"},"saml_group_implicit_role_assignments":[{"role_id":"","group":"g"}]}`, "invalid_rbac_role_id"},
		{"empty External role", true, `{"external_connection_implicit_role_assignments":[{"role_id":""}]}`, "invalid_rbac_role_id"},
		{"empty External group role", true, `{"external_group_implicit_role_assignments":[{"role_id":"","group":"g"}]}`, "invalid_rbac_role_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t, provider.Config{})
			path := e.samlPath()
			if tt.external {
				path = e.externalPath()
			}
			res := e.do(t, http.MethodPut, path, tt.body)
			assert.Equal(t, http.StatusBadRequest, res.status)
			assert.Equal(t, tt.wantType, res.str("error_type"))
		})
	}
	t.Run("groups with groups key", func(t *testing.T) {
		t.Parallel()
		e := setup(t, provider.Config{})
		res := e.do(t, http.MethodPut, e.samlPath(), `{"attribute_mapping":{"groups":"memberOf"},"saml_group_implicit_role_assignments":[{"role_id":"r","group":"g"}]}`)
		assert.Equal(t, http.StatusOK, res.status, string(res.raw))
		res = e.do(t, http.MethodPut, e.samlPath(), `{"idp_sso_url":""}`)
		assert.Equal(t, http.StatusOK, res.status, "an empty SSO URL clears it")
	})
}

func TestMemberSessions(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{Sessions: map[string]bool{
		"session-token-allowed": true,
		"session-token-denied":  false,
		"eyJ.allowed.jwt":       true,
		"eyJ.denied.jwt":        false,
	}})
	tests := []struct {
		name     string
		opts     []reqOpt
		want     int
		wantType string
	}{
		{"none", nil, 200, ""},
		{"allowed token", []reqOpt{withHeader(names.HeaderMemberSession, "session-token-allowed")}, 200, ""},
		{"allowed JWT", []reqOpt{withHeader(names.HeaderMemberSessionJWT, "eyJ.allowed.jwt")}, 200, ""},
		{"denied token", []reqOpt{withHeader(names.HeaderMemberSession, "session-token-denied")}, 403, "session_authorization_error"},
		{"denied JWT", []reqOpt{withHeader(names.HeaderMemberSessionJWT, "eyJ.denied.jwt")}, 403, "session_authorization_error"},
		{"unknown token", []reqOpt{withHeader(names.HeaderMemberSession, "session-token-unknown")}, 403, "invalid_session_token"},
		{"unknown JWT", []reqOpt{withHeader(names.HeaderMemberSessionJWT, "eyJ.unknown")}, 403, "invalid_session_token"},
		{"allowed token, denied JWT", []reqOpt{withHeader(names.HeaderMemberSession, "session-token-allowed"), withHeader(names.HeaderMemberSessionJWT, "eyJ.denied.jwt")}, 403, "session_authorization_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, path := range []string{e.samlPath(), e.externalPath()} {
				res := e.do(t, http.MethodPut, path, `{}`, tt.opts...)
				assert.Equal(t, tt.want, res.status)
				assert.Equal(t, tt.wantType, res.str("error_type"))
				assert.NotContains(t, string(res.raw), "session-token-")
				assert.NotContains(t, string(res.raw), "eyJ.")
			}
		})
	}
	t.Run("SetSession", func(t *testing.T) {
		t.Parallel()
		e := setup(t, provider.Config{})
		tok := withHeader(names.HeaderMemberSession, "session-token-later")
		assert.Equal(t, 403, e.do(t, http.MethodPut, e.samlPath(), "", tok).status)
		e.p.SetSession("session-token-later", true)
		assert.Equal(t, 200, e.do(t, http.MethodPut, e.samlPath(), "", tok).status)
		e.p.SetSession("session-token-later", false)
		assert.Equal(t, "session_authorization_error", e.do(t, http.MethodPut, e.samlPath(), "", tok).str("error_type"))
	})
}

// fakeClock is a settable clock for the rate limiter and timestamps.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}
	e := setup(t, provider.Config{RateLimit: 1, Burst: 2, Clock: clock.Now})
	// Requests that fail authentication do not use the project's budget.
	for range 3 {
		assert.Equal(t, 401, e.do(t, http.MethodPut, e.samlPath(), "", noAuth()).status)
	}
	assert.Equal(t, 200, e.do(t, http.MethodPut, e.samlPath(), "").status)
	assert.Equal(t, 200, e.do(t, http.MethodPut, e.externalPath(), "").status)
	res := e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"not applied"}`)
	require.Equal(t, http.StatusTooManyRequests, res.status)
	assert.Equal(t, "too_many_requests", res.str("error_type"))
	assert.Equal(t, "1", res.header.Get("Retry-After"))
	res = e.do(t, http.MethodPut, e.externalPath(), "")
	assert.Equal(t, http.StatusTooManyRequests, res.status, "a refused request does not use a token")
	clock.Add(time.Second)
	res = e.do(t, http.MethodPut, e.samlPath(), "")
	assert.Equal(t, 200, res.status)
	assert.Equal(t, "Local test SAML connection", res.conn()["display_name"])

	t.Run("off by default", func(t *testing.T) {
		t.Parallel()
		e := setup(t, provider.Config{Clock: clock.Now})
		for range 20 {
			require.Equal(t, 200, e.do(t, http.MethodPut, e.samlPath(), "").status)
		}
	})
	t.Run("slow rate gives a longer Retry-After", func(t *testing.T) {
		t.Parallel()
		e := setup(t, provider.Config{RateLimit: 0.1, Clock: clock.Now})
		assert.Equal(t, 200, e.do(t, http.MethodPut, e.samlPath(), "").status)
		res := e.do(t, http.MethodPut, e.samlPath(), "")
		assert.Equal(t, 429, res.status)
		assert.Equal(t, "10", res.header.Get("Retry-After"))
	})
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	e.p.FailNext(2)
	for range 2 {
		res := e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"not applied"}`)
		assert.Equal(t, http.StatusInternalServerError, res.status)
		assert.Equal(t, "internal_server_error", res.str("error_type"))
	}
	res := e.do(t, http.MethodPut, e.samlPath(), "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Local test SAML connection", res.conn()["display_name"])
}

func TestThrottleNext(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	e.p.ThrottleNext(1)
	res := e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"not applied"}`)
	assert.Equal(t, http.StatusTooManyRequests, res.status)
	assert.Equal(t, "too_many_requests", res.str("error_type"))
	assert.Equal(t, "1", res.header.Get("Retry-After"))
	res = e.do(t, http.MethodPut, e.samlPath(), "")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Local test SAML connection", res.conn()["display_name"])
}

func TestUpdatesJournal(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	first := e.do(t, http.MethodPut, e.samlPath(), `{"display_name":"one"}`)
	require.Equal(t, http.StatusOK, first.status)
	rejected := e.do(t, http.MethodPut, e.samlPath(), `{"x509_certificate":"nope"}`)
	require.Equal(t, http.StatusBadRequest, rejected.status)
	second := e.do(t, http.MethodPut, e.externalPath(), `{"display_name":"two"}`)
	require.Equal(t, http.StatusOK, second.status)

	seed := e.p.Seeded()
	assert.Equal(t, []provider.Update{
		{RequestID: first.str("request_id"), OperationID: "UpdateSAMLConnection", OrganizationID: seed.OrganizationID, ConnectionID: seed.SAMLConnectionID},
		{RequestID: second.str("request_id"), OperationID: "UpdateExternalConnection", OrganizationID: seed.OrganizationID, ConnectionID: seed.ExternalConnectionID},
	}, e.p.Updates(), "only accepted updates, in order")
}

func TestTimestampsAreUTCWholeSeconds(t *testing.T) {
	t.Parallel()
	zone := time.FixedZone("UTC+5", 5*3600)
	clock := &fakeClock{now: time.Date(2026, 3, 4, 15, 6, 7, 987654321, zone)}
	e := setup(t, provider.Config{Clock: clock.Now})
	cert := testutil.SelfSignedCertPEM(t, "IdP", time.Now().Add(time.Hour))
	res := e.do(t, http.MethodPut, e.samlPath(), `{"x509_certificate":`+jsonString(t, cert)+`,"saml_encryption_private_key":`+jsonString(t, testutil.RSAPKCS1PEM(t, 1024))+`}`)
	require.Equal(t, http.StatusOK, res.status)
	v := res.conn()["verification_certificates"].([]any)[0].(map[string]any)
	assert.Equal(t, "2026-03-04T10:06:07Z", v["created_at"])
	assert.Equal(t, "2026-03-04T10:06:07Z", v["updated_at"])
	k := res.conn()["encryption_private_keys"].([]any)[0].(map[string]any)
	assert.Equal(t, "2026-03-04T10:06:07Z", k["created_at"])
	s := res.conn()["signing_certificates"].([]any)[0].(map[string]any)
	assert.Equal(t, "2036-03-04T10:06:07Z", s["expires_at"])
}

func TestRequestIDsAreUnique(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	seen := map[string]bool{}
	for _, path := range []string{e.samlPath(), e.externalPath(), "/nope"} {
		for range 5 {
			id := e.do(t, http.MethodPut, path, "").str("request_id")
			assert.False(t, seen[id], "request_id %s repeated", id)
			seen[id] = true
		}
	}
}

// TestStrictCheckerCatchesUndeclared makes sure the strict-mode check used
// on every response above can fail.
func TestStrictCheckerCatchesUndeclared(t *testing.T) {
	t.Parallel()
	schema := responseSchema(t, names.SAMLConnectionPath, 200)
	body := map[string]any{
		"request_id": "r", "status_code": 200.0, "extra": true,
		"connection": map[string]any{"attribute_mapping": map[string]any{"free": "form"}, "nested_extra": 1.0},
	}
	assert.Equal(t, []string{"$.connection.nested_extra", "$.extra"}, undeclared(schema, body, "$"))
	assert.Error(t, schema.VisitJSON(map[string]any{"status_code": "200"}, openapi3.VisitAsResponse()))
}

// TestConcurrentUpdatesLoseNothing runs writers on disjoint fields of both
// connections at once, each writing an increasing sequence: with -race this
// finds data races, and the final state must hold every writer's last value
// (a read-modify-write outside the lock would lose some).
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	t.Parallel()
	e := setup(t, provider.Config{})
	samlFields := []string{"display_name", "idp_entity_id", "alternative_audience_uri", "alternative_acs_url", "nameid_format"}
	const rounds = 40
	var wg sync.WaitGroup
	errs := make(chan error, len(samlFields)+2)
	send := func(path, body string) error {
		req, err := http.NewRequest(http.MethodPut, e.srv.URL+path, strings.NewReader(body))
		if err != nil {
			return err
		}
		req.SetBasicAuth(testProjectID, testSecret)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("PUT %s %s = %d", path, body, resp.StatusCode)
		}
		return nil
	}
	for _, f := range samlFields {
		wg.Go(func() {
			for i := range rounds {
				if err := send(e.samlPath(), fmt.Sprintf(`{%q:"%s-%d"}`, f, f, i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range rounds {
			if err := send(e.samlPath(), fmt.Sprintf(`{"idp_initiated_auth_disabled":%t,"saml_connection_implicit_role_assignments":[{"role_id":"role-%d"}]}`, i%2 == 0, i)); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Go(func() {
		for i := range rounds {
			if err := send(e.externalPath(), fmt.Sprintf(`{"display_name":"ext-%d"}`, i)); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	c, ok := e.p.SAMLConnection(e.seed.OrganizationID, e.seed.SAMLConnectionID)
	require.True(t, ok)
	last := fmt.Sprintf("-%d", rounds-1)
	assert.Equal(t, "display_name"+last, c.DisplayName)
	assert.Equal(t, "idp_entity_id"+last, c.IDPEntityID)
	assert.Equal(t, "alternative_audience_uri"+last, c.AlternativeAudienceURI)
	assert.Equal(t, "alternative_acs_url"+last, c.AlternativeACSURL)
	assert.Equal(t, "nameid_format"+last, c.NameIDFormat)
	assert.Equal(t, (rounds-1)%2 == 0, c.IDPInitiatedAuthDisabled)
	require.Len(t, c.SAMLConnectionImplicitRoleAssignments, 1)
	assert.Equal(t, fmt.Sprintf("role-%d", rounds-1), c.SAMLConnectionImplicitRoleAssignments[0].RoleID)
	x, _ := e.p.ExternalConnection(e.seed.OrganizationID, e.seed.ExternalConnectionID)
	assert.Equal(t, "ext"+last, x.DisplayName)
}
