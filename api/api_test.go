package api_test

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/api/names"
)

func TestDocumentIsValid(t *testing.T) {
	doc, err := api.Document()
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background(), openapi3.EnableExamplesValidation()))
	assert.Equal(t, "3.0.3", doc.OpenAPI)
}

func TestDocumentIsParsedOnce(t *testing.T) {
	a, err := api.Document()
	require.NoError(t, err)
	b, err := api.Document()
	require.NoError(t, err)
	assert.Same(t, a, b, "Document() must return the one shared parse")
}

func TestYAMLReturnsACopy(t *testing.T) {
	a := api.YAML()
	a[0] = 'X'
	assert.NotEqual(t, byte('X'), api.YAML()[0])
}

func TestParseRejectsBrokenSpecs(t *testing.T) {
	for name, mutate := range map[string]func(string) string{
		"not yaml": func(string) string { return "{{{" },
		"example of the wrong type": func(s string) string {
			return strings.Replace(s, "status_code: 200\n        connection:", "status_code: not-a-number\n        connection:", 1)
		},
		"example with a bad timestamp": func(s string) string {
			return strings.Replace(s, "created_at: '2026-01-05T10:00:00Z'", "created_at: 'yesterday'", 1)
		},
		"unresolvable ref": func(s string) string {
			return strings.Replace(s, "#/components/schemas/SAMLConnection'", "#/components/schemas/Nope'", 1)
		},
	} {
		t.Run(name, func(t *testing.T) {
			broken := mutate(string(api.YAML()))
			require.NotEqual(t, string(api.YAML()), broken, "mutation did not apply")
			_, err := api.Parse([]byte(broken))
			assert.Error(t, err)
		})
	}
}

func schemaProps(t *testing.T, doc *openapi3.T, name string) []string {
	t.Helper()
	ref, ok := doc.Components.Schemas[name]
	require.True(t, ok, "schema %s missing", name)
	var names []string
	for p := range ref.Value.Properties {
		names = append(names, p)
	}
	sort.Strings(names)
	return names
}

func TestFieldsMatchStytch(t *testing.T) {
	doc, err := api.Document()
	require.NoError(t, err)

	samlReq := []string{"alternative_acs_url", "alternative_audience_uri", "allow_gateway_callback", "attribute_mapping",
		"display_name", "identity_provider", "idp_entity_id", "idp_initiated_auth_disabled", "idp_sso_url", "nameid_format",
		"saml_connection_implicit_role_assignments", "saml_encryption_private_key", "saml_group_implicit_role_assignments",
		"signing_private_key", "x509_certificate"}
	sort.Strings(samlReq)
	assert.Equal(t, samlReq, schemaProps(t, doc, "UpdateSAMLConnectionRequest"))
	assert.Empty(t, doc.Components.Schemas["UpdateSAMLConnectionRequest"].Value.Required)

	extReq := []string{"display_name", "external_connection_implicit_role_assignments", "external_group_implicit_role_assignments"}
	assert.Equal(t, extReq, schemaProps(t, doc, "UpdateExternalConnectionRequest"))

	saml := doc.Components.Schemas["SAMLConnection"].Value
	assert.Len(t, saml.Properties, 20)
	assert.Len(t, saml.Required, 19)
	assert.NotContains(t, saml.Required, "attribute_mapping")
	ext := doc.Components.Schemas["ExternalConnection"].Value
	assert.Len(t, ext.Properties, 8)
	assert.Len(t, ext.Required, 8)

	for _, name := range []string{"UpdateSAMLConnectionResponseBody", "UpdateExternalConnectionResponseBody"} {
		s := doc.Components.Schemas[name].Value
		assert.ElementsMatch(t, []string{"connection", "request_id", "status_code"}, schemaProps(t, doc, name))
		// Stytch's spec leaves connection optional; ours requires it, as
		// the client does (issue 19 §5; api/upstream-accepted.json).
		assert.ElementsMatch(t, []string{"request_id", "status_code", "connection"}, s.Required, name)
	}

	idp := doc.Components.Schemas["IdentityProvider"].Value
	assert.Len(t, idp.Enum, 15)

	cert := doc.Components.Schemas["X509Certificate"].Value
	assert.ElementsMatch(t, []string{"certificate_id", "certificate", "issuer"}, cert.Required)
	for _, ts := range []string{"created_at", "expires_at", "updated_at"} {
		assert.Equal(t, "date-time", cert.Properties[ts].Value.Format, ts)
	}
	key := doc.Components.Schemas["EncryptionPrivateKey"].Value
	assert.ElementsMatch(t, []string{"private_key_id", "private_key"}, key.Required)
	assert.Equal(t, "date-time", key.Properties["created_at"].Value.Format)

	assert.True(t, doc.Components.Schemas["AttributeMapping"].Value.AdditionalProperties.Has != nil &&
		*doc.Components.Schemas["AttributeMapping"].Value.AdditionalProperties.Has, "attribute_mapping must be free-form")

	errSchema := doc.Components.Schemas["ErrorResponse"].Value
	assert.ElementsMatch(t, []string{"status_code", "request_id", "error_type", "error_message", "error_url", "error_details"},
		schemaProps(t, doc, "ErrorResponse"))
	assert.NotContains(t, errSchema.Required, "error_details")
}

