package contract

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stytchsso/stytchsso/api"
	"github.com/stytchsso/stytchsso/internal/testutil"
)

const (
	testOrgID      = testutil.OrganizationID
	testSAMLID     = testutil.SAMLConnectionID
	testExternalID = testutil.ExternalConnectionID
	// canaryKey stands for a private key: no violation may ever contain it.
	canaryKey = "-----BEGIN RSA PRIVATE KEY-----\nCANARY-c4n4ry-SECRET-do-not-print\n-----END RSA PRIVATE KEY-----\n"
	canary    = "CANARY-c4n4ry-SECRET-do-not-print"
)

func basicAuth() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(testutil.ProjectID+":secret-test-canary"))
}

// example returns the spec's own example of a component schema, as JSON.
func example(t *testing.T, schema string) map[string]any {
	t.Helper()
	doc, err := api.Document()
	require.NoError(t, err)
	ref := doc.Components.Schemas[schema]
	require.NotNil(t, ref, "schema %s", schema)
	raw, err := json.Marshal(ref.Value.Example)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// samlPair is a clean SAML update: the spec's request and response examples.
func samlPair(t *testing.T) *Pair {
	t.Helper()
	return examplePair(t, "https://test.stytch.com/v1/b2b/sso/saml/"+testOrgID+"/connections/"+testSAMLID,
		"UpdateSAMLConnection", "application/json")
}

// externalPair is a clean External update, sent to a local server.
func externalPair(t *testing.T) *Pair {
	t.Helper()
	return examplePair(t, "http://127.0.0.1:8080/v1/b2b/sso/external/"+testOrgID+"/connections/"+testExternalID,
		"UpdateExternalConnection", "application/json; charset=utf-8")
}

// examplePair is a PUT to url whose bodies are the spec's examples of op's
// request (schema op+"Request") and response (op+"ResponseBody"), the
// response sent with the Content-Type respType.
func examplePair(t *testing.T, url, op, respType string) *Pair {
	t.Helper()
	return &Pair{
		Method: http.MethodPut,
		URL:    url,
		RequestHeader: http.Header{
			"Authorization": {basicAuth()},
			"Content-Type":  {"application/json"},
		},
		RequestBody:    mustJSON(t, example(t, op+"Request")),
		StatusCode:     200,
		ResponseHeader: http.Header{"Content-Type": {respType}},
		ResponseBody:   mustJSON(t, example(t, op+"ResponseBody")),
		Index:          -1,
	}
}

// edit decodes body, lets f change it, and encodes it again.
func edit(t *testing.T, body []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	f(m)
	return mustJSON(t, m)
}

func conn(m map[string]any) map[string]any { return m["connection"].(map[string]any) }

func newValidator(t *testing.T, opts ...Option) *Validator {
	t.Helper()
	v, err := New(opts...)
	require.NoError(t, err)
	return v
}