func TestOperations(t *testing.T) {
	doc, err := api.Document()
	require.NoError(t, err)
	for path, opID := range map[string]string{
		names.SAMLConnectionPath:     names.OperationUpdateSAMLConnection,
		names.ExternalConnectionPath: names.OperationUpdateExternalConnection,
	} {
		item := doc.Paths.Find(path)
		require.NotNil(t, item, path)
		op := item.Put
		require.NotNil(t, op, path)
		assert.Equal(t, opID, op.OperationID)
		assert.Len(t, item.Operations(), 1, "only PUT is described")

		require.NotNil(t, op.RequestBody)
		assert.False(t, op.RequestBody.Value.Required, "%s: every body field is optional, so is the body", opID)

		var params []string
		for _, p := range op.Parameters {
			params = append(params, p.Value.In+":"+p.Value.Name)
			if p.Value.In == "path" {
				assert.Empty(t, p.Value.Schema.Value.Format, "%s: IDs are prefixed strings, not UUIDs", p.Value.Name)
			}
		}
		assert.ElementsMatch(t, []string{"path:organization_id", "path:connection_id",
			"header:X-Stytch-Member-Session", "header:X-Stytch-Member-SessionJWT"}, params)

		for _, code := range []int{200, 400, 401, 403, 404, 429, 500} {
			resp := op.Responses.Status(code)
			require.NotNil(t, resp, "%s %d", opID, code)
			mt := resp.Value.Content.Get("application/json")
			require.NotNil(t, mt, "%s %d", opID, code)
			if code != 200 {
				assert.Equal(t, "#/components/schemas/ErrorResponse", mt.Schema.Ref, "%s %d", opID, code)
				assert.NotNil(t, mt.Example, "%s %d needs an example", opID, code)
				assert.EqualValues(t, code, mt.Example.(map[string]any)["status_code"], "%s %d example", opID, code)
			}
		}
	}
	sec := doc.Components.SecuritySchemes["basicAuth"]
	require.NotNil(t, sec)
	assert.Equal(t, "http", sec.Value.Type)
	assert.Equal(t, "basic", sec.Value.Scheme)
}

// TestExamplesValidate checks every example in the document against the
// schema it illustrates, independently of kin-openapi's own example check.
func TestExamplesValidate(t *testing.T) {
	doc, err := api.Document()
	require.NoError(t, err)
	n := 0
	for name, ref := range doc.Components.Schemas {
		if ref.Value.Example == nil {
			t.Errorf("schema %s has no example", name)
			continue
		}
		n++
		assert.NoError(t, ref.Value.VisitJSON(ref.Value.Example), "example of %s", name)
	}
	for name, ref := range doc.Components.Responses {
		for _, mt := range ref.Value.Content {
			n++
			assert.NoError(t, mt.Schema.Value.VisitJSON(mt.Example), "example of response %s", name)
		}
	}
	assert.Greater(t, n, 15)

	// The check can fail: a broken copy of an example is rejected.
	bad := map[string]any{"request_id": "x", "status_code": "200"}
	assert.Error(t, doc.Components.Schemas["UpdateSAMLConnectionResponseBody"].Value.VisitJSON(bad))
	badTime := map[string]any{"certificate_id": "", "certificate": "", "issuer": "", "created_at": "yesterday"}
	assert.Error(t, doc.Components.Schemas["X509Certificate"].Value.VisitJSON(badTime))
}

func TestNoRealLookingSecretsInSpec(t *testing.T) {
	// Examples must be obviously fake: PEM blocks in the spec hold a marker, not key material.
	for _, line := range bytes.Split(api.YAML(), []byte("\n")) {
		if bytes.Contains(line, []byte("-----BEGIN")) {
			assert.Contains(t, string(line), "EXAMPLE-ONLY")
		}
	}
}
